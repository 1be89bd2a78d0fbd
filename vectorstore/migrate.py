"""Bring a catalog database to the newest schema with Alembic, safely when several processes open it.

The newest revision is checked with one query first, so opening an up-to-date catalog (every CLI command)
never imports Alembic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from assistant.errors import StoreError
from vectorstore.revision import HEAD

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 0x6E657773  # the PostgreSQL advisory lock every migrating process takes ("news")


def current(conn: Connection) -> str | None:
    """The catalog's revision; "0001" for a catalog made before migrations existed; None when empty."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return "0001" if "articles" in tables else None


def _upgrade(conn: Connection, revision: str | None) -> None:
    """Run the migrations after revision on this connection (stamping a catalog made before them)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    try:
        if revision is not None and not inspect(conn).has_table("alembic_version"):
            command.stamp(config, revision)
        command.upgrade(config, "head")
    except CommandError as exc:  # a revision this version does not know: the catalog is newer than the code
        raise StoreError(
            f"the catalog is at schema revision {revision}, which this newsdesk does not know ({exc}): "
            "upgrade newsdesk"
        ) from exc


def migrate(engine: Engine) -> None:
    """Upgrade the schema to HEAD: under SQLite's exclusive lock, or PostgreSQL's advisory lock, so a second
    process waits and then finds the work done."""
    with engine.connect() as conn:
        if current(conn) == HEAD:
            return
        conn.rollback()
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
        elif engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        revision = current(conn)
        if revision != HEAD:
            _upgrade(conn, revision)
        conn.commit()
