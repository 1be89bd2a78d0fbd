"""The Library page (/library): add, list, open and delete articles; the list refreshes itself."""

from ui import library_page

library_page.page()
