"""Rule-based fact extraction: deterministic, offline patterns over the sentences of an article.

The patterns are hand-written regular expressions on purpose: no maintained library extracts market facts
(index, sector and stock moves, capital spending, prices, rate decisions, metrics, attributed quotes) from
news prose, and hand rules keep every fact explainable, reproducible and exactly grounded in its span.
Entity names come from the tables in names.py; event dates from dates.py; figures from assistant.figures.

Modules, bottom up: sentences (prose sentences), doc (the article being read and the state carried across
sentences), linking (figures tied to mentions), one module per kind (moves, capex, prices, rates, metrics,
valuation, quotes), extractor (the reading order and the dedupe).
"""

from assistant.extraction.rules.extractor import STEPS, RulesExtractor

__all__ = ["STEPS", "RulesExtractor"]
