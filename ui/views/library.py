"""The Library page (/library): add, list, open and delete articles, manage feed subscriptions; the
feeds and the list refresh themselves."""

from ui import library_page

library_page.page()
