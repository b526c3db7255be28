"""The weekly check-in: the form (``form``), the week picker, the range-of-motion rows, the fields and how
core's problems show on them, the sign check before saving, and the keys."""

from rehabtrack.ui.views.checkin.form import CheckInForm
from rehabtrack.ui.views.checkin.keys import KEYS_HELP, SHORTCUTS
from rehabtrack.ui.views.checkin.rom_rows import RomRow
from rehabtrack.ui.views.checkin.week_picker import WeekPicker, week_text

__all__ = ["KEYS_HELP", "SHORTCUTS", "CheckInForm", "RomRow", "WeekPicker", "week_text"]
