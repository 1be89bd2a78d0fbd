"""Citations carry the cited passage sentence; the UI marks it strongly inside its lightly marked passage."""

from __future__ import annotations

import re
from datetime import datetime

from assistant.models import ArticleMeta, ArticleSummary, Passage, SearchHit, Span
from assistant.verify import resolve_citations, text_fragment_url
from ui.render import highlight_sentence, inert

WHEN = datetime(2026, 3, 3, 8, 0)
URL = "https://news.example/metals"
LEAD = "Metals desk, morning wrap.\n"
PASSAGE = (
    "Copper futures climbed 2.4% to $9,120 a tonne in London. "
    "Miners tracked the metal higher, with the sector index up 1.1%. "
    "Traders pointed to thinner warehouse stocks in Shanghai and a weaker dollar."
)
ARTICLE = LEAD + PASSAGE + "\nAluminium was flat."


def metals_hit() -> SearchHit:
    """A hit whose passage follows a lead line, so its article offsets differ from its own ones."""
    summary = ArticleSummary(
        id="c0ffee0000000001", meta=ArticleMeta(url=URL, title="Copper climbs"), ingested_at=WHEN, passages=1
    )
    span = Span(start=len(LEAD), end=len(LEAD) + len(PASSAGE))
    passage = Passage(id=f"{summary.id}:0000", article_id=summary.id, ordinal=0, span=span, text=PASSAGE)
    assert span.of(ARTICLE) == PASSAGE
    return SearchHit(passage=passage, article=summary, score=1.0)


def cited(answer: str) -> tuple[str | None, str | None]:
    """(the article words of citation [1]'s sentence, its URL) for an answer citing the metals passage."""
    (citation,) = resolve_citations(answer, [metals_hit()])
    return (citation.sentence.of(ARTICLE) if citation.sentence else None), citation.url


def test_verbatim_sentence_is_located_in_the_article() -> None:
    sentence, url = cited("Miners tracked the metal higher, with the sector index up 1.1% [1].")
    assert sentence == "Miners tracked the metal higher, with the sector index up 1.1%."
    assert url == text_fragment_url(URL, PASSAGE, sentence)
    assert url is not None and url.startswith(f"{URL}#:~:text=Miners%20tracked%20the%20metal%20higher")


def test_paraphrase_picks_the_sentence_sharing_its_figure_over_shared_words() -> None:
    # three shared words ("traders", "weaker", "dollar") point at the last sentence; the figure wins
    sentence, url = cited("Mining shares rose about 1.1% as traders cited a weaker dollar [1].")
    assert sentence == "Miners tracked the metal higher, with the sector index up 1.1%."
    assert url == text_fragment_url(URL, PASSAGE, sentence)
    sentence, _ = cited("The price of copper in London reached $9.12 thousand per tonne [1].")
    assert sentence == "Copper futures climbed 2.4% to $9,120 a tonne in London."


def test_paraphrase_without_figures_picks_the_sentence_sharing_most_words() -> None:
    sentence, _ = cited("Thinner warehouse inventories in Shanghai helped the rally [1].")
    assert sentence == "Traders pointed to thinner warehouse stocks in Shanghai and a weaker dollar."


def test_no_shared_figure_or_words_means_no_sentence_and_a_whole_passage_link() -> None:
    for answer in ("Bond yields were little changed [1].", "Copper had a quiet session [1]."):
        sentence, url = cited(answer)
        assert sentence is None  # one shared word ("copper") is not enough
        assert url == text_fragment_url(URL, PASSAGE)


def test_a_citing_sentence_that_rests_on_nothing_is_passed_over() -> None:
    hit = metals_hit()
    answer = "Bond yields were little changed [2]. Copper futures climbed 2.4% to $9,120 a tonne [1][2]."
    first, second = resolve_citations(answer, [hit, hit])
    assert first.sentence is not None and first.sentence.of(ARTICLE).startswith("Copper futures climbed")
    assert second.sentence == first.sentence  # [2]'s first sentence shares nothing, its second is quoted


# ------------------------------------------------------------------------------------------- rendering

TEXT = "Desk <script>alert(1)</script> note.\nShares of A&B rose 3% on <i>hopes</i>. Analysts cheered [sic]."


def test_highlight_sentence_marks_sentence_strongly_inside_pale_passage() -> None:
    passage = Span(start=TEXT.index("Shares"), end=len(TEXT))
    sentence = Span(start=passage.start, end=TEXT.index(" Analysts"))
    html = highlight_sentence(TEXT, passage, sentence)
    assert "<script>" not in html and "<i>" not in html and "&lt;script&gt;" in html and "A&amp;B" in html
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marks == [inert(sentence.of(TEXT))]  # exactly the sentence, escaped
    pale = re.findall(r'<span style="background:[^"]*">(.*?)</span>', html)
    assert pale == [inert(" Analysts cheered [sic].")]  # the rest of the passage, lightly
    assert html.index("note.") < html.index("<mark")  # the article text around the passage is kept


def test_highlight_sentence_inside_the_passage_has_pale_text_on_both_sides() -> None:
    passage = Span(start=TEXT.index("of A&B"), end=TEXT.index(" [sic]"))
    sentence = Span(start=TEXT.index("rose"), end=TEXT.index(" on <i>"))
    html = highlight_sentence(TEXT, passage, sentence, window=5)
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == ["rose 3%"]
    pale = re.findall(r'<span style="background:[^"]*">(.*?)</span>', html)
    assert pale == [inert("of A&B "), inert(" on <i>hopes</i>. Analysts cheered")]
    assert html.count("…") == 2  # the window cuts the article on both sides
