"""Why a database cannot be opened or saved to. Kept free of SQLAlchemy so the command line can catch
these cheaply. Every message says what happened and what the user can do."""

from __future__ import annotations

from pathlib import Path


class DatabaseProblem(Exception):
    """The database cannot be used as it is; the message says what to do.

    ``backup`` is the newest backup the user could restore (the UI offers it), when there is one.
    """

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class NotRehabTrackDatabase(DatabaseProblem):
    """Corrupt, truncated, or not a RehabTrack database at all. The file is left untouched."""


class NewerSchema(DatabaseProblem):
    pass


class SchemaBehind(DatabaseProblem):
    """A server database whose schema only its owner may set up or upgrade (rehabtrack db upgrade)."""


class MigrationFailed(DatabaseProblem):
    """A schema upgrade failed; ``backup`` is the copy taken just before it."""


class StoreLocked(DatabaseProblem):
    """Another RehabTrack is already using this data folder."""

    def __init__(self, message: str, data_dir: Path | None = None) -> None:
        super().__init__(message, None)
        self.data_dir = data_dir


class CannotSave(DatabaseProblem):
    """A save was refused by the disk; nothing from it was written and reading still works."""


class DiskFull(CannotSave):
    pass


class NotPermitted(CannotSave):
    """A clinic server refused what this login may not do (row security, a right it lacks, a therapist in
    no care team); nothing of it was written."""


class ReadOnlyDatabase(CannotSave):
    pass


class DatabaseBusy(CannotSave):
    """Another program (not RehabTrack, which the lock file keeps out) holds SQLite's write lock."""


class BackupProblem(DatabaseProblem):
    """A backup could not be made or restored."""


class CannotOpen(DatabaseProblem):
    """The folder or the disk, not the data, keeps the database from being opened (a folder or a broken
    link where the file should be, another user's folder). Nothing was changed; no backup is offered."""


class ConnectionProblem(DatabaseProblem):
    """The database server could not be reached, refused the login or the certificate, or the connection
    broke during a change: nothing was written, and trying again may work once the cause is fixed.

    ``kind`` says which: "down", "password", "certificate" or "lost" (the window offers the clinic
    server's preferences for a password or a certificate)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind
