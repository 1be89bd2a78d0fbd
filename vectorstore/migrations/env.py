"""Alembic environment: migrations run on the connection vectorstore.migrate hands over, inside its
transaction (and lock), never from a URL in an ini file."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
