"""A word index of fact subjects, so retrieval finds the facts about a named thing without scanning every
fact ("Huang" finds "Jensen Huang"): SQLite FTS5 kept by triggers, or a PostgreSQL GIN index on the
subject's words.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# article_key, as in passages_fts: the delete trigger finds a fact's row by a token lookup
SQLITE = [
    "CREATE VIRTUAL TABLE facts_fts USING fts5("
    "subject, fact_id UNINDEXED, article_key, tokenize='unicode61')",
    "INSERT INTO facts_fts(subject, fact_id, article_key) SELECT subject, id, article_id FROM facts",
    "CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN "
    "INSERT INTO facts_fts(subject, fact_id, article_key) VALUES (new.subject, new.id, new.article_id); END",
    "CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN "
    "DELETE FROM facts_fts WHERE facts_fts MATCH 'article_key:\"' || old.article_id || '\"' "
    "AND fact_id = old.id; END",
    "CREATE TRIGGER facts_fts_update AFTER UPDATE OF subject, id, article_id ON facts BEGIN "
    "DELETE FROM facts_fts WHERE facts_fts MATCH 'article_key:\"' || old.article_id || '\"' "
    "AND fact_id = old.id; "
    "INSERT INTO facts_fts(subject, fact_id, article_key) VALUES (new.subject, new.id, new.article_id); END",
]

POSTGRESQL = ["CREATE INDEX ix_facts_subject_words ON facts USING gin (to_tsvector('simple', subject))"]


def upgrade() -> None:
    """Create the index and fill it from the facts already stored."""
    dialect = op.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return  # elsewhere subjects are matched by a scan
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    """Drop the index."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS facts_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS facts_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_facts_subject_words")
