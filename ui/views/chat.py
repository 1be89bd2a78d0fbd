"""The Chat page (/): questions answered with citations, each answer exportable as Markdown."""

from ui import chat

chat.page(chat.options())
