"""A cheaper form of the check PySide6 runs on every module imported after it.

PySide6 replaces ``__import__`` so that a module may opt in to ``from __feature__ import snake_case``;
after each import it asks whether the module's source mentions "PySide6" (PYSIDE-2029), through
``inspect.getsource``, which detects the file's encoding and splits it into lines in the
``linecache``. Starting RehabTrack imports about 600 modules after PySide6 (SQLAlchemy, pydantic,
numpy, pyqtgraph, our own), and those checks took about 0.1 s of a 1 s start. Searching the file's
bytes gives the same answer in a fraction of the time (napari issue 8584 measured the same cost).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType


def uses_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether ``module``'s source file mentions PySide6; ``fallback`` (PySide's own check) for a
    module without a plain ``.py`` file."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return fallback(module)


def speed_up() -> bool:
    """Put ``uses_pyside`` in place of PySide6's check, once; False where this PySide6 has no such
    check (then nothing is changed)."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(upstream):
        return False
    if getattr(upstream, "__module__", None) == __name__:
        return True

    def check(module: ModuleType) -> bool:
        return uses_pyside(module, upstream)

    check.__module__ = __name__
    check.pyside_check = upstream  # type: ignore[attr-defined]
    feature._mod_uses_pyside = check  # type: ignore[attr-defined]
    return True
