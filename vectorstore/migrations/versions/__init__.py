"""Catalog revisions, oldest first; each one written by hand with op.* calls."""
