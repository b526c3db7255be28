"""A stand-in for a PostgreSQL server reached over TLS on loopback: it answers libpq's SSLRequest with
"S" and shows its certificate, nothing more. Enough for libpq to check (and refuse) that certificate."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from pathlib import Path


def self_signed(folder: Path, name: str, host: str) -> tuple[Path, Path]:
    """A certificate (its own root) for ``host`` and its key, made with the openssl command."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={host}"]
        + ["-addext", f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


class TlsServer:
    def __init__(self, cert: Path, key: Path) -> None:
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen()
        self._listener.settimeout(10)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            try:
                while len(conn.recv(8, socket.MSG_PEEK)) < 8:
                    pass
                conn.recv(8)  # SSLRequest: length 8, code 80877103
                conn.sendall(b"S")
                with self._context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass  # the client refused the certificate: what the test expects

    def close(self) -> None:
        self._listener.close()
        self._thread.join(10)
