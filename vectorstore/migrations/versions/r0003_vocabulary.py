"""SQLite: a read-only view of the full-text index's vocabulary (fts5vocab, per column), from which lexical
search reads each query word's document frequency and the total length of the passages.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the vocabulary table over passages_fts (nothing to do elsewhere)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'col')")


def downgrade() -> None:
    """Drop the vocabulary table."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS passages_vocab")
