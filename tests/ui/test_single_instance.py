"""A second copy on the same data folder reaches the first even while the first is still starting up."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rehabtrack.core.model import Patient
from rehabtrack.storage.store import open_store
from rehabtrack.ui.shell.main_window import LISTEN_AFTER_MS, MainWindow
from rehabtrack.ui.shell.single_instance import WAKE, server_name, wake_running


def _first_copy_listening_after(data_dir: Path, delay_s: float, heard: list[bytes]) -> threading.Thread:
    """A first copy that starts answering only after ``delay_s`` (its first patient not yet on screen):
    the local socket Qt's QLocalServer makes under the temporary folder, served by a plain thread."""
    path = Path(tempfile.gettempdir()) / server_name(data_dir)
    path.unlink(missing_ok=True)

    def serve() -> None:
        time.sleep(delay_s)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(path))
            server.listen(1)
            server.settimeout(10)
            connection, _ = server.accept()
            with connection:
                connection.settimeout(5)
                heard.append(connection.recv(64))
        path.unlink(missing_ok=True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_second_copy_keeps_asking_a_first_copy_that_is_still_starting(
    qapp: QApplication, tmp_path: Path
) -> None:
    heard: list[bytes] = []
    first = _first_copy_listening_after(tmp_path, 0.5, heard)
    assert wake_running(tmp_path)
    first.join(10)
    assert heard == [WAKE]


def test_a_second_copy_gives_up_when_nobody_answers(qapp: QApplication, tmp_path: Path) -> None:
    started = time.monotonic()
    assert not wake_running(tmp_path, patience_s=0.3)
    assert time.monotonic() - started < 3  # it gives up after its patience, it does not hang


def test_a_window_gone_before_it_listens_leaves_no_listener(
    qtbot: QtBot, data_dir: Path, today: date
) -> None:
    store = open_store(data_dir)
    store.save_patient(Patient("Ann Example"))
    store.close()
    window = MainWindow(lambda: open_store(data_dir), today)
    window.show()
    window.load()
    assert window.patient is not None and window.store is not None
    window.store.close()
    window.close()
    window.deleteLater()
    qtbot.wait(LISTEN_AFTER_MS + 300)  # its listener would have started by now: nothing fails
    assert not wake_running(data_dir, patience_s=0)
