"""Alembic environment: runs on the connection the app hands over in ``config.attributes``."""

from alembic import context

from rehabtrack.storage.tables import metadata

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
