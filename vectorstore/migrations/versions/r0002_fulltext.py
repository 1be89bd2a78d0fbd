"""A full-text index of passages kept by the database itself, so lexical search never rebuilds BM25 from
every passage: SQLite FTS5 (porter stems, kept in step by triggers) or a PostgreSQL tsvector with GIN.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# article_key is indexed (weight 0 in ranking) only so that the delete trigger finds a passage's row by a
# token lookup instead of scanning the table; the rowid of `passages` is not stable across VACUUM, so the
# index keeps its own rows.
SQLITE = [
    "CREATE VIRTUAL TABLE passages_fts USING fts5("
    "text, passage_id UNINDEXED, article_key, tokenize='porter unicode61')",
    "INSERT INTO passages_fts(text, passage_id, article_key) SELECT text, id, article_id FROM passages",
    "CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN "
    "INSERT INTO passages_fts(text, passage_id, article_key) VALUES (new.text, new.id, new.article_id); END",
    "CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN "
    "DELETE FROM passages_fts WHERE passages_fts MATCH 'article_key:\"' || old.article_id || '\"' "
    "AND passage_id = old.id; END",
    "CREATE TRIGGER passages_fts_update AFTER UPDATE OF text, id, article_id ON passages BEGIN "
    "DELETE FROM passages_fts WHERE passages_fts MATCH 'article_key:\"' || old.article_id || '\"' "
    "AND passage_id = old.id; "
    "INSERT INTO passages_fts(text, passage_id, article_key) VALUES (new.text, new.id, new.article_id); END",
]

POSTGRESQL = [
    "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)",
]


def upgrade() -> None:
    """Create the dialect's full-text index and fill it from the passages already stored."""
    dialect = op.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return  # other databases: lexical search falls back to the dense ranking alone
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    """Drop the full-text index."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS passages_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS passages_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_passages_tsv")
        op.execute("ALTER TABLE passages DROP COLUMN IF EXISTS tsv")
