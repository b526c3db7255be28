"""One way to change a patient's records: only the patient session (and its commands) writes to the Store.

Every other UI module changes data through ``PatientSession``, so every change is undoable and every view
hears of it. The list of writes is read from the code itself, not typed here: any ``Store`` method that
opens a transaction (or calls one that does), and every function below ui that imports (calls
``Store.import_histories``).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import rehabtrack
import rehabtrack.storage.store
import rehabtrack.ui
from rehabtrack.storage.store import Store

WRITE_VERBS = ("save_", "delete_", "import_", "restore")
MAY_WRITE = {"patient_session.py", "commands.py"}  # relative to rehabtrack/ui
UI = Path(rehabtrack.ui.__file__).parent


def _store_methods() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(inspect.getsource(rehabtrack.storage.store))
    [store] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == Store.__name__]
    return {n.name: n for n in store.body if isinstance(n, ast.FunctionDef)}


def _calls_on_self(method: ast.FunctionDef) -> set[str]:
    return {
        n.func.attr
        for n in ast.walk(method)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
    }


def store_writes() -> set[str]:
    """Public Store methods that write: they open a transaction, begin a session themselves, or call
    one that does."""
    methods = _store_methods()
    writes = {
        name
        for name, method in methods.items()
        if "_transaction" in _calls_on_self(method)
        or any(isinstance(n, ast.Attribute) and n.attr == "begin" for n in ast.walk(method))
    }
    grew = True
    while grew:
        more = {name for name, method in methods.items() if _calls_on_self(method) & writes} - writes
        writes |= more
        grew = bool(more)
    return {name for name in writes if not name.startswith("_")}


BELOW_UI = ("rehabtrack.storage", "rehabtrack.fhir")  # the packages ui calls that may hold writes


def storage_import_functions() -> set[str]:
    """The public functions below ui that merge a file into the records (they call
    ``Store.import_histories``): a bundle, a CSV file, a FHIR Bundle …"""
    root = Path(rehabtrack.__file__).parent
    found = set()
    for package in BELOW_UI:
        for path in (root / package.split(".", 1)[1]).rglob("*.py"):
            found |= {
                node.name
                for node in ast.parse(path.read_text(encoding="utf-8")).body
                if isinstance(node, ast.FunctionDef)
                and not node.name.startswith("_")
                and "import_histories" in _called_attributes(node)
            }
    return found


def _called_attributes(function: ast.FunctionDef) -> set[str]:
    return {
        n.func.attr
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }


def _writes_in(source: str, store_writes: set[str], import_functions: set[str]) -> list[tuple[int, str]]:
    """(line, name) of each call of a Store write method (``<anything>.save_goal(…)``) and each storage
    import function brought in from below ui (``BELOW_UI``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in store_writes
        ):
            found.append((node.lineno, node.func.attr))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(BELOW_UI):
            found += [(node.lineno, a.name) for a in node.names if a.name in import_functions]
    return found


def test_the_writes_are_found_and_named_as_writes() -> None:
    writes = store_writes()
    # The rule is only as good as the list: it must hold the writes everyone knows of …
    assert {
        "save_entry",
        "delete_entry",
        "save_goal",
        "save_event",
        "save_measure",
        "import_histories",
    } <= writes
    # … and every write must say so in its name, so a reader (and this test) can tell.
    assert all(name.startswith(WRITE_VERBS) for name in writes), sorted(writes)
    assert {"import_bundle", "import_csv"} <= storage_import_functions()


def test_no_ui_module_but_the_session_writes_to_the_store() -> None:
    writes, imports = store_writes(), storage_import_functions()
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        relative = path.relative_to(UI).as_posix()
        if relative in MAY_WRITE:
            continue
        for line, name in _writes_in(path.read_text(encoding="utf-8"), writes, imports):
            offenders.append(f"ui/{relative}:{line} calls {name}")
    assert offenders == [], "change the records through PatientSession instead:\n" + "\n".join(offenders)


def test_the_session_module_does_write() -> None:
    """The exemption is not idle: the two modules allowed to write are where the writes went."""
    writes, imports = store_writes(), storage_import_functions()
    called = {
        name
        for module in MAY_WRITE
        for _line, name in _writes_in((UI / module).read_text(encoding="utf-8"), writes, imports)
    }
    assert {"save_entry", "save_goal", "save_event", "save_measure", "import_bundle", "import_csv"} <= called
