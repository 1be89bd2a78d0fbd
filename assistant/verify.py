"""Answer verification: cited sentences, figures checked against the cited passages, links to exact words.

An answer (from the LLM or the extractive answerer) is split into sentences, each with the citation numbers
it carries. A sentence passes only when every citation points at a retrieved passage and every figure it
states (percent, money, basis points, multiples, plain numbers) occurs in at least one of its cited
passages. Citations resolve to passages and to the passage sentence the citing answer sentence quotes or
(paraphrased) shares the most figures, then words, with; a Text Fragment URL (``#:~:text=``) opens the
source at that sentence, or at the whole passage when there is none.

Figures are found with hand-written regular expressions: no maintained library normalises financial
figures as written in news prose ("3.5 per cent", "$650bn", "$359-381 billion", "(+1.83%)", "25 bps",
"5.0x") into comparable values while skipping years, dates, index names and citation markers, which is
exactly what this check needs.

What counts as a figure (see ``numbers_in``):

- digits only; numbers in words ("three", "a quarter point") are not figures;
- counts glued to a word by a hyphen count ("16-month" is 16, "10-year" is 10), as the passage that
  supports the claim writes them the same way;
- not figures: citation markers ("[1]", "[1, 3]", "[1-3]"), bare years 1900-2100 ("in 2026", "2025-26"),
  day numbers in dates ("February 6", "Jan. 29", "6 February 2026", "2026-02-06", "2/6/2026"), clock
  times ("4:00 p.m."), URLs, digit ordinals ("3rd", "21st"), numbers glued to letters ("Q4", "H100", "FY2026",
  "COVID-19", "10-K"), index and group names ("S&P 500", "Russell 2000", "FTSE 100", "Magnificent 7": those
  of the indexes and groups data of ``assistant.knowledge``),
  rankings ("No. 1", "#2") and numbered-list prefixes ("1. ", "2) ").

Units: pct (%, per cent, percent, pct, percentage points), bp (bp, bps, basis points), x (multiples:
"5.0x"), usd ($, US$, USD, dollars), eur, gbp, and plain. Scales (thousand, million, billion, trillion,
k, m, bn, tn, ...) are folded into the value, so "$650bn" and "$0.65 trillion" are both 6.5e11.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from assistant import knowledge
from assistant.models import AnswerSentence, Citation, Passage, SearchHit, Span
from assistant.text import sentences_by_line

Unit = Literal["pct", "bp", "x", "usd", "eur", "gbp", "plain"]

# ---------------------------------------------------------------------------------------------- markers

_MARKER_BODY = r"\[\s*\d{1,3}(?:\s*(?:,|-|–|—|and)\s*\d{1,3})*\s*\]"
_MARKER = re.compile(_MARKER_BODY)
_MARKER_RUN = re.compile(rf"(?P<lead>[ \t]*)(?P<run>{_MARKER_BODY}(?:[ \t]*{_MARKER_BODY})*)")
_LEADING_MARKERS = re.compile(rf"\s*{_MARKER_BODY}(?:\s*{_MARKER_BODY})*[\s.,;:!?]*")
# a sentence end glued to markers that syntok does not split: "per cent.[1] Next" -> split after "[1]"
_INNER_END = re.compile(rf"[.!?][\"”’)]*\s*{_MARKER_BODY}(?:\s*{_MARKER_BODY})*(?=\s+[\"“(]?[A-Z0-9])")
_LIST_ONLY = re.compile(r"\s*(?:\(?\d{1,2}[.)]|[-*•])\s*")
_MAX_RANGE = 50


def _marker_numbers(marker: str) -> list[int]:
    """The citation numbers inside one marker: "[2]" -> [2], "[1, 3]" -> [1, 3], "[1-3]" -> [1, 2, 3]."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:,|and)\s*", marker.strip("[] \t")):
        ends = [int(x) for x in re.split(r"\s*[-–—]\s*", part) if x]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= _MAX_RANGE:
            numbers.extend(range(ends[0], ends[1] + 1))
        else:
            numbers.extend(ends)
    return numbers


def cited_numbers(text: str) -> tuple[int, ...]:
    """Citation numbers carried by text, in order of first appearance, without repeats."""
    seen: dict[int, None] = {}
    for m in _MARKER.finditer(text):
        seen.update(dict.fromkeys(_marker_numbers(m.group())))
    return tuple(seen)


# ---------------------------------------------------------------------------------------------- sentences


def _raw_spans(text: str) -> list[tuple[int, int]]:
    """syntok sentence spans of every line, split again where a period is glued to markers."""
    spans: list[tuple[int, int]] = []
    for line_sentences in sentences_by_line(text).values():
        for a, b in line_sentences:
            cut = a
            for m in _INNER_END.finditer(text, a, b):
                spans.append((cut, m.end()))
                cut = m.end()
            spans.append((cut, b))
    return spans


def _stripped(text: str, a: int, b: int) -> tuple[int, int]:
    """The span narrowed to exclude surrounding whitespace."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans where leading markers join the previous sentence and list prefixes the next."""
    out: list[tuple[int, int]] = []
    pending: int | None = None  # start of a lone list prefix waiting for its sentence
    for a, b in _raw_spans(text):
        a, b = _stripped(text, a, b)
        lead = _LEADING_MARKERS.match(text, a, b)
        if lead and out:
            out[-1] = (out[-1][0], _stripped(text, a, lead.end())[1])
            a, b = _stripped(text, lead.end(), b)
        if a >= b:
            continue
        if _LIST_ONLY.fullmatch(text, a, b):
            pending = a if pending is None else pending
            continue
        out.append((a if pending is None else pending, b))
        pending = None
    if pending is not None:
        out.append(_stripped(text, pending, len(text)))
    return out


def split_answer(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split an answer into sentences (markers kept), each with the citation numbers it carries."""
    return [(text[a:b], cited_numbers(text[a:b])) for a, b in _sentence_spans(text)]


# ---------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class NumberMention:
    """One figure in a text: as written, its canonical value (scaled, signed) and its unit."""

    text: str
    value: float
    unit: Unit
    start: int
    end: int
    integral: bool = False  # written without decimals and without a scale word


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_NOT_FIGURE_AFTER = r"(?![\d]|[.,]\d|\s?%|\s?per\s?cent|\s?percent)"


def _flexible(name: str) -> str:
    """A name as a regex whose spaces and hyphens may also be the other or nothing ("S&P500", "G-20")."""
    return r"[\s-]?".join(re.escape(part) for part in re.split(r"[\s-]", name))


def _numbered_names() -> str:
    """Alternation of the index and group names written with digits ("S&P 500", "FTSE 100", "G20")."""
    names = {
        name
        for topic in ("indexes", "groups")
        for row in knowledge.entities(topic)
        for name in row.names()
        if any(ch.isdigit() for ch in name)
    }
    return "|".join(_flexible(name) for name in sorted(names, key=lambda n: (-len(n), n)))


_INDEX_NAMES = _numbered_names()
_NOT_FIGURES = re.compile(
    "|".join(
        [
            _MARKER_BODY,
            r"\b(?:https?://|www\.)[^\s<>\"]+",  # URLs
            rf"\b{_MONTH}\.?\s{_DAY}(?:\s?[-–]\s?{_DAY})?\b{_NOT_FIGURE_AFTER}",  # February 6, Jan. 29-30
            rf"(?<![\d.,$€£])\b{_DAY}(?:\s?[-–]\s?{_DAY})?\s(?:of\s)?{_MONTH}\b",  # 6 February, 6th of Feb
            r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b",  # 2026-02-06, 2/6/2026
            r"\b(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})\b(?!\s?%|\.\d)",  # 2025-26, 2025/2026
            r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?|\b\d{1,2}\s?[ap]\.m\.",  # 4:00 p.m., 9 a.m.
            rf"(?<![\w&])(?:{_INDEX_NAMES})\b",
            r"(?:#|\bNo\.\s?)\d+",
            r"(?m:^[ \t]*(?:[-*•][ \t]*)?\(?\d{1,2}[.)](?=\s))",  # numbered-list prefix
        ]
    )
)
_FIGURE = re.compile(
    r"(?:(?<![\w%.)\]])(?P<sign>[+\-−])\s?)?"
    r"(?P<cur>(?:US|[A-Z]{1,2})?\$|€|£|(?:USD|EUR|GBP)\s?)?"
    r"(?<![\w.])(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?:(?P<scale>[\s-]?(?:trillion|billion|million|thousand|tn|trn|bn|mn|mln)|[tTbBmMkK])(?![A-Za-z]))?"
    r"(?:[\s-]?(?P<unit>%|per\s?cent\b|percent(?:age[\s-]points?)?\b|pct\b|percentage[\s-]points?\b|"
    r"basis[\s-]points?\b|bps?\b|dollars?\b|USD\b|euros?\b|pounds?\b)|(?P<times>[x×])(?![A-Za-z]))?"
)
_DASH = re.compile(r"[-–—]")
_RANGE_JOIN = re.compile(r"\s?(?:-|–|—|to)\s?(?:[+\-−]\s?)?(?:(?:US|[A-Z]{1,2})?\$|€|£)?")
_YEAR_UNIT = re.compile(r"\s+(?:points?|pts)\b")
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9}
_SCALES |= {"bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "t": 1e12}
_UNIT_WORDS: dict[str, Unit] = {"%": "pct", "per": "pct", "pct": "pct", "percent": "pct", "percentage": "pct"}
_UNIT_WORDS |= {"basis": "bp", "bp": "bp", "bps": "bp", "x": "x", "×": "x", "dollar": "usd", "dollars": "usd"}
_UNIT_WORDS |= {"usd": "usd", "euro": "eur", "euros": "eur", "pound": "gbp", "pounds": "gbp"}
_CURRENCIES: dict[str, Unit] = {"$": "usd", "US$": "usd", "USD": "usd", "€": "eur", "EUR": "eur"}
_CURRENCIES |= {"£": "gbp", "GBP": "gbp"}


def _masked(text: str) -> str:
    """The text with everything that is not a figure (markers, dates, names...) blanked, offsets kept."""
    return _NOT_FIGURES.sub(lambda m: " " * len(m.group()), text)


def _unit_of(m: re.Match[str]) -> Unit | None:
    """The unit a figure carries itself (suffix first, then currency prefix), or None."""
    if m.group("times"):
        return "x"
    if m.group("unit"):
        word = re.split(r"[\s-]", m.group("unit").casefold())[0]
        return _UNIT_WORDS.get(word, _UNIT_WORDS.get(word.rstrip("s"), "plain"))
    if m.group("cur"):
        return _CURRENCIES.get(m.group("cur").strip(), "plain")  # C$, HK$...: another currency
    return None


def _is_identifier(text: str, m: re.Match[str]) -> bool:
    """True for numbers glued to words: "3rd", "5G", "COVID-19", "10-K" (but "16-month" is a figure)."""
    start, end = m.start("num"), m.end()
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha() and not m.group("cur"):
        return True
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return True
    return bool(re.match(r"-[A-Z]\b", text[end : end + 3]))


def _is_year(text: str, m: re.Match[str]) -> bool:
    """True for a bare four-digit number 1900-2100 written as a year (not "2000 points")."""
    num = m.group("num")
    if any(m.group(g) for g in ("sign", "cur", "scale", "unit", "times")) or not num.isdigit():
        return False
    return len(num) == 4 and 1900 <= int(num) <= 2100 and not _YEAR_UNIT.match(text, m.end())


def _scale_of(m: re.Match[str]) -> float | None:
    """The multiplier of the scale word, or None."""
    word = m.group("scale")
    return _SCALES[word.strip(" -\t\n").casefold()] if word else None


def _mention(text: str, m: re.Match[str]) -> NumberMention:
    """Build the mention for one figure match (scale and unit are filled in later for ranges)."""
    raw = float(m.group("num").replace(",", ""))
    sign = -1.0 if m.group("sign") in ("-", "−") else 1.0
    scale = _scale_of(m) or 1.0
    integral = "." not in m.group("num") and not m.group("scale")
    return NumberMention(
        text=text[m.start() : m.end()].strip(),
        value=sign * raw * scale,
        unit=_unit_of(m) or "plain",
        start=m.start(),
        end=m.end(),
        integral=integral,
    )


def _joined(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """True when two figures form a range: "359-381", "3.50%–3.75%", "$5 to $7 billion"."""
    return bool(_RANGE_JOIN.fullmatch(text, left.end(), right.start("num")))


def _inherit(left: re.Match[str], mention: NumberMention, right: re.Match[str]) -> NumberMention:
    """The left end of a range takes the scale and unit it lacks from the right end: "$359-381 billion"."""
    value, unit, integral = mention.value, mention.unit, mention.integral
    units = {_unit_of(left), _unit_of(right)} - {None}
    if not left.group("scale") and right.group("scale") and len(units) <= 1:
        value, integral = value * (_scale_of(right) or 1.0), False
    if _unit_of(left) is None and _unit_of(right) is not None:
        unit = _unit_of(right) or "plain"
    return replace(mention, value=value, unit=unit, integral=integral)


@lru_cache(maxsize=512)
def _numbers(text: str) -> tuple[NumberMention, ...]:
    """Cached scan for figures (passages are checked many times)."""
    masked = _masked(text)
    found: list[tuple[re.Match[str], NumberMention]] = []
    for m in _FIGURE.finditer(masked):
        if _is_identifier(masked, m) or _is_year(masked, m):
            continue
        mention = _mention(text, m)
        if found and _joined(masked, found[-1][0], m):
            left, left_mention = found[-1]
            found[-1] = (left, _inherit(left, left_mention, m))
            if _unit_of(m) is None and _DASH.search(masked, left.end(), m.start("num")):
                mention = replace(mention, unit=found[-1][1].unit)  # "$359-381 billion": both dollars
        found.append((m, mention))
    return tuple(mention for _, mention in found)


def numbers_in(text: str) -> list[NumberMention]:
    """Every figure stated in text, with canonical values and units (see the module docstring)."""
    return list(_numbers(text))


def _same(claim: float, found: float, exact: bool) -> bool:
    """Equal magnitudes: exact for small integers, else within 0.5% relative."""
    a, b = abs(claim), abs(found)
    if exact:
        return a == b
    return abs(a - b) <= 0.005 * max(a, b) + 1e-12


def _supports(claim: NumberMention, found: NumberMention) -> bool:
    """True when a figure found in a passage supports the claimed one (same unit or a unit-less form)."""
    exact = claim.integral and abs(claim.value) < 1000
    if claim.unit == found.unit or "plain" in (claim.unit, found.unit):
        return _same(claim.value, found.value, exact)
    if (claim.unit, found.unit) == ("bp", "pct"):
        return _same(claim.value / 100, found.value, False)
    if (claim.unit, found.unit) == ("pct", "bp"):
        return _same(claim.value * 100, found.value, exact)
    return False


def number_supported(mention: NumberMention, passage_text: str) -> bool:
    """True when the passage states the same figure (sign-insensitive; units compatible)."""
    return any(_supports(mention, found) for found in _numbers(passage_text))


# ---------------------------------------------------------------------------------------------- verification


def _refs(numbers: Iterable[int]) -> str:
    """Citation numbers for a message: "[1], [3]"."""
    return ", ".join(f"[{n}]" for n in numbers)


def _available(numbers: Iterable[int]) -> str:
    """The passages that exist, for a message: "[1]-[5]", "[2]", "[1], [4]" or "no passages"."""
    ns = sorted(numbers)
    if not ns:
        return "no passages exist"
    if len(ns) > 2 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"only [{ns[0]}]-[{ns[-1]}] exist"
    return f"only {_refs(ns)} exist" if len(ns) > 1 else f"only [{ns[0]}] exists"


def _sentence_problems(
    text: str, cites: tuple[int, ...], passages_by_n: dict[int, Passage], allow_uncited: bool
) -> list[str]:
    """Why one sentence fails verification (empty when it passes)."""
    problems: list[str] = []
    missing = [n for n in cites if n not in passages_by_n]
    valid = [n for n in cites if n in passages_by_n]
    if missing:
        problems.append(f"cites {_refs(missing)} but {_available(passages_by_n)}")
    figures = numbers_in(text)
    if figures and not cites:
        problems.append(f"states {', '.join(dict.fromkeys(f.text for f in figures))} but cites nothing")
    elif valid:
        unsupported = [
            f.text for f in figures if not any(number_supported(f, passages_by_n[n].text) for n in valid)
        ]
        problems.extend(f"{t} is not in {_refs(valid)}" for t in dict.fromkeys(unsupported))
    if not figures and not cites and not allow_uncited:
        problems.append("no citation")
    return problems


def verify_sentences(
    sentences: str | Sequence[tuple[str, tuple[int, ...]]],
    passages_by_n: dict[int, Passage],
    allow_uncited: bool = False,
) -> list[AnswerSentence]:
    """Check each sentence's citations and figures against the numbered passages (text is split first)."""
    pairs = split_answer(sentences) if isinstance(sentences, str) else sentences
    out: list[AnswerSentence] = []
    for text, cites in pairs:
        problems = _sentence_problems(text, tuple(cites), passages_by_n, allow_uncited)
        reason = "; ".join(problems) or None
        out.append(AnswerSentence(text=text, citations=tuple(cites), supported=not problems, reason=reason))
    return out


# ---------------------------------------------------------------------------------------------- citations

_FRAGMENT_WORDS = 5  # words at each end of a textStart,textEnd directive
_WHOLE_MAX_WORDS = 2 * _FRAGMENT_WORDS + 2  # longer quotes use the start,end form


def _fragment_term(words: Sequence[str]) -> str:
    """Percent-encode a text directive term; quote() never escapes "-", which the spec reserves."""
    return urllib.parse.quote(" ".join(words), safe="").replace("-", "%2D")


def text_fragment_url(url: str | None, passage_text: str, quote: str | None = None) -> str | None:
    """The url (fragment stripped) plus a #:~:text= directive for the quote, or the whole passage."""
    if url is None:
        return None
    base = url.split("#", 1)[0]
    words = (quote if quote and quote.strip() else passage_text).split()
    if not words:
        return base
    if len(words) <= _WHOLE_MAX_WORDS:
        return f"{base}#:~:text={_fragment_term(words)}"
    start, end = words[:_FRAGMENT_WORDS], words[-_FRAGMENT_WORDS:]
    return f"{base}#:~:text={_fragment_term(start)},{_fragment_term(end)}"


def resolve_citations(answer_text: str, hits: Sequence[SearchHit]) -> tuple[Citation, ...]:
    """Citations [1..len(hits)] used in the answer, in number order, each with the sentence it rests on."""
    used = sorted(n for n in cited_numbers(answer_text) if 1 <= n <= len(hits))
    return tuple(_citation(n, hits[n - 1], cited_sentence(answer_text, n, hits[n - 1].passage)) for n in used)


def _citation(n: int, hit: SearchHit, sentence: Span | None) -> Citation:
    """Citation [n] of hit, linked to the cited sentence (or to the whole passage when there is none)."""
    at = hit.passage.span.start
    quote = hit.passage.text[sentence.start - at : sentence.end - at] if sentence is not None else None
    url = text_fragment_url(hit.article.meta.url, hit.passage.text, quote)
    return Citation(n=n, passage=hit.passage, article=hit.article, url=url, sentence=sentence)


def cited_sentence(answer_text: str, n: int, passage: Passage) -> Span | None:
    """Article span of the passage words quoted, else rested on, by the first sentence citing [n] with any."""
    for sentence, cited in split_answer(answer_text):
        if n in cited:
            local = _quoted(_unmarked(sentence), passage.text) or _closest(_unmarked(sentence), passage.text)
            if local:
                return Span(start=passage.span.start + local[0], end=passage.span.start + local[1])
    return None


def _unmarked(sentence: str) -> str:
    """An answer sentence without its citation markers."""
    return re.sub(rf"\s*{_MARKER_BODY}", "", sentence).strip()


def _quoted(plain: str, passage: str) -> tuple[int, int] | None:
    """Where plain sits verbatim in the passage (with its final stop when the passage has it), or None."""
    for quote in (plain, plain[:-1] if plain.endswith(".") else ""):
        if quote and quote in passage:
            return passage.index(quote), passage.index(quote) + len(quote)
    return None


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_MIN_SHARED_WORDS = 2  # without a shared figure, a passage sentence must share this many content words


def _content_words(text: str) -> set[str]:
    """Lower-cased words longer than two letters, lexical search's stop words dropped, plurals folded
    crudely."""
    words = {w.casefold() for w in _WORD.findall(text)} - set(knowledge.stop_words())
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if len(w) > 2}


def _overlap(claim: str, sentence: str) -> tuple[int, int]:
    """(figures of the claim the sentence supports, content words they share)."""
    figures = sum(number_supported(f, sentence) for f in numbers_in(claim))
    return figures, len(_content_words(claim) & _content_words(sentence))


def _closest(claim: str, passage: str) -> tuple[int, int] | None:
    """The passage sentence sharing the most figures, then content words, with claim; None when none does."""
    spans = [_stripped(passage, a, b) for line in sentences_by_line(passage).values() for a, b in line]
    scored = [(_overlap(claim, passage[a:b]), (a, b)) for a, b in spans if a < b]
    if not scored:
        return None
    (figures, words), span = max(scored, key=lambda item: item[0])
    return span if figures or words >= _MIN_SHARED_WORDS else None


def renumber(answer_text: str, used: Iterable[int]) -> tuple[str, dict[int, int]]:
    """Renumber the kept citations 1..m by first use; markers citing anything else are removed."""
    keep = set(used)
    mapping: dict[int, int] = {}
    for n in cited_numbers(answer_text):
        if n in keep and n not in mapping:
            mapping[n] = len(mapping) + 1

    def _rewrite(m: re.Match[str]) -> str:
        """One run of markers, rewritten with the new numbers."""
        new = sorted({mapping[n] for n in cited_numbers(m.group("run")) if n in mapping})
        return m.group("lead") + "".join(f"[{k}]" for k in new) if new else ""

    return _MARKER_RUN.sub(_rewrite, answer_text), mapping
