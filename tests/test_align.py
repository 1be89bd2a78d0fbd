"""Aligning quoted evidence to spans of an article's text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.extraction.align import align, fold

TEXT = (
    "Stocks edged higher on Wednesday. The Harbor 100 index rose 0.8% to 4,512.30, its third gain in a row.\n"
    "“We think the worst of the slowdown is behind us,” said Lena Ortiz, strategist at Quayside Partners.\n"
    "Copper slipped 1.1% — its first drop this week — while the index rose 0.8% again in late trading."
)


def sliced(evidence: str, text: str = TEXT, **kwargs: object) -> tuple[str, str] | None:
    """The aligned slice of text and the status, or None."""
    found = align(evidence, text, **kwargs)  # type: ignore[arg-type]
    return None if found is None else (text[found.span.start : found.span.end], found.status)


def test_exact_match_is_the_first_occurrence() -> None:
    found = align("the index rose 0.8%", TEXT)
    assert found is not None and found.status == "exact"
    assert found.span.start == TEXT.index("the index rose 0.8%")
    assert TEXT[found.span.start : found.span.end] == "the index rose 0.8%"


def test_hint_prefers_the_nearest_occurrence() -> None:
    first = TEXT.index("rose 0.8%")
    second = TEXT.index("rose 0.8%", first + 1)
    near_end = align("rose 0.8%", TEXT, hint=len(TEXT))
    near_start = align("rose 0.8%", TEXT, hint=0)
    assert near_end is not None and near_end.span.start == second
    assert near_start is not None and near_start.span.start == first


def test_straight_quotes_align_to_curly_ones() -> None:
    evidence = '"We think the worst of the slowdown is behind us," said Lena Ortiz'
    assert sliced(evidence) == ("“We think the worst of the slowdown is behind us,” said Lena Ortiz", "fuzzy")


def test_curly_quotes_align_to_straight_ones() -> None:
    text = 'He said: "It\'s a good day for copper," and left.'
    assert sliced("“It’s a good day for copper,”", text) == ('"It\'s a good day for copper,"', "fuzzy")


def test_extra_spaces_dashes_and_case_align() -> None:
    evidence = "copper slipped 1.1%  -  its first drop   this week"
    assert sliced(evidence) == ("Copper slipped 1.1% — its first drop this week", "fuzzy")


def test_evidence_across_a_line_break() -> None:
    evidence = "third gain in a row. “We think"
    assert sliced(evidence) == ("third gain in a row.\n“We think", "fuzzy")


def test_small_typo_aligns_fuzzily_to_whole_words() -> None:
    evidence = "The Harbor 100 indx rose 0.8% to 4,512.30"
    assert sliced(evidence) == ("The Harbor 100 index rose 0.8% to 4,512.30", "fuzzy")


def test_a_changed_number_never_aligns() -> None:
    assert sliced("The Harbor 100 index rose 0.9% to 4,512.30") is None
    assert sliced("The Harbor 100 index rose 0.8% to 4,512.80") is None


def test_below_threshold_is_none() -> None:
    evidence = "The Harbor 100 index jumped sharply to 4,512.30"
    assert sliced(evidence, threshold=0.95) is None
    assert sliced("Gold hit a record high of $2,900 an ounce on Friday") is None


def test_threshold_is_a_fraction() -> None:
    evidence = "The Harbor 100 indx rse 0.8% to 4,512.30"
    assert sliced(evidence, threshold=0.99) is None
    assert sliced(evidence, threshold=0.85) == ("The Harbor 100 index rose 0.8% to 4,512.30", "fuzzy")


def test_short_evidence_must_match_exactly() -> None:
    assert sliced("rose 0.7%") is None
    assert sliced("ROSE 0.8%") == ("rose 0.8%", "fuzzy")


def test_empty_or_longer_than_the_text() -> None:
    assert align("", TEXT) is None
    assert align("   ", TEXT) is None
    assert align(TEXT + " and more words after it", TEXT[:40]) is None


def test_fold_keeps_offsets() -> None:
    folded = fold("A  “B”\n—C…")
    assert folded.text == 'a "b" -c...'
    assert [folded.origin[i] for i in range(len(folded.text))] == [0, 1, 3, 4, 5, 6, 7, 8, 9, 9, 9]


@given(st.text(min_size=1, max_size=300), st.data())
def test_any_substring_aligns_to_itself(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    sub = text[start:end]
    hint = data.draw(st.none() | st.integers(0, len(text)))
    found = align(sub, text, hint=hint)
    if not sub.strip():
        assert found is None
        return
    assert found is not None and found.status == "exact"
    assert text[found.span.start : found.span.end] == sub


WORDS = st.sampled_from(["shares", "rose", "1.5%", "the", "index", "“fell”", "‘to’", "—", "4,100", "Ltd."])


@given(st.lists(WORDS, min_size=3, max_size=40), st.data())
def test_respaced_and_requoted_evidence_aligns_to_an_equivalent_span(
    words: list[str], data: st.DataObject
) -> None:
    text = " ".join(words)
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    evidence = (
        "  ".join(words[start:end]).replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    )
    found = align(evidence, text)
    assert found is not None
    aligned = text[found.span.start : found.span.end]
    assert fold(aligned).text == fold(evidence).text.strip()
