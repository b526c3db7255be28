"""Writing a file the user asked for (CSV, bundle, PDF) so that it is whole or not there at all."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, readable by the user only.

    The bytes go to a temporary file in the same folder, are flushed to the disk, and only then take
    the name: on a full disk (or any failure) ``path`` keeps what it held before, and no empty or
    half-written file is left behind. OSError says why. A file the user made read-only is not replaced
    (the rename would replace it whatever its permissions, and root's writes ignore them). A symbolic
    link (a report kept in a synced folder, say) is followed: the file it points to is written.
    """
    path = Path(path)
    if path.is_symlink():  # the file the link points to takes the bytes; the link stays a link
        path = Path(os.path.realpath(path))
    if path.is_file() and not path.stat().st_mode & 0o222:
        raise PermissionError(errno.EACCES, "the file is read-only; it was left as it was", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def _sync_folder(folder: Path) -> None:
    """Make the new name itself survive a power cut (POSIX; elsewhere the rename is enough)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder; the file itself is already on disk
        pass
    finally:
        os.close(fd)
