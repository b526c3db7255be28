"""Preferences → Clinic server: the address and user name of a clinic's PostgreSQL server, its password
(kept in the system keyring, never in the settings), "Test connection", and whether RehabTrack opens it
when it starts. ``--database`` and REHABTRACK_DATABASE_URL still win over this choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from rehabtrack.ui.widgets import Button, hint_label

EXPLAINED = (
    "A clinic server is the PostgreSQL database your clinic runs so that its therapists share one set "
    "of records; leave the address empty to keep your records on this computer."
)


class ClinicServerPage(QWidget):
    def __init__(self, server: str, use_server: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rehabtrack.storage.server import address_parts

        address, user = address_parts(server) if server else ("", "")
        self.address = QLineEdit(address)
        self.address.setPlaceholderText("postgresql://HOST/DATABASE?sslmode=verify-full")
        self.address.setAccessibleDescription(
            "PostgreSQL address without a password. TLS: add sslmode=verify-full and sslrootcert=FILE "
            "(sslcert and sslkey for a client certificate)."
        )
        self.user = QLineEdit(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleDescription(
            "Kept in the system keyring, never in the settings. Leave empty to keep the saved one."
        )
        self.use = QCheckBox("Use this server when RehabTrack &starts")
        self.use.setChecked(use_server)
        self.test = Button("Test &connection")
        self.test.clicked.connect(self.test_connection)
        self.result = hint_label()
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAccessibleName("Connection result")
        self.result.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Server &address:", self.address)
        form.addRow("&User name:", self.user)
        form.addRow("Pass&word:", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(EXPLAINED))
        layout.addLayout(form)
        layout.addWidget(self.use)
        layout.addWidget(self.test, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self._show_saved_password()

    def server(self) -> str:
        """The address with its user (BadAddress when it cannot be used); "" when none is typed."""
        from rehabtrack.storage.server import address_for

        if not self.address.text().strip():
            return ""
        return address_for(self.address.text(), self.user.text())

    def test_connection(self) -> bool:
        """Open the server as typed (the typed password, else the saved one) and say how it went."""
        from rehabtrack.storage.errors import DatabaseProblem
        from rehabtrack.storage.store import open_server

        try:
            address = self.server()
            if not address:
                return self._say("Type the server's address first (Server address).", False)
            store = open_server(address, password=self.password.text() or None)
        except DatabaseProblem as exc:
            return self._say(f"Not connected. {exc}", False)
        store.close()
        return self._say(f"Connected to {address}: RehabTrack can use this server.", True)

    def keep(self) -> bool:
        """Check what is typed and save a typed password in the keyring; False (said on the page) if the
        address cannot be used or the keyring refuses."""
        from rehabtrack.storage import credentials
        from rehabtrack.storage.errors import DatabaseProblem
        from rehabtrack.storage.server import server_url

        try:
            address = self.server()
            if self.use.isChecked() and not address:
                return self._say(
                    "Server address: type the clinic server's address, or untick Use this server when "
                    "RehabTrack starts.",
                    False,
                )
            if address and self.password.text():
                credentials.save_password(server_url(address), self.password.text())
        except DatabaseProblem as exc:
            return self._say(str(exc), False)
        return True

    def _show_saved_password(self) -> None:
        from rehabtrack.storage import credentials
        from rehabtrack.storage.errors import DatabaseProblem
        from rehabtrack.storage.server import server_url

        saved = False
        try:
            address = self.server()
            saved = bool(address) and credentials.password(server_url(address)) is not None
        except DatabaseProblem:
            pass
        self.password.setPlaceholderText("saved in the system keyring" if saved else "none saved")

    def _say(self, text: str, ok: bool) -> bool:
        self.result.setText(text)
        self.result.setAccessibleDescription(text)
        self.result.show()
        return ok
