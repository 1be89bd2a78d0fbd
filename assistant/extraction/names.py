"""Canonical names of market things (indexes, sectors, companies, groups, assets, central banks) and finders.

The tables are small and hand-written on purpose: market news names the same few hundred things over and
over, and a closed list with aliases is both precise and explainable.  They are data: the rows with
`lexicon = true` of the files of `assistant.knowledge` (indexes.toml, companies.toml ...).  Companies
outside the tables are still recognised when the text gives their listing, as in "Acme Corp (NYSE: ACME)"
or "Acme <ACME.N>".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant import knowledge

EntityKind = str  # "index" | "sector" | "company" | "group" | "asset" | "bank" | "product"


@dataclass(frozen=True, eq=False)  # identity equality: hashing is then cheap when tuples of them are cached
class Entity:
    """A canonical thing with the ways texts name it."""

    kind: EntityKind
    name: str
    aliases: tuple[str, ...] = ()
    ticker: str | None = None
    members: tuple[str, ...] = ()
    variants: tuple[
        str, ...
    ] = ()  # other proper names of the same thing, kept as written ("Consumer Staples")
    owner: str | None = None  # for products: the company ("Azure" -> Microsoft)
    fold: bool = False  # match without case (sector words and commodities are written in lower case)


@dataclass(frozen=True)
class Mention:
    """One place where an entity is named in a text."""

    entity: Entity
    start: int
    end: int
    name: str  # canonical name, or the proper variant the text used

    @property
    def kind(self) -> EntityKind:
        """The entity's kind."""
        return self.entity.kind

    @property
    def ticker(self) -> str | None:
        """The entity's ticker, if any."""
        return self.entity.ticker


def _entity(row: knowledge.EntityRow) -> Entity:
    """An entity of the tables from a row of the knowledge data (its name is its first alias)."""
    return Entity(
        row.kind,
        row.name,
        (row.name, *row.aliases),
        ticker=row.ticker,
        members=row.members,
        variants=row.variants,
        owner=row.owner,
        fold=row.fold,
    )


def _table(*topics: str) -> tuple[Entity, ...]:
    """The entities of knowledge topics that the Lexicon matches (rows with lexicon = true), in file order."""
    return tuple(_entity(row) for topic in topics for row in knowledge.entities(topic) if row.lexicon)


INDEXES = _table("indexes")  # matched without case: "S&P 500 Index" and "S&P 500 index" alike
SECTORS = _table("sectors")
COMPANIES = _table("companies")
# banks, brokers and fund houses: often the source of someone else's number ("Morgan Stanley projects ...")
FIRMS = frozenset(firm.name for firm in knowledge.firms())
COMPANY_BY_TICKER: dict[str, Entity] = {c.ticker: c for c in COMPANIES if c.ticker}
GROUPS = _table("groups")
ASSETS = _table("crypto", "commodities")
CENTRAL_BANKS = _table("banks")
PRODUCTS = _table("products")

ALL_ENTITIES: tuple[Entity, ...] = INDEXES + SECTORS + COMPANIES + GROUPS + ASSETS + CENTRAL_BANKS + PRODUCTS

# listings written after a company name: "(NASDAQ: MSFT)", "(NYSE: NOW)", "<MSFT.O>"
TICKER_PAREN = re.compile(
    r"\s*\(\s*(?:NASDAQ|Nasdaq|NYSE(?:\s?American|\s?Arca|\s?MKT)?|AMEX|NYSEARCA|LSE|LON|TSX|OTC|XETRA|ASX|"
    r"HKEX|TSE|ETR|EPA|FRA|SIX)\s*:\s*(?P<ticker>[A-Z][A-Z0-9]{0,5}(?:\.[A-Z])?)\s*\)|"
    r"\s*<(?P<ric>[A-Z][A-Z0-9]{0,5})\.(?:OQ|O|N|L|DE|PA|T|AS|HK|TO|K)>"
)
BARE_TICKER = re.compile(r"\s*\(\s*(?P<bare>[A-Z]{1,5}(?:\.[A-Z])?)\s*\)")
_CAP_WORD = r"(?:[A-Z][\w.&'’\-]*|&|of|and)"
LISTED_NAME = re.compile(
    rf"(?<![\w.])(?P<name>[A-Z][\w.&'’\-]*(?:\s+{_CAP_WORD}){{0,5}}?)(?=" + TICKER_PAREN.pattern + ")"
)
_BARE_LISTED = re.compile(
    rf"(?<![\w.])(?P<name>[A-Z][\w.&'’\-]*(?:\s+{_CAP_WORD}){{0,4}}?)(?=" + BARE_TICKER.pattern + ")"
)
_SUFFIXES = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Company|SE|plc|PLC|Ltd|Limited|AG|SA|NV|N\.V|LLC|"
    r"Class [AB])\.?)+$"
)
SHARES_OF = re.compile(
    rf"\b(?:[Ss]hares|[Ss]tock) of (?P<name>[A-Z][\w.&'’\-]*(?:\s+{_CAP_WORD}){{0,3}}?)(?=\s+(?:[a-z]|\()|"
    rf"[,.])|(?P<name2>[A-Z][\w.&'’\-]*(?:\s+[A-Z][\w.&'’\-]*){{0,3}})(?:['’]s)?\s+(?:shares|stock)\s+"
    r"(?:(?:have|had|were|was)\s+)?(?:rose|fell|jumped|surged|slid|dropped|plunged|tumbled|soared|climbed|"
    r"gained|lost|sank|rallied|slumped|declined|advanced|plummeted|spiked|rebounded|are|were|closed|ended|"
    r"traded)\b"
)
MOVER = re.compile(
    r"(?<![\w.’'])(?P<name>[A-Z][\w&'’\-]*[a-z][\w&'’\-]*(?:\s+[A-Z][\w&'’\-]+){0,2})\s+(?:(?:is|was|were|"
    r"are|has|have|had)\s+)?(?:been\s+)?(?:up|down|rose|fell|jumped|surged|slid|dropped|plunged|tumbled|"
    r"soared|climbed|gained|lost|sank|rallied|slumped|declined|advanced|plummeted|spiked|rebounded|added|"
    r"shed|eased|slipped|dipped)\s+(?:(?:as much as|nearly|almost|about|roughly|more than|over|some|"
    r"a further|another)\s+)?\d+(?:\.\d+)?\s?%"
)
_NOT_A_COMPANY = re.compile(
    r"^(?:The|Its|Their|Our|These|Those|Some|Many|Most|All|Both|Other|Tech|Technology|Bank|Banking|Energy|"
    r"Chinese|European|Asian|Japanese|US|U\.S\.|American|British|UK|Software|Chip|Chipmaker|Semiconductor|"
    r"Small-cap|Mid-cap|Large-cap|Mega-cap|Megacap|Growth|Value|Defensive|Cyclical|Airline|Retail|Mining|"
    r"Oil|Gold|Silver|Crypto|Utility|Healthcare|Biotech|Insurance|Property|Global|Emerging|Regional|When|"
    r"While|As|If|But|And|Meanwhile|However|Overall|Still|Yet|Also|Why|What|How|Where|Which|Such|Index|"
    r"Sector|Company|It|They|He|She|We|This|That|Shares|Stocks|Stock|Prices|Price|Revenue|Sales|Earnings|"
    r"Profit|Bitcoin|Ether|Brent|Copper|Markets?|Europe|Asia|China|Japan|Germany|France|Britain|India|"
    r"America|Wall|Nasdaq|Dow|Russell|FTSE|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday|"
    r"Friday's|Investors|Traders|Analysts|Futures|Bonds|Yields|Treasuries|Equities|Small|Large|Volume|"
    r"Inflation|GDP|Output|Demand|Supply|Spending|Capex|Hong|Korea|Korean|South|North|Latin|Brazilian|Indian|"
    r"Australian|Canadian|German|French|Italian|Spanish|Swiss|Dutch|Nordic|London|Tokyo|Shanghai|Shenzhen|"
    r"Frankfurt|Paris|Treasury|Mortgage|Consumer|Retail|Housing|Home|Industrial|Utilities|Materials)$"
)
_LEADING = re.compile(
    r"^(?:The|A|An|And|[Oo]f|Shares|Stock|Similarly|Perhaps|Meanwhile|By|From|Also|Both|Even)\s+"
)
_ALIAS_EXTRA = {"'": "['’]", "-": r"[-\s]?", " ": r"\s+"}


def company_name(listed: str) -> str:
    """A listed name without corporate suffix ("Southwest Airlines Co" -> "Southwest Airlines")."""
    name = listed.strip()
    while (stripped := _LEADING.sub("", name)) != name:
        name = stripped
    return _SUFFIXES.sub("", name).strip() or listed.strip()


def _alias_pattern(alias: str) -> str:
    """Regex for an alias: flexible spaces, apostrophes and hyphens, bounded by non-word characters."""
    body = "".join(_ALIAS_EXTRA.get(ch, re.escape(ch)) for ch in alias)
    return rf"(?<![\w&^$]){body}(?![\w&]|-\w)"


def _first_key(written: str) -> str:
    """Key of a name's first word: its leading letters and digits, case-folded (else its first character)."""
    m = _FIRST_KEY.match(written.casefold())
    return m.group(0) if m else written[:1]


_FIRST_KEY = re.compile(r"[^\W_]+")
_WORD_START = re.compile(r"(?<![\w&^$])(?=[\w^$&])")


@lru_cache(maxsize=64)
def _compiled(
    entities: tuple[Entity, ...], fold: bool
) -> tuple[re.Pattern[str], dict[str, Entity], frozenset[str]]:
    """One alternation over the aliases (longest first), the alias table, and the aliases' first-word keys."""
    by_alias: dict[str, Entity] = {}
    for entity in entities:
        if entity.fold == fold:
            for alias in (*entity.aliases, *entity.variants):
                if alias.casefold().startswith(
                    "the "
                ):  # "the" is no part of a name; it would shadow "Nasdaq 100"
                    alias = alias[4:]
                by_alias.setdefault(alias.casefold() if fold else alias, entity)
    ordered = sorted(by_alias, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x"), by_alias, frozenset()
    flags = re.IGNORECASE if fold else 0
    pattern = re.compile("|".join(f"(?:{_alias_pattern(a)})" for a in ordered), flags)
    return pattern, by_alias, frozenset(_first_key(a) for a in ordered)


def _variant(entity: Entity, written: str) -> str:
    """The proper name to report: a listed variant the text used, else the canonical name."""
    norm = re.sub(r"[\s\-]+", " ", written).casefold()
    return next((v for v in entity.variants if v.casefold() == norm), entity.name)


def _lookup(by_alias: dict[str, Entity], written: str, fold: bool) -> Entity | None:
    """Entity for a matched alias text (spaces, hyphens and apostrophes normalised)."""
    key = written.casefold() if fold else written
    if key in by_alias:
        return by_alias[key]
    squash = re.sub(r"[\s\-’']+", "", key)
    return next((e for a, e in by_alias.items() if re.sub(r"[\s\-’']+", "", a) == squash), None)


def _matches(pattern: re.Pattern[str], text: str, keys: frozenset[str]) -> Iterator[re.Match[str]]:
    """Alias matches, plus longer ones starting inside a match ("the Nasdaq" vs "Nasdaq 100").

    The big alternation is tried only at word starts whose first word could begin an alias: running it
    with finditer over every position made this the slowest step of extraction.
    """
    end = -1
    for start in _WORD_START.finditer(text):
        at = start.start()
        if _first_key(text[at : at + 40]) not in keys:
            continue
        m = pattern.match(text, at)
        if m and m.end() > end:
            yield m
            end = m.end()


def _scan(text: str, entities: tuple[Entity, ...]) -> list[Mention]:
    """All alias matches of entities in text (both case rules), overlapping ones included."""
    found: list[Mention] = []
    for fold in (False, True):
        pattern, by_alias, keys = _compiled(entities, fold)
        for m in _matches(pattern, text, keys):
            entity = _lookup(by_alias, m.group(0), fold)
            if entity is not None:
                found.append(Mention(entity, m.start(), m.end(), _variant(entity, m.group(0))))
    return found


def _non_overlapping(mentions: Iterable[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions, in text order."""
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


@dataclass
class Lexicon:
    """The tables plus companies an article introduces with a listing."""

    extra: list[Entity] = field(default_factory=list)

    def entities(self) -> tuple[Entity, ...]:
        """Every entity known for this article."""
        return ALL_ENTITIES + tuple(self.extra)

    def learn_listings(self, text: str) -> None:
        """Add companies the article introduces: "Acme Corp (NYSE: ACME)", "Acme (ACME)", "shares of Acme"."""
        for m in LISTED_NAME.finditer(text):
            self._learn(m.group("name"), m.group("ticker") or m.group("ric"))
        for m in _BARE_LISTED.finditer(text):
            if not _initials(m.group("name"), m.group("bare")):
                self._learn(m.group("name"), m.group("bare"))
        for m in SHARES_OF.finditer(text):
            self._learn(m.group("name") or m.group("name2"), None)
        for m in MOVER.finditer(text):
            if not _sentence_initial(text, m.start()) or " " in m.group("name"):
                self._learn(m.group("name"), None)

    def _learn(self, written: str, ticker: str | None) -> None:
        """Remember one company name (and ticker) unless it is already known or is not a company name."""
        name = company_name(written)
        if not name or _NOT_A_COMPANY.match(name.split()[0]) or _known_alias(name):
            return
        known = COMPANY_BY_TICKER.get(ticker or "")
        if known is None and not any(e.name == name for e in self.extra):
            self.extra.append(Entity("company", name, (name, written.strip()), ticker=ticker))
        elif known is not None and name not in known.aliases and len(name) > 2:
            self.extra.append(Entity("company", known.name, (name, written.strip()), ticker=ticker))

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Non-overlapping mentions in text, listings folded into the company mention before them."""
        # the tables' big pattern is compiled once per process; the article's few learned names separately
        found = _non_overlapping(_scan(text, ALL_ENTITIES) + _scan(text, tuple(self.extra)))
        masked = [(m.start(), m.end()) for m in TICKER_PAREN.finditer(text)]
        found = [_absorb_listing(text, m) for m in found if not any(a <= m.start < b for a, b in masked)]
        found = [m for i, m in enumerate(found) if not any(o.start <= m.start < o.end for o in found[:i])]
        return _merge_adjacent(found, text, offset)


def _sentence_initial(text: str, at: int) -> bool:
    """True when position at starts a sentence or a line (a capital there proves nothing)."""
    return bool(re.search(r"(?:^|[.!?:;]\s+|\n\s*|[“\"]\s*)$", text[max(0, at - 4) : at]))


def _initials(name: str, acronym: str) -> bool:
    """True when an acronym is the initials of the name before it ("European Central Bank (ECB)")."""
    letters = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’\-]*", name) if w[0].isupper())
    return len(acronym) > 1 and acronym in letters


def _known_alias(name: str) -> bool:
    """True when a name is already one of the tables' aliases (any case)."""
    return name.casefold() in _ALL_ALIASES


_SYMBOL = re.compile(r"\s*\(\s*[\^$]?[A-Z][A-Z0-9]{0,5}(?:[./][A-Z]{1,3})?\s*\)")


def _absorb_listing(text: str, mention: Mention) -> Mention:
    """Extend a mention over a following corporate suffix and listing: "Microsoft Corp (NASDAQ: MSFT)"."""
    if mention.kind != "company":
        symbol = _SYMBOL.match(text, mention.end)  # "Russell 2000 Index (^RUT)", "Gold (XAU/USD)"
        return Mention(mention.entity, mention.start, symbol.end(), mention.name) if symbol else mention
    end = mention.end
    suffix = re.match(
        r",?\s+(?:Inc|Corp|Co|SE|plc|Ltd|AG|SA|NV|Holdings Corp|Platforms Inc)\.?(?![\w])", text[end:]
    )
    if suffix:
        end += suffix.end()
    listing = TICKER_PAREN.match(text, end) or BARE_TICKER.match(text, end)
    if listing:
        groups = listing.groupdict()
        ticker = groups.get("ticker") or groups.get("ric") or groups.get("bare")
        entity = mention.entity if mention.entity.ticker else Entity("company", mention.name, ticker=ticker)
        return Mention(entity, mention.start, listing.end(), mention.name)
    return Mention(mention.entity, mention.start, end, mention.name) if suffix else mention


def _merge_adjacent(mentions: list[Mention], text: str, offset: int) -> list[Mention]:
    """Join mentions of one entity split only by quotes or spaces ("“Big Four” hyperscalers"); shift spans."""
    merged: list[Mention] = []
    for m in mentions:
        prev = merged[-1] if merged else None
        if (
            prev
            and prev.entity.name == m.entity.name
            and re.fullmatch(r"[\s\"“”'(]*", text[prev.end : m.start])
        ):
            merged[-1] = Mention(prev.entity, prev.start, m.end, prev.name)
        else:
            merged.append(m)
    return [Mention(m.entity, m.start + offset, m.end + offset, m.name) for m in merged]


def group_for(names: Sequence[str]) -> Entity | None:
    """The group whose members are exactly these company names, if any."""
    wanted = {n.casefold() for n in names}
    return next((g for g in GROUPS if g.members and {x.casefold() for x in g.members} == wanted), None)


def find(name: str) -> Entity | None:
    """The entity with this canonical name or alias (exact, case-insensitive)."""
    folded = name.casefold()
    return next((e for e in ALL_ENTITIES if any(a.casefold() == folded for a in e.aliases)), None)


_ALL_ALIASES = frozenset(a.casefold() for e in ALL_ENTITIES for a in (*e.aliases, *e.variants))
