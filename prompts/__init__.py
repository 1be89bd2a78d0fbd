"""Prompt templates kept as text files with named placeholders, checked when loaded."""

from __future__ import annotations

import string
from pathlib import Path

from assistant.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent


def placeholders(template: str) -> set[str]:
    """The named {placeholders} of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load(name: str, required: set[str]) -> str:
    """Load prompts/<name>.md and check it has exactly the required placeholders."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"prompt {name!r} not found at {path}: reinstall newsdesk or restore the file")
    template = path.read_text(encoding="utf-8")
    found = placeholders(template)
    if found != required:
        raise ConfigError(
            f"prompt {path.name} has placeholders {sorted(found)} but needs {sorted(required)}: "
            "fix the template"
        )
    return template
