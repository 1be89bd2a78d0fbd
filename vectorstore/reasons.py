"""One-line reasons for store failures: never a SQL statement, its parameters (article text) or a trace."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# the cause a storage error names, and what the user can do about it
_HINTS = (
    ("readonly", "the library folder is read-only: check its permissions or point NEWSDESK_HOME elsewhere"),
    ("read-only", "the library folder is read-only: check its permissions or point NEWSDESK_HOME elsewhere"),
    ("not a database", "it is not a newsdesk catalog or it is damaged: move it aside or restore a backup"),
    ("malformed", "the catalog file is damaged: move it aside or restore a backup"),
    ("unable to open", "check that the library folder exists and is writable"),
    ("locked", "another process holds the library: retry when it has finished"),
    ("disk", "the disk is full or failing: free space and retry"),
    ("no space", "the disk is full: free space and retry"),
)


def reason(exc: BaseException) -> str:
    """The first line of what the database or store said, without the statement it ran."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = (str(inner).strip().splitlines() or [type(inner).__name__])[0]
    return text[:160]


def hint(exc: BaseException) -> str:
    """What to do about a store failure, when its reason says."""
    said = reason(exc).casefold()
    return next((what for key, what in _HINTS if key in said), "see `newsdesk doctor`")
