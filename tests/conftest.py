"""Shared fixtures. Every test runs headless, gets a fresh SQLite file in its tmp_path, and may not use the
network: any attempt fails the test (local AF_UNIX sockets stay allowed: a second copy of the app uses them to
find the first)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# Screenshots and rendered PDF pages land here, to be looked at by a person after a test run.
SHOTS = Path(os.environ.get("REHABTRACK_SHOTS", "/tmp/rehabtrack-shots"))


def save_shot(source: object, name: str) -> Path:
    """Save a widget's picture (or copy a PNG file) as ``SHOTS/name``; returns the saved path."""
    import shutil

    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / name
    if isinstance(source, Path):
        shutil.copy(source, target)
    else:
        assert source.grab().save(str(target)), f"could not save {target}"  # type: ignore[attr-defined]
    return target


# A fixed "today" so the demo patient's weeks, and every date in a screenshot, are repeatable.
TODAY = date(2026, 11, 24)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def demo_store(data_dir: Path):  # type: ignore[no-untyped-def]
    from rehabtrack.storage.demo import seed_demo
    from rehabtrack.storage.store import open_store

    store = open_store(data_dir)
    seed_demo(store, TODAY)
    yield store
    store.close()


class NetworkBlocked(RuntimeError):
    pass


class NetworkGuard:
    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> None:
        self.attempts.append(what)
        raise NetworkBlocked(f"RehabTrack must not use the network (attempted {what})")


def _is_network(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    guard = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> None:
        if _is_network(self):
            guard.refuse(f"connect to {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _is_network(self):
            guard.refuse(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, *args: Any) -> int:
        if _is_network(self):
            guard.refuse(f"sendto {args[-1]!r}")
        return real_sendto(self, *args)  # type: ignore[arg-type]

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        guard.refuse(f"create_connection to {address!r}")
        raise AssertionError("unreachable")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield guard
    if guard.attempts:  # even if the code under test swallowed the error
        pytest.fail(f"the test used the network: {guard.attempts}")


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """``shot(widget_or_png, "name.png")`` saves a picture for a person to look at (see SHOTS)."""
    return save_shot
