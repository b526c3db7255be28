"""Alembic environment: runs on the connection the app hands over in ``config.attributes``."""

from alembic import context

from rehabtrack.storage.tables import metadata

config = context.config
connection = config.attributes["connection"]
# Batch mode (copy-and-move table rebuilds) is for SQLite's limited ALTER TABLE only.
batch = connection.dialect.name == "sqlite"
context.configure(connection=connection, target_metadata=metadata, render_as_batch=batch)
with context.begin_transaction():
    context.run_migrations()
