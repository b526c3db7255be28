"""One RehabTrack per data folder: a second copy asks the running one to come to the front, then stops.

The data folder's lock (storage.lock) decides who owns the folder; this only carries the "come forward"
request, over a local socket named after the folder (never a network connection).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

WAKE = b"come forward\n"
TIMEOUT_MS = 500
PATIENCE_S = 3.0  # how long a second copy keeps asking a first copy still starting up
RETRY_S = 0.1


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return f"rehabtrack-{digest}"


class InstanceServer(QObject):
    """Listens for a second copy of the app on the same data folder and calls ``on_wake``."""

    def __init__(self, data_dir: Path, on_wake: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_wake = on_wake
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a stale socket of a crashed copy: we hold the folder's lock now
        self.listening = self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(WAKE.strip()):
            self._on_wake()

    def close(self) -> None:
        self.server.close()


def wake_running(data_dir: Path, patience_s: float = PATIENCE_S) -> bool:
    """Ask the copy that owns ``data_dir`` to come to the front; True if it was reached. The copy starts
    listening only once its first patient is on screen: until then, and for ``patience_s`` at most,
    the request is tried again."""
    deadline = time.monotonic() + patience_s
    socket = QLocalSocket()
    while True:
        socket.connectToServer(server_name(data_dir))
        if socket.waitForConnected(TIMEOUT_MS):
            break
        socket.abort()
        if time.monotonic() >= deadline:
            return False
        time.sleep(RETRY_S)
    socket.write(WAKE)
    sent = socket.waitForBytesWritten(TIMEOUT_MS)
    socket.disconnectFromServer()
    return sent
