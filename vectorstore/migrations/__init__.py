"""Alembic migrations of the catalog schema (run by vectorstore.migrate, never by hand)."""
