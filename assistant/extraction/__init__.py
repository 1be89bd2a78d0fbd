"""Fact extraction: the rule-based extractor (default), the LLM extractor, alignment and merging."""
