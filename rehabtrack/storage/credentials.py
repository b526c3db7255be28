"""A clinic server's password, kept in the system keyring (``keyring``: the desktop's secret service,
macOS Keychain, Windows Credential Locker), never in the settings or in the address.

A password is stored per server and user: the keyring's service names the server
(``RehabTrack postgresql://HOST:PORT/DATABASE``), its user name is the login. A server that needs no
password (a local socket, a client certificate named in the address) simply finds none."""

from __future__ import annotations

import getpass
import logging

from sqlalchemy.engine import URL

from rehabtrack.storage.errors import DatabaseProblem

log = logging.getLogger(__name__)
DEFAULT_PORT = 5432


class KeyringProblem(DatabaseProblem):
    """The system keyring could not keep the password (none installed, locked, refused)."""


def account(url: URL) -> tuple[str, str]:
    """(service, user): where the keyring keeps the password of ``url``'s login."""
    host = url.host or str(url.query.get("host") or "") or "localhost"
    service = f"RehabTrack postgresql://{host}:{url.port or DEFAULT_PORT}/{url.database}"
    return service, login(url)


def login(url: URL) -> str:
    """The user name the server is logged in to as (libpq's default: the computer's user)."""
    return url.username or getpass.getuser()


def password(url: URL) -> str | None:
    """The saved password of ``url``'s login, or None (none saved, or no keyring to ask)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(*account(url))
    # A missing or broken keyring (no secret service on this desktop, a backend that cannot load)
    # must not keep RehabTrack from a server that needs no password: the server says if it does.
    except (KeyringError, RuntimeError, OSError, ImportError) as exc:
        log.info("no password from the system keyring: %s", exc)
        return None


def save_password(url: URL, secret: str) -> None:
    """Keep ``secret`` as the password of ``url``'s login; KeyringProblem if the keyring refuses."""
    import keyring
    from keyring.errors import KeyringError

    service, user = account(url)
    try:
        keyring.set_password(service, user, secret)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise KeyringProblem(
            f"The password could not be saved in the system keyring ({exc}). Nothing was saved; "
            "unlock or install a keyring (on Linux: GNOME Keyring or KWallet), or use a client "
            "certificate instead."
        ) from exc


def forget_password(url: URL) -> None:
    """Remove the saved password of ``url``'s login, if there is one."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(*account(url))
    except PasswordDeleteError:
        pass
    except (KeyringError, RuntimeError, OSError) as exc:
        log.warning("could not remove the password from the system keyring: %s", exc)
