"""Logging to the platform's per-user log folder.

Logs never contain names, notes or marker values: RehabTrack's own messages name files and counts
only, SQLAlchemy never echoes, and its engine hides SQL parameters (``hide_parameters=True``), so
even a failing statement is logged without the data it carried.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "rehabtrack.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("RehabTrack", appauthor=False))


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are created readable by the user only (0600)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def setup_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the ``rehabtrack`` loggers to a rotating file in ``log_dir``; returns the file's path."""
    folder = log_dir or default_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)
    path = folder / LOG_NAME
    logger = logging.getLogger("rehabtrack")
    for handler in list(logger.handlers):
        if isinstance(handler, _PrivateRotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    handler = _PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    # SQL statements are not for the log: only SQLAlchemy's warnings and errors get through.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path
