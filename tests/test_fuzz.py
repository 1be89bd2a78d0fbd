"""Property-based fuzzing of the text-handling core: no crash, every span valid, on hostile and market text.

Targets: the chunker (ingest.chunk), the rules extractor's facts, event and question date resolution,
figure parsing (assistant.verify.numbers_in, assistant.figures), answer verification and cited sentences,
question parsing, feed parsing (ingest.feeds.parse_feed) and HTML handling (ingest.extract).

Two hypothesis profiles are registered here and applied to the tests of this module only (loading a
profile globally would change the budget of every other module's property tests):

- ``ci`` (default): 100 examples per test, derandomized, no example database: the same inputs on every run;
- ``long``: 5000 examples per test, random, for a soak run (``HYPOTHESIS_PROFILE=long``).

Crashes found in product code are kept as strict xfails on explicit examples and left out of the
generators until they are fixed; once fixed, the example stays as a regular test (the ``FIXED CRASHES``
section) and its input goes back into the generators. docs/reliability.md (## Fuzzing) records the runs.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import figures
from assistant.errors import ExtractionError, FeedError
from assistant.extraction import dates as event_dates
from assistant.extraction.rules.extractor import RulesExtractor
from assistant.facts import Fact, is_grounded
from assistant.models import Article, ArticleMeta, Passage, Span
from assistant.question import date_expressions, parse_question, parse_question_dates
from assistant.verify import cited_numbers, cited_sentence, numbers_in, split_answer, verify_sentences
from ingest.chunk import chunk_spans
from ingest.clean import clean_text
from ingest.extract import EARLIEST_PUBLISHED, LATEST_AHEAD, Draft, extract_html, html_fragment_to_text
from ingest.feeds import parse_feed

# ------------------------------------------------------------------------------------------ profiles

_COMMON = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=100, derandomize=True, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("long", max_examples=5000, derandomize=False, **_COMMON)  # type: ignore[arg-type]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(PROFILE)  # the decorator every test of this module carries
# feedparser's own deprecation notice (updated_parsed -> published_parsed), once per parsed feed
pytestmark = pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")
INGESTED = datetime(2026, 3, 1, 12, 0)

# ------------------------------------------------------------------------------------------ strategies

# every unicode character but surrogates (Cs), control characters (Cc) included
ANY_CHAR = st.characters(exclude_categories=["Cs"])
ANY_TEXT = st.text(ANY_CHAR, max_size=600)
# a dense alphabet of what figures, dates and markers are made of, so the number grammar is exercised
FIGURE_CHARS = st.sampled_from([*"0123456789.,%$€£-–—−+ ()[]#/:\n\txX×kKmMbBtT", "bn", " per cent"])
FIGURE_TEXT = st.lists(FIGURE_CHARS, max_size=80).map("".join)
# publication and anchor days, or none: mostly plausible ones, and the calendar's first and last days
CALENDAR_EDGES = [date.min, date(1, 1, 2), date(1, 1, 7), date(9999, 12, 25), date(9999, 12, 30), date.max]
DAYS = (
    st.none()
    | st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))
    | st.sampled_from(CALENDAR_EDGES)
    | st.dates()
)

SUBJECTS = [
    "The Dow Jones Industrial Average",
    "The S&P 500",
    "the Nasdaq 100",
    "The Russell 2000",
    "FTSE 100",
    "Oracle Corp (NYSE: ORCL)",
    "Nvidia",
    "Intel",
    "Shares of Harrowgate Minerals Holdings (LSE: HGM)",
    "Energy shares",
    "utilities",
    "Brent crude",
    "Gold",
    "Bitcoin",
    "The 10-year Treasury yield",
    "The euro",
    "The Fed",
    "The Magnificent Seven",
    "Microsoft",
    "Quorvik Energy",
]
VERBS = [
    "rose",
    "fell",
    "climbed",
    "slid",
    "jumped",
    "sank",
    "tumbled as much as",
    "gained",
    "dropped",
    "was little changed at",
    "rose to",
    "fell to",
    "raised its target range to",
    "cut rates by",
    "held rates at",
    "expects capital expenditures of",
    "accounts for",
    "lost",
    "added",
]
FIGURES = [
    "3.5%",
    "-2.20 (-1.21%)",
    "(+1.83%)",
    "1.2 per cent",
    "0.9 percent",
    "$200 billion",
    "$650bn",
    "$359-381 billion",
    "$5 to $7 billion",
    "between $1 and $2 trillion",
    "€4.5 billion",
    "£300m",
    "US$12.5 million",
    "25 bps",
    "a quarter-point",
    "50 basis points",
    "450 points",
    "5,502.10",
    "5.0x",
    "3.50%–3.75%",
    "5.25%-5.50%",
    "1.786%",
    "$84.20 a barrel",
    "16-month",
    "sixteen",
    "34%",
    "7.5% from 6.1%",
    "$1,234,567",
    "12x forward earnings",
]
WHEN = [
    "on Tuesday",
    "on Friday",
    "last Friday",
    "next Monday",
    "this week",
    "last week",
    "today",
    "yesterday",
    "earlier today",
    "this morning",
    "Jan. 29, 2026",
    "on Jan. 29",
    "February 6",
    "6 February 2026",
    "2026-02-06",
    "February 30",
    "Sept 31, 2025",
    "in late January",
    "in early March 2026",
    "in May",
    "year-to-date",
    "in the fourth quarter",
    "Q4 2025",
    "in 2026",
    "in fiscal 2027",
    "at 4:00 p.m.",
]
CONNECTORS = [
    ".",
    ",",
    " and",
    " while",
    " after its guidance disappointed.",
    ", a five-month high.",
    " as the chip selloff deepened.",
    " from a record",
    " in premarket trading.",
    ";",
    " [1].",
    " [1, 3].",
    " [2-4]",
    ", or 1%,",
]
QUOTES = [
    '"Cash is a position," said Jane Porter, chief market strategist at Halvard Capital.',
    "\u201cWe will move carefully and watch the data,\u201d Governor Imelda Torrance told reporters.",
    "\u201cIt is a rotation,\u201d he said.",
    "'Unclosed quote, said nobody",
    '"',
    "\u201d",
]
LINE_STARTS = ["", "", "", "\u2022 ", "- ", "* ", "1. ", "2) ", "## ", "> ", "NVDA  180.10\n"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\t", "\u00a0", "  ", "\r\n"]


@st.composite
def market_sentence(draw: st.DrawFn) -> str:
    """One market-news sentence from fragments: subject, verb, figure, day, connector (or a quote)."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from(QUOTES))
    parts = [
        draw(st.sampled_from(LINE_STARTS)),
        draw(st.sampled_from(SUBJECTS)),
        draw(st.sampled_from(VERBS)),
        draw(st.sampled_from(FIGURES)),
    ]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(WHEN)))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(FIGURES)))
    sentence = " ".join(p for p in parts if p) + draw(st.sampled_from(CONNECTORS))
    if draw(st.integers(0, 5)) == 0:  # a splinter of anything, anywhere
        noise = draw(st.text(ANY_CHAR, max_size=6))
        at = draw(st.integers(0, len(sentence)))
        sentence = sentence[:at] + noise + sentence[at:]
    return sentence


@st.composite
def market_text(draw: st.DrawFn, max_sentences: int = 14) -> str:
    """An article-like text: market sentences joined by spaces, newlines, tabs and paragraph breaks."""
    sentences = draw(st.lists(market_sentence(), min_size=0, max_size=max_sentences))
    out: list[str] = []
    for sentence in sentences:
        out.append(sentence)
        out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


TEXTS = ANY_TEXT | market_text() | FIGURE_TEXT  # every text-taking target draws from all three

# ------------------------------------------------------------------------------------------ helpers


def _article(text: str, published: date | None, title: str | None = None) -> Article:
    """An article over text exactly as given (no cleaning), as the extractor receives stored ones."""
    return Article.create(text, ArticleMeta(published=published, title=title), INGESTED)


def _check_spans(spans: list[Span], text: str) -> None:
    """Chunk spans: non-empty, inside the text, strictly advancing, and passages equal their slices."""
    article = _article(text, None)
    previous = -1
    for n, span in enumerate(spans):
        assert 0 <= span.start < span.end <= len(text), (span, len(text))
        assert span.start > previous, "passages advance"
        assert text[span.start : span.end].strip(), "a passage holds more than whitespace"
        passage = Passage.of(article, n, span)
        assert passage.text == text[span.start : span.end]
        previous = span.start


def _check_facts(facts: list[Fact], article: Article) -> None:
    """Every fact grounded in an exact, non-empty span of its article, ordered, with sane fields."""
    starts = [(f.span.start, f.span.end) for f in facts]
    assert starts == sorted(starts), "facts come in text order"
    for fact in facts:
        assert is_grounded(fact, article.text), (fact.kind, fact.span, fact.evidence)
        assert fact.article_id == article.id
        assert fact.subject.strip(), fact
        assert 0.0 < fact.confidence <= 1.0
        assert fact.as_of is None or isinstance(fact.as_of, date)
        assert fact.id


def _passages(text: str) -> dict[int, Passage]:
    """Numbered passages of an article over text, cut by the chunker (small sizes: several passages)."""
    article = _article(text, None)
    spans = chunk_spans(text, 8, 30, 4)
    return {n: Passage.of(article, n - 1, span) for n, span in enumerate(spans, start=1)}


# ------------------------------------------------------------------------------------------ chunker


@FUZZ
@given(TEXTS, st.booleans(), st.integers(1, 120), st.integers(0, 60))
def test_chunk_spans_are_valid(raw: str, clean: bool, min_words: int, overlap: int) -> None:
    """chunk_spans on raw or cleaned text returns valid, ordered, non-empty spans equal to their passages."""
    text = clean_text(raw) if clean else raw
    max_words = min_words * 2 + 10
    _check_spans(chunk_spans(text, min_words, max_words, overlap), text)


@FUZZ
@given(market_text(max_sentences=60))
def test_chunk_spans_default_sizes_on_long_market_text(raw: str) -> None:
    """chunk_spans with the shipped sizes keeps its span invariants on long market text."""
    text = clean_text(raw)
    _check_spans(chunk_spans(text), text)


# ------------------------------------------------------------------------------------------ fact rules


@FUZZ
@given(TEXTS, st.booleans(), DAYS, st.none() | st.text(ANY_CHAR, max_size=40))
def test_rules_facts_are_grounded(raw: str, clean: bool, published: date | None, title: str | None) -> None:
    """RulesExtractor never crashes and every fact's span covers exactly its evidence in the article."""
    article = _article(clean_text(raw) if clean else raw, published, title)
    _check_facts(RulesExtractor().extract(article), article)


@FUZZ
@given(market_text(max_sentences=24), DAYS)
def test_rules_facts_are_grounded_on_market_text(raw: str, published: date | None) -> None:
    """On cleaned market text (where the rules fire) every fact is grounded, and extraction repeats."""
    article = _article(clean_text(raw), published)
    facts = RulesExtractor().extract(article)
    _check_facts(facts, article)
    assert [f.model_dump() for f in RulesExtractor().extract(article)] == [f.model_dump() for f in facts]


# ------------------------------------------------------------------------------------------ dates


@FUZZ
@given(TEXTS, DAYS, st.data())
def test_event_dates_resolve_to_valid_spans(text: str, published: date | None, data: st.DataObject) -> None:
    """Event-date mentions lie in the text, in order, without overlaps; every resolver returns a date."""
    found = event_dates.date_mentions(text, published)
    end = 0
    for mention in found:
        assert end <= mention.start < mention.end <= len(text), mention
        assert isinstance(mention.day, date)
        end = mention.end
    first = event_dates.resolve_event_date(text, published)
    assert first == (found[0].day if found else None)
    position = data.draw(st.integers(0, len(text)))
    not_after = data.draw(DAYS)
    nearest = event_dates.nearest_date(text, position, published, not_after)
    assert nearest is None or (not_after is None or nearest <= not_after)
    assert isinstance(event_dates.reads_as_same_day(text, published), bool)


@FUZZ
@given(TEXTS, DAYS)
def test_question_date_windows_are_ordered(question: str, anchor: date | None) -> None:
    """Question date windows (each and combined) have start <= end and name words of the question."""
    windows = date_expressions(question, anchor)
    for window in windows:
        assert window.start <= window.end, window
        assert window.text and window.text in question
    combined = parse_question_dates(question, anchor)
    assert (combined is None) == (not windows)
    if combined is not None:
        assert combined.start <= combined.end
        assert combined.start == min(w.start for w in windows)
        assert combined.end == max(w.end for w in windows)


# ------------------------------------------------------------------------------------------ figures


@FUZZ
@given(TEXTS)
def test_numbers_in_mentions_are_exact_spans(text: str) -> None:
    """numbers_in: every mention has 0 <= start < end <= len(text) and text[start:end] == mention.text."""
    previous = -1
    for mention in numbers_in(text):
        assert 0 <= mention.start < mention.end <= len(text), mention
        assert text[mention.start : mention.end] == mention.text, mention
        assert mention.start > previous, "mentions advance"
        assert re.search(r"\d", mention.text), mention
        previous = mention.start


@FUZZ
@given(TEXTS, st.integers(0, 50))
def test_figures_module_spans_are_valid(text: str, offset: int) -> None:
    """money_in, percents, basis and index points, number_tokens: valid spans, non-negative values."""
    for money in figures.money_in(text, offset):
        assert offset <= money.start < money.end <= offset + len(text), money
        assert money.low >= 0 and (money.high is None or money.high >= 0)
        assert money.currency in ("USD", "EUR", "GBP")
    for pct in figures.percents(text):
        assert 0 <= pct.start < pct.end <= len(text), pct
        assert pct.value >= 0 and pct.sign in (-1, 0, 1)
    for m in figures.BASIS_POINTS.finditer(text):
        assert figures.basis_points(m) >= 0
    for m in figures.POINTS.finditer(text):
        assert figures.number(m["n"]) >= 0
    tokens = figures.number_tokens(text)
    assert all(token in text for token in tokens)
    assert figures.scale(text[:10]) in {1.0, *figures.SCALES.values()}


# ------------------------------------------------------------------------------------------ verification


@FUZZ
@given(TEXTS, market_text(max_sentences=10), st.booleans())
def test_verification_never_crashes_and_cites_inside_passages(
    answer: str, source: str, allow_uncited: bool
) -> None:
    """split_answer/verify_sentences/cited_sentence: sentences from the answer, cited spans in the passage."""
    source = clean_text(source)
    passages = _passages(source)
    pairs = split_answer(answer)
    cursor = 0
    for sentence, cites in pairs:
        at = answer.find(sentence, cursor)
        assert sentence.strip() and at >= 0, (sentence, answer)
        assert cites == cited_numbers(sentence)
        cursor = at + 1
    checked = verify_sentences(pairs, passages, allow_uncited)
    assert len(checked) == len(pairs)
    assert all(s.supported == (s.reason is None) for s in checked)
    assert len(verify_sentences(answer, passages, allow_uncited)) == len(pairs)
    for n in {n for _, cites in pairs for n in cites} & set(passages):
        span = cited_sentence(answer, n, passages[n])
        if span is not None:
            assert passages[n].span.start <= span.start < span.end <= passages[n].span.end, span
            assert span.of(source).strip()


@FUZZ
@given(market_text(max_sentences=10), st.data())
def test_answers_quoting_their_passages_verify(raw: str, data: st.DataObject) -> None:
    """A passage copied as an answer and citing itself keeps its marker; the cited span lies inside it."""
    source = clean_text(raw)
    passages = _passages(source)
    if not passages:
        return
    n = data.draw(st.sampled_from(sorted(passages)))
    passage = passages[n]
    answer = f"{passage.text} [{n}]"
    pairs = split_answer(answer)
    assert pairs and n in pairs[-1][1], "the marker stays with the last sentence"
    assert len(verify_sentences(pairs, passages)) == len(pairs)
    span = cited_sentence(answer, n, passage)
    assert span is None or passage.span.start <= span.start < span.end <= passage.span.end


# ------------------------------------------------------------------------------------------ questions


@FUZZ
@given(TEXTS | market_sentence().map(lambda s: f"How much did {s}?"), DAYS)
def test_parse_question_never_crashes(text: str, anchor: date | None) -> None:
    """parse_question reads any text; its date window is ordered and its explanation renders."""
    question = parse_question(text, anchor)
    assert question.text == text
    if question.window is not None:
        assert question.window.start <= question.window.end
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in question.explain())


# ------------------------------------------------------------------------------------------ feeds

HOSTILE = [
    "\x1b[31mRED\x1b[0m \x1b]8;;http://evil/\x07link\x1b]8;;\x07",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "AT&amp;T &lt;b&gt;bold&lt;/b&gt; &#169; &#x2603;",
    "&bogus; &#0; &#x10FFFF; &#65;",
    "&#xD800; &#x110000; &#99999999999999999999; &#0000065;",  # a surrogate, past U+10FFFF, past a C int
    "\x07bell\x0b<b>vt</b>\ufffe\uffff",  # control characters and non-characters lxml refuses
    "]]> <![CDATA[inner]]>",
    "\u202eevil\u202c \u200b\ufeff",
    "   spaced\t\tout\n\n\ntitle   ",
    "Nvidia rose 3.5% on Tuesday to $200 billion",
    "<p>para</p><div>block<br>line</div><li>item</li>",
    '<a href="javascript:alert(1)">x</a>',
    "<!-- comment --><?pi x?>",
    "<",
    "&",
]
LINKS = [
    "http://example.com/a",
    "https://news.example/2026/02/06/story?x=1&amp;y=2",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://user:pass@127.0.0.1:8080/",
    "  http://spaced.example/  ",
    "/relative/path",
    "",
]
FEED_DATES = [
    "Tue, 10 Feb 2026 14:00:00 GMT",
    "Tue, 10 Feb 2026 14:00:00 +1400",
    "2026-02-10T14:00:00Z",
    "2026-02-10",
    "2026-041",
    "Fri, 2026/02/06 08:19:53 EDT",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "0000-01-01",  # year 0
    "Fri, 9999/12/31 23:59:59 EDT",  # year 10000 in UTC
    "Thu, 01 Jan 1899 00:00:00 GMT",  # before 1900: unknown
    "Sat, 01 Jan 0001 00:00:00 +1400",
    "Thu, 01 Jan 1970 00:00:00 +2400",
    "Mon, 99 Foo 9999",
    "garbage",
    "",
]


def _field(draw: st.DrawFn, values: list[str]) -> str:
    """A hostile or arbitrary string for a feed field."""
    return draw(st.sampled_from(values) | st.text(ANY_CHAR, max_size=30) | market_sentence())


def _placed(draw: st.DrawFn, value: str) -> str:
    """The value escaped, in CDATA, or raw (possibly breaking the XML on purpose)."""
    how = draw(st.sampled_from(["escape", "escape", "cdata", "raw"]))
    if how == "escape":
        return escape(value)
    if how == "cdata":
        return f"<![CDATA[{value}]]>"
    return value


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    """An RSS 2.0 or Atom feed with hostile titles, links, dates and summaries."""
    atom = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 3))):
        title = _placed(draw, _field(draw, HOSTILE))
        link = _placed(draw, draw(st.sampled_from(LINKS)))
        when = _placed(draw, _field(draw, FEED_DATES))
        body = _placed(draw, _field(draw, HOSTILE))
        if atom:
            href = escape(link, {'"': "&quot;"})
            items.append(
                f'<entry><title type="html">{title}</title><link href="{href}"/>'
                f'<id>{link}</id><updated>{when}</updated><content type="html">{body}</content></entry>'
            )
        else:
            items.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{when}</pubDate><description>{body}</description></item>"
            )
    feed_title = _placed(draw, _field(draw, HOSTILE))
    if atom:
        xml = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{feed_title}</title>{"".join(items)}</feed>'
    else:
        xml = f'<rss version="2.0"><channel><title>{feed_title}</title>{"".join(items)}</channel></rss>'
    prolog = draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>\n', "", "\ufeff"]))
    return (prolog + xml).encode("utf-8")


def _check_feed(body: bytes) -> None:
    """parse_feed returns entries with http(s)-or-no links, or raises FeedError; nothing else."""
    try:
        entries = parse_feed(body, "fuzz-feed")
    except FeedError as err:
        assert str(err).startswith("fuzz-feed: ")
        return
    assert entries, "a usable feed has entries"
    for entry in entries:
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert isinstance(entry.content, str)
        published = entry.meta.published
        assert published is None or EARLIEST_PUBLISHED <= published <= date.today() + LATEST_AHEAD
        assert entry.meta.title is None or entry.meta.title == " ".join(entry.meta.title.split())


@FUZZ
@given(st.binary(max_size=2000) | st.binary(max_size=400).map(lambda b: b'<?xml version="1.0"?><rss>' + b))
def test_parse_feed_of_arbitrary_bytes(body: bytes) -> None:
    """parse_feed of arbitrary bytes returns entries or raises FeedError only."""
    _check_feed(body)


@FUZZ
@given(feeds())
def test_parse_feed_of_hostile_feeds(body: bytes) -> None:
    """parse_feed of generated RSS/Atom with hostile fields returns entries or raises FeedError only."""
    _check_feed(body)


# ------------------------------------------------------------------------------------------ HTML


@FUZZ
@given(TEXTS | st.lists(st.sampled_from(HOSTILE)).map("".join))
def test_html_fragment_to_text_returns_text(raw: str) -> None:
    """html_fragment_to_text of any fragment returns plain text without markup-introduced blank runs."""
    out = html_fragment_to_text(raw)
    assert isinstance(out, str)
    assert out == out.strip()
    assert "\n\n\n" not in out


@st.composite
def pages(draw: st.DrawFn) -> str | bytes:
    """An HTML page of market and hostile paragraphs (or arbitrary text / bytes posing as one)."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(ANY_CHAR, max_size=400))
    if kind == 1:
        return draw(st.binary(max_size=400))
    paragraphs = draw(st.lists(market_sentence() | st.sampled_from(HOSTILE), max_size=8))
    body = "".join(f"<p>{p if draw(st.booleans()) else escape(p)}</p>" for p in paragraphs)
    title = escape(draw(st.sampled_from(HOSTILE) | st.text(ANY_CHAR, max_size=20)))
    page = f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"
    return page.encode("utf-8") if kind == 3 else page


@FUZZ
@given(pages(), st.sampled_from([None, "https://news.example/a", "javascript:alert(1)"]))
def test_extract_html_returns_a_draft_or_extraction_error(page: str | bytes, url: str | None) -> None:
    """extract_html of any page returns a Draft with cleaned text, or raises ExtractionError only."""
    try:
        draft = extract_html(page, "fuzz-page", url=url)
    except ExtractionError as err:
        assert str(err).startswith("fuzz-page: ")
        return
    assert isinstance(draft, Draft)
    assert draft.text.strip()
    assert draft.text == clean_text(draft.text)


# ------------------------------------------------------------------------------------------ FIXED CRASHES
# Real failures the fuzzing found in product code, fixed there; each example stays as a regular test and its
# input is back in the generators above.


def _rss(title: str = "T", pub_date: str | None = None) -> bytes:
    """A one-item RSS 2.0 feed whose item has the given (raw XML) title and pubDate."""
    when = f"<pubDate>{pub_date}</pubDate>" if pub_date is not None else ""
    return (
        f'<rss version="2.0"><channel><title>Feed</title><item><title>{title}</title>'
        f"<link>https://news.example/a</link>{when}</item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("fragment", "plain"),
    [("\x1b[31mRED\x1b[0m <b>alert</b>", "RED alert"), ("a\x07<b>x</b>", "ax"), ("x<\x0b", "x<")],
    ids=["escape-sequence", "bell", "vertical-tab"],
)
def test_fixed_crash_html_fragment_with_control_characters(fragment: str, plain: str) -> None:
    """html_fragment_to_text drops control characters lxml refused before a fragment's first tag."""
    assert html_fragment_to_text(fragment) == plain


def test_fixed_crash_feed_summary_with_terminal_escape() -> None:
    """parse_feed reads the text of a summary with a terminal escape before its markup."""
    summary = "\x1b[31mRed &lt;b&gt;alert&lt;/b&gt;"
    body = _rss().replace(b"</title><link>", f"</title><description>{summary}</description><link>".encode())
    _check_feed(body)
    assert [entry.content for entry in parse_feed(body, "fuzz-feed")] == ["Red alert"]


@pytest.mark.parametrize(
    "title",
    ["&#xD800;", "&#x110000;", "&#99999999999999999999;"],
    ids=["surrogate", "past-10ffff", "past-c-int"],
)
def test_fixed_crash_feed_with_invalid_character_reference(title: str) -> None:
    """parse_feed keeps an item whose title holds an invalid character reference, read as U+FFFD."""
    _check_feed(_rss(title=title))
    assert [entry.meta.title for entry in parse_feed(_rss(title=title), "fuzz-feed")] == ["\ufffd"]


@pytest.mark.parametrize(
    "pub_date", ["0000-01-01", "Fri, 9999/12/31 23:59:59 EDT"], ids=["year-0", "year-10000"]
)
def test_fixed_crash_feed_entry_date_out_of_range(pub_date: str) -> None:
    """parse_feed of an entry dated in year 0 (or 10000 in UTC) keeps the entry with an unknown date."""
    _check_feed(_rss(pub_date=pub_date))
    assert [entry.meta.published for entry in parse_feed(_rss(pub_date=pub_date), "fuzz-feed")] == [None]


@pytest.mark.parametrize(
    ("published", "text"),
    [
        (date(1, 1, 1), "The Russell 2000 fell 2% yesterday."),  # reads_as_same_day -> _resolve
        (date(9999, 12, 31), "The Russell 2000 will rise 2% next Monday."),  # _weekday
    ],
    ids=["yesterday-of-year-1", "next-monday-of-year-9999"],
)
def test_fixed_crash_rules_with_publication_at_calendar_edge(published: date, text: str) -> None:
    """RulesExtractor on an article published 0001-01-01 or 9999-12-31: a day off the calendar is unknown."""
    article = _article(text, published)
    _check_facts(RulesExtractor().extract(article), article)
    assert event_dates.resolve_event_date(text, published) is None


@pytest.mark.parametrize("question", ["What happened yesterday?", "last week", "last month"])
def test_fixed_crash_question_dates_with_anchor_at_calendar_edge(question: str) -> None:
    """parse_question_dates with the anchor 0001-01-01 and a day before it: no window rather than a crash."""
    assert parse_question_dates(question, date(1, 1, 1)) is None
