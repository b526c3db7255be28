"""The user's preferences and window state, typed, over ``QSettings``.

``Settings`` reads and writes through anything with QSettings' ``value``/``setValue``/``remove``/``sync``:
the user's real settings (``user_settings()``), an ini file (``settings_at(path)``, used by tests), or a
dictionary in memory (``Settings()``), which is what a window gets unless it is given settings, so tests
and ``rehabtrack self-test`` never touch the user's real preferences.

The user's data folder and backups kept are also written to storage's small settings file
(``storage.paths.choice_file()``), so the command line, which has no Qt, works on the same folder.

Nothing here imports the database or report stack (only ``storage.paths``): preferences are read before
the first paint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QByteArray, QSettings

from rehabtrack.core.rom_norms import DEFAULT_SOURCE, sources
from rehabtrack.storage.paths import (
    DEFAULT_KEEP,
    DataChoice,
    DataChoiceProblem,
    choice_file,
    read_choice,
    save_choice,
)

FONT_SCALE_MIN = 100
FONT_SCALE_MAX = 200
BACKUPS_MIN = 1
BACKUPS_MAX = 60
DEFAULT_BACKUPS_KEPT = DEFAULT_KEEP
SUNDAY = 6
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PAPERS = ("a4", "letter")


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high contrast"

    @property
    def label(self) -> str:
        return {
            Theme.SYSTEM: "Follow the system",
            Theme.LIGHT: "Light",
            Theme.DARK: "Dark",
            Theme.HIGH_CONTRAST: "High contrast",
        }[self]


@dataclass(frozen=True)
class Preferences:
    checkin_day: int = SUNDAY  # 0 = Monday … 6 = Sunday, like date.weekday()
    reminder: bool = True
    font_scale: int = 100  # percent of the system font
    theme: Theme = Theme.SYSTEM
    paper: str = ""  # "a4", "letter", or "" for the locale's paper (see paper_size())
    backups_kept: int = DEFAULT_BACKUPS_KEPT
    data_folder: str = ""  # "" for the platform's data folder
    rom_norms: str = DEFAULT_SOURCE  # which table of typical range of motion the charts show: AAOS or VA
    server: str = ""  # a clinic server's address, user included (postgresql://USER@HOST/DB); never a password
    use_server: bool = False  # open the clinic server instead of the data folder when RehabTrack starts

    def paper_size(self) -> str:
        """The paper to print on: the chosen one, else the locale's (Letter in the US, else A4)."""
        if self.paper in PAPERS:
            return self.paper
        from rehabtrack.report.pdf import default_paper

        return default_paper()

    def checked(self) -> Preferences:
        """The same preferences with every value forced into its allowed range."""
        return replace(
            self,
            checkin_day=min(max(self.checkin_day, 0), 6),
            font_scale=min(max(self.font_scale, FONT_SCALE_MIN), FONT_SCALE_MAX),
            paper=self.paper if self.paper in PAPERS else "",
            backups_kept=min(max(self.backups_kept, BACKUPS_MIN), BACKUPS_MAX),
            rom_norms=self.rom_norms if self.rom_norms in sources() else DEFAULT_SOURCE,
        )


class Backend(Protocol):
    def value(self, key: str, defaultValue: Any = None) -> Any: ...
    def setValue(self, key: str, value: Any) -> None: ...
    def remove(self, key: str) -> None: ...
    def sync(self) -> None: ...


class MemoryBackend:
    """Settings that last as long as the object: for windows that must not touch the user's."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def value(self, key: str, defaultValue: Any = None) -> Any:
        return self.values.get(key, defaultValue)

    def setValue(self, key: str, value: Any) -> None:
        self.values[key] = value

    def remove(self, key: str) -> None:
        self.values.pop(key, None)

    def sync(self) -> None:
        pass


log = logging.getLogger(__name__)


class SharedWithStorage:
    """The user's QSettings, except the data folder and the backups kept, which also go to storage's
    settings file (``storage.paths``) so the command line follows them.

    That file is what counts once it exists; a folder chosen before it existed is copied into it."""

    SHARED = {
        "data/folder": "folder",
        "data/backups_kept": "backups_kept",
        "server/address": "server",
        "server/use": "use_server",
    }

    def __init__(self, qsettings: Backend, path: Path | None = None) -> None:
        self.qsettings = qsettings
        self.path = path or choice_file()
        if not self.path.exists() and any(qsettings.value(key) is not None for key in self.SHARED):
            folder = str(qsettings.value("data/folder", "") or "")
            kept = _int(qsettings.value("data/backups_kept", DEFAULT_KEEP), DEFAULT_KEEP)
            self._save(DataChoice(folder, min(max(kept, BACKUPS_MIN), BACKUPS_MAX)))

    def _save(self, choice: DataChoice) -> None:
        try:
            save_choice(choice, self.path)
        except OSError as exc:  # the app still works; the command line would not follow the choice
            log.warning("could not write %s: %s", self.path, exc)

    def _choice(self) -> DataChoice | None:
        if not self.path.exists():
            return None
        try:
            return read_choice(self.path)
        except DataChoiceProblem as exc:
            log.warning("%s", exc)
            return None

    def value(self, key: str, defaultValue: Any = None) -> Any:
        choice = self._choice() if key in self.SHARED else None
        if choice is None:
            return self.qsettings.value(key, defaultValue)
        return getattr(choice, self.SHARED[key])

    def setValue(self, key: str, value: Any) -> None:
        self.qsettings.setValue(key, value)
        if key == "data/folder":
            self._save(replace(self._choice() or DataChoice(), folder=str(value or "")))
        elif key == "data/backups_kept":
            kept = min(max(_int(value, DEFAULT_KEEP), BACKUPS_MIN), BACKUPS_MAX)
            self._save(replace(self._choice() or DataChoice(), backups_kept=kept))
        elif key == "server/address":
            self._save(replace(self._choice() or DataChoice(), server=str(value or "")))
        elif key == "server/use":
            self._save(replace(self._choice() or DataChoice(), use_server=_bool(value, False)))

    def remove(self, key: str) -> None:
        self.qsettings.remove(key)
        if key in self.SHARED and self.path.exists():
            field = self.SHARED[key]
            self._save(replace(self._choice() or DataChoice(), **{field: getattr(DataChoice(), field)}))

    def sync(self) -> None:
        self.qsettings.sync()


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):  # ini files give "true"/"false"
        return value.strip().lower() in ("true", "1", "yes")
    return default if value is None else bool(value)


class Settings:
    def __init__(self, backend: Backend | None = None) -> None:
        self.backend: Backend = backend if backend is not None else MemoryBackend()

    # Preferences ---------------------------------------------------------------------------------

    def preferences(self) -> Preferences:
        d = Preferences()
        v = self.backend.value
        try:
            theme = Theme(str(v("appearance/theme", d.theme.value)))
        except ValueError:
            theme = d.theme
        return Preferences(
            checkin_day=_int(v("reminder/checkin_day", d.checkin_day), d.checkin_day),
            reminder=_bool(v("reminder/enabled", d.reminder), d.reminder),
            font_scale=_int(v("appearance/font_scale", d.font_scale), d.font_scale),
            theme=theme,
            paper=str(v("report/paper", d.paper) or ""),
            backups_kept=_int(v("data/backups_kept", d.backups_kept), d.backups_kept),
            data_folder=str(v("data/folder", d.data_folder) or ""),
            rom_norms=str(v("charts/rom_norms", d.rom_norms) or d.rom_norms),
            server=str(v("server/address", d.server) or ""),
            use_server=_bool(v("server/use", d.use_server), d.use_server),
        ).checked()

    def save_preferences(self, prefs: Preferences) -> None:
        prefs = prefs.checked()
        s = self.backend.setValue
        s("reminder/checkin_day", prefs.checkin_day)
        s("reminder/enabled", prefs.reminder)
        s("appearance/font_scale", prefs.font_scale)
        s("appearance/theme", prefs.theme.value)
        s("report/paper", prefs.paper)
        s("data/backups_kept", prefs.backups_kept)
        s("data/folder", prefs.data_folder)
        s("charts/rom_norms", prefs.rom_norms)
        s("server/address", prefs.server)
        s("server/use", prefs.use_server)
        self.backend.sync()

    # Reminder ------------------------------------------------------------------------------------

    def last_reminded(self) -> date | None:
        text = self.backend.value("reminder/last_reminded", "")
        try:
            return date.fromisoformat(str(text)) if text else None
        except ValueError:
            return None

    def set_last_reminded(self, day: date) -> None:
        self.backend.setValue("reminder/last_reminded", day.isoformat())
        self.backend.sync()

    # Window state (opaque bytes from saveGeometry / saveState) ---------------------------------

    def state(self, name: str) -> QByteArray | None:
        value = self.backend.value(f"window/{name}")
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes | bytearray) and value:
            return QByteArray(bytes(value))
        return None

    def set_state(self, name: str, value: QByteArray) -> None:
        self.backend.setValue(f"window/{name}", value)

    def sync(self) -> None:
        self.backend.sync()


def user_settings() -> Settings:
    """The signed-in user's settings (application and organisation names must be set first)."""
    return Settings(SharedWithStorage(QSettings()))


def settings_at(path: Path) -> Settings:
    """Settings kept in the ini file ``path``."""
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))
