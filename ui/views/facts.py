"""The Facts page (/facts): filters, charts and tables of the extracted facts."""

from ui import facts_page

facts_page.page()
