"""Open-vocabulary subjects of market moves: names with instrument codes, known names, proper nouns before a
move verb, "shares of X", and references ("the company", "its shares") resolved to the article's company.

The knowledge tables canonicalise and classify what is found here; they do not decide whether a subject
exists: "Acme Industries <ACME.N> fell 3%" names a stock because of its exchange ticker, and "Acme slumped
19%" because a proper noun is the subject of a move verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant import knowledge
from assistant.extraction.names import Lexicon, Mention, company_name

# an instrument code as wire services write it, in angle brackets or parentheses: <NVDA.O>, <.SPX>, <LCOc1>,
# <EUR=>, <US10YT=RR>, (.SOX); a bare exchange ticker in parentheses is handled by the names tables
CODE = re.compile(r"<\s*(?P<a>[A-Za-z0-9.=^_/-]{1,24})\s*>|\(\s*(?P<p>\.[A-Z0-9]{2,16})\s*\)")
_FUTURE = re.compile(r"(?:c|cv|v)\d$")
_EXCHANGE = re.compile(r"^[A-Za-z0-9_-]{1,10}\.[A-Za-z]{1,3}$")
# words in a name that say what class of thing it is when no table knows it
_SECTOR_WORDS = re.compile(
    r"\b(?:sector|sub-?index|industry|banks?|lenders?|miners?|chipmakers?|semiconductors?|chip|tech(?:nology)?|"
    r"airlines?|energy|utilities|financials?|insurers?|automakers?|autos?|retail(?:ers)?|telecoms?|"
    r"real estate|property|healthcare|health care|pharma\w*|media|travel|leisure|oil and gas|basic resources|"
    r"industrials?|consumer|materials|communication services|tourism|defen[cs]e|homebuilders?|shippers?)\b",
    re.IGNORECASE,
)
_INDEX_WORDS = re.compile(
    r"\b(?:index|indices|indexes|benchmark|gauge|stocks|shares|bourse|market|composite|average|futures|"
    r"e-minis?|blue[- ]chips?)\b",
    re.IGNORECASE,
)
_YIELD_WORDS = re.compile(
    r"\b(?:yields?|treasur(?:y|ies)|bunds?|gilts?|JGBs?|notes?|bonds?)\b", re.IGNORECASE
)
_CRYPTO_WORDS = re.compile(r"\b(?:bitcoin|ether(?:eum)?|crypto\w*|tokens?|coins?|solana|dogecoin)\b", re.I)
_COMMODITY_WORDS = re.compile(
    r"\b(?:crude|oil|brent|wti|gold|silver|copper|aluminium|aluminum|nickel|zinc|palladium|platinum|"
    r"natural gas|gas|wheat|corn|soybeans?|sugar|coffee|cocoa|cotton|iron ore|lithium|palm oil|bullion)\b",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(
    r"(?:^|\s)(?:in|of|and|while|with|as|after|before|but|than|from|for|on|at|by|to|including|led by|"
    r"such as|like|whereas|where|when|said|says|,|;|:)\s*$"
)
_LEADING = re.compile(
    r"^(?:(?:the|a|an|its|their|shares? (?:in|of)|stocks? (?:in|of)|U\.S\.-listed)\s+)+", re.I
)
_SUFFIX = re.compile(r"\s*,?\s+(?:shares|stock|stocks)$")


@dataclass(frozen=True)
class Subject:
    """A thing that can move, named in a sentence (offsets into the sentence text)."""

    start: int
    end: int
    name: str
    asset_class: str  # index | sector | stock | commodity | currency | yield | crypto
    code: str | None = None
    strong: bool = True  # named by a code or a table; an open-vocabulary guess is not strong


# the knowledge files' classes as the asset classes of moves (a company's equity moves as a stock ...)
_CLASS = {"equity": "stock", "bond": "yield", "industry": "sector"}
MOVABLE_CLASSES = frozenset({"index", "sector", "stock", "commodity", "currency", "yield", "crypto"})


def row_class(row: knowledge.EntityRow) -> str | None:
    """The asset class of a knowledge row as a move's class (None for banks, groups, products)."""
    label = _CLASS.get(row.asset_class, row.asset_class)
    return label if label in MOVABLE_CLASSES else None


@cache
def _instrument_pattern() -> tuple[re.Pattern[str], dict[str, knowledge.EntityRow]]:
    """One pattern over the names of instruments the names tables do not match (currencies, yields ...)."""
    table: dict[str, knowledge.EntityRow] = {}
    for row in knowledge.instruments():
        if not row.lexicon and row_class(row):
            for alias in (row.name, *row.aliases, *row.pending_aliases):
                table.setdefault(re.sub(r"\s+", " ", alias.casefold()), row)
    words = sorted(table, key=len, reverse=True)
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])", re.IGNORECASE), table


def instruments_in(text: str) -> list[tuple[int, int, knowledge.EntityRow]]:
    """Instruments named in text by the knowledge files' names and aliases."""
    pattern, table = _instrument_pattern()
    return [
        (m.start(), m.end(), table[re.sub(r"\s+", " ", m.group(0).casefold())])
        for m in pattern.finditer(text)
    ]


def _coded(code: str) -> tuple[knowledge.EntityRow, str] | None:
    """The knowledge row of an instrument code and its move class, when the files know it."""
    row = knowledge.by_code().get(code)
    label = row_class(row) if row is not None else None
    return (row, label) if row is not None and label else None


def classify_code(code: str, written: str) -> str:
    """The asset class of an instrument code, from the tables, else from its shape and the name before it."""
    known = _coded(code)
    if known is not None:
        return known[1]
    if "=" in code:
        return (
            "yield" if ("YT" in code or code.endswith("RR") or _YIELD_WORDS.search(written)) else "currency"
        )
    if _FUTURE.search(code) and not code.startswith("."):
        if _COMMODITY_WORDS.search(written) or not _INDEX_WORDS.search(written):
            return "commodity"
        return "index"
    if code.startswith("."):
        return "sector" if _SECTOR_WORDS.search(written) else "index"
    return "stock"


def class_of_name(written: str, default: str = "stock") -> str:
    """The asset class a name's own words suggest."""
    for pattern, label in (
        (_YIELD_WORDS, "yield"),
        (_CRYPTO_WORDS, "crypto"),
        (_COMMODITY_WORDS, "commodity"),
        (_SECTOR_WORDS, "sector"),
        (_INDEX_WORDS, "index"),
    ):
        if pattern.search(written):
            return label
    return default


def _name_before(text: str, end: int) -> tuple[int, str]:
    """The name written just before a code: back to a clause word, a comma or at most seven words."""
    cut = max(text.rfind(ch, 0, end) for ch in ",;:(")
    left = text[:end].rstrip()
    start = len(left)
    for m in reversed(list(re.finditer(r"[^\s,;:()]+", left))):
        if m.start() <= cut or len(left[m.start() :].split()) > 7 or _NAME_STOP.search(left[: m.end()]):
            break
        if m.group(0).casefold() in {
            "and",
            "while",
            "with",
            "as",
            "after",
            "but",
            "in",
            "of",
            "said",
            "including",
        }:
            break
        start = m.start()
    written = left[start:]
    lead = _LEADING.match(written)
    if lead:
        start += lead.end()
        written = written[lead.end() :]
    return start, written


_CAP_TAIL = re.compile(r"(?:(?:[A-Z0-9][\w.&'’\-]*|&|of|de|and|the)\s+)*(?:[A-Z0-9][\w.&'’\-]*)\s*$")


def _capitalised_tail(text: str, start: int, written: str) -> tuple[int, str]:
    """A company's name is the capitalised words just before its ticker, not the description before them."""
    m = _CAP_TAIL.search(written)
    if not m or m.start() == 0:
        return start, written
    return start + m.start(), written[m.start() :]


def code_subjects(text: str) -> list[Subject]:
    """Subjects named with an instrument code: "Lyft Inc <LYFT.O>", "Singapore stocks <.STI>"."""
    found: list[Subject] = []
    for m in CODE.finditer(text):
        code = m.group("a") or m.group("p")
        start, written = _name_before(text, m.start())
        asset = classify_code(code, written)
        known = _coded(code)
        if known is not None:
            name = known[0].name
        elif asset == "stock":
            start, written = _capitalised_tail(text, start, written)
            name = company_name(_SUFFIX.sub("", written)) or written
        else:
            name = written.strip() or code
        if not name.strip():
            continue
        found.append(Subject(start if written else m.start(), m.end(), name, asset, code))
    return found


_KIND_CLASS = {"index": "index", "sector": "sector", "company": "stock"}


def table_subjects(text: str, lexicon: Lexicon) -> list[Subject]:
    """Subjects the names tables and the instrument tables know."""
    found = [_from_mention(m) for m in lexicon.mentions(text)]
    found += [Subject(a, b, row.name, row_class(row) or "index") for a, b, row in instruments_in(text)]
    return [s for s in found if s is not None]


def _from_mention(m: Mention) -> Subject | None:
    """A names-table mention as a subject, if it is a thing that trades."""
    if m.kind in _KIND_CLASS:
        return Subject(m.start, m.end, m.name, _KIND_CLASS[m.kind], m.ticker)
    if m.kind == "asset":
        return Subject(m.start, m.end, m.name, "crypto" if _CRYPTO_WORDS.search(m.name) else "commodity")
    return None


_CAP = r"(?:[A-Z][\w.&'’-]*|[0-9][\w&]*[A-Za-z][\w&]*)"
_PROPER = re.compile(rf"{_CAP}(?:\s+(?:&\s+)?(?:{_CAP}|of|de))*")
_NOT_A_NAME = re.compile(
    r"^(?:The|A|An|It|Its|They|Their|This|That|These|Those|He|She|We|I|But|And|Or|Meanwhile|However|Still|Yet|"
    r"Also|In|On|At|For|As|While|After|Before|Since|Shares|Stocks?|Investors?|Analysts?|Markets?|Prices?|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Reuters|Refinitiv|Wall Street|U\.S\.|US|UK|EU|Europe|Asia|China|Japan|Revenue|Sales|Profit|Earnings)$"
)


# a proper noun after one of these is the object of a preposition, not the subject of the verb after it
_OBJECT_OF = re.compile(
    r"(?<!\bshares )(?<!\bstock )\b(?:of|for|from|at|by|with|to|on|than|about|over|against)\s+"
    r"(?:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*\s*(?:,|\band\b)\s*)*$"
)


def proper_subject(text: str, end: int) -> Subject | None:
    """The proper noun phrase ending at `end` (before a move verb), as an open-vocabulary stock subject."""
    left = text[:end]
    m = None
    for candidate in _PROPER.finditer(left):
        if candidate.end() == len(left.rstrip()):
            m = candidate
    if m is None:
        return None
    words = m.group(0).split()
    while words and _NOT_A_NAME.match(words[0]):
        words = words[1:]
    if not words or _NOT_A_NAME.match(" ".join(words)):
        return None
    if _OBJECT_OF.search(left[: m.end() - len(" ".join(words))]):
        return None
    written = " ".join(words)
    start = m.end() - len(written)
    if left[start : m.end()] != written:
        start = left.rfind(words[0], m.start(), m.end())
    name = company_name(re.sub(r"(?:['’]|\ufffd+)s?$", "", written)) or written
    coded = _coded("." + name)
    if coded is not None:  # "DJI is up 3%": an index named by its code without the dot
        return Subject(start, m.end(), coded[0].name, coded[1], "." + name)
    return Subject(start, m.end(), name, class_of_name(written), None, strong=False)
