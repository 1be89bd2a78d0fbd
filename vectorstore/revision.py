"""The catalog schema revision this code expects (imports nothing: the quick reader checks it too)."""

HEAD = "0004"  # the newest revision in vectorstore/migrations/versions (tests/test_migrations.py checks)
