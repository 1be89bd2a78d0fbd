"""Typed, grounded market facts: one pydantic model per kind, each tied to an exact span of its article."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar, Literal, Protocol, get_args

from pydantic import Field, TypeAdapter

from assistant.models import Article, Frozen, Span

FactKind = Literal[
    "index_move",
    "sector_move",
    "stock_move",
    "commodity_move",
    "currency_move",
    "yield_move",
    "crypto_move",
    "capex",
    "price_level",
    "rate_decision",
    "metric",
    "quote",
]
AssetClass = Literal["index", "sector", "stock", "commodity", "currency", "yield", "crypto"]


class FactBase(Frozen):
    """What every fact carries: article, evidence span, subject, when it happened, who found it."""

    article_id: str
    span: Span  # half-open; article.text[span.start:span.end] == evidence
    evidence: str
    subject: str  # the index, sector, company, group, asset, body or speaker the fact is about
    as_of: date | None = None  # the day the event happened, resolved from the article date when relative
    period: str | None = None  # "day", "week", "year-to-date", "from high", "2026", "quarter", "Q4 2025", ...
    extractor: str = "rules"
    confidence: float = 0.8

    @property
    def id(self) -> str:
        """Stable id from article, kind, span and subject."""
        key = f"{self.article_id}|{self.kind}|{self.span.start}|{self.span.end}|{self.subject.casefold()}"  # type: ignore[attr-defined]
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def main_value(self) -> float | None:
        """The fact's headline number (for sorting, display and de-duplication)."""
        return None


class MoveFact(FactBase):
    """A market move or level: signed change in %, points or basis points, and the level reached."""

    asset_class: ClassVar[AssetClass]
    change_pct: float | None = None  # signed
    points: float | None = None  # signed
    change_bp: float | None = None  # signed basis points (yields)
    level: float | None = None  # the level or price reached (1.786 for a yield of 1.786%)
    unit: str | None = None  # of the level: "%", "USD", "per dollar", "ounce", "barrel", ...
    code: str | None = (
        None  # the instrument code or exchange ticker the text gave (".SOX", "LCOc1", "NVDA.O")
    )
    qualifier: str | None = None  # "as much as", "premarket", "more than", "about", "intraday", ...

    def main_value(self) -> float | None:
        """Percent change, else basis points, else points, else level."""
        values = (self.change_pct, self.change_bp, self.points, self.level)
        return next((v for v in values if v is not None), None)


class IndexMove(MoveFact):
    """An equity index moved: "Russell 2000 +3.5% on 2026-02-06"."""

    kind: Literal["index_move"] = "index_move"
    asset_class: ClassVar[AssetClass] = "index"


class SectorMove(MoveFact):
    """A sector or industry group moved (a sector index included): subject is its canonical name."""

    kind: Literal["sector_move"] = "sector_move"
    asset_class: ClassVar[AssetClass] = "sector"


class StockMove(MoveFact):
    """A company's shares moved: subject is the company name."""

    kind: Literal["stock_move"] = "stock_move"
    asset_class: ClassVar[AssetClass] = "stock"
    ticker: str | None = None


class CommodityMove(MoveFact):
    """A commodity or its future moved: oil, metals, gas, grains."""

    kind: Literal["commodity_move"] = "commodity_move"
    asset_class: ClassVar[AssetClass] = "commodity"


class CurrencyMove(MoveFact):
    """A currency moved, signed as the currency named (the yen strengthening is positive)."""

    kind: Literal["currency_move"] = "currency_move"
    asset_class: ClassVar[AssetClass] = "currency"


class YieldMove(MoveFact):
    """A bond yield moved or stood at a level: change in basis points, level in percent."""

    kind: Literal["yield_move"] = "yield_move"
    asset_class: ClassVar[AssetClass] = "yield"


class CryptoMove(MoveFact):
    """A crypto asset moved."""

    kind: Literal["crypto_move"] = "crypto_move"
    asset_class: ClassVar[AssetClass] = "crypto"


class Capex(FactBase):
    """Capital spending by a company or a group (members kept); a single amount or a low/high range."""

    kind: Literal["capex"] = "capex"
    members: tuple[str, ...] = ()
    amount_usd: float | None = None
    amount_usd_low: float | None = None
    amount_usd_high: float | None = None
    capex_kind: Literal["plan", "estimate", "projection", "actual"] | None = None
    yoy_pct: float | None = None
    qualifier: str | None = None

    def main_value(self) -> float | None:
        """Amount, else the low end of the range."""
        return self.amount_usd if self.amount_usd is not None else self.amount_usd_low


class PriceLevel(FactBase):
    """An asset's price: "Bitcoin $60,017, a 16-month low"."""

    kind: Literal["price_level"] = "price_level"
    price: float
    currency: str = "USD"
    unit: str | None = None  # "ounce", "barrel", ...
    qualifier: str | None = None

    def main_value(self) -> float | None:
        """The price."""
        return self.price


class RateDecision(FactBase):
    """A central bank decision: body (subject), action, target range."""

    kind: Literal["rate_decision"] = "rate_decision"
    action: Literal["hold", "cut", "hike"]
    rate_low: float | None = None
    rate_high: float | None = None
    change_bp: float | None = None

    def main_value(self) -> float | None:
        """The low end of the range."""
        return self.rate_low


class Metric(FactBase):
    """Any other grounded number: free cash flow, growth vs expectations, valuation ratios, index weights."""

    kind: Literal["metric"] = "metric"
    metric: str
    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    unit: Literal["pct", "usd", "ratio", "count"] = "count"
    previous: float | None = None  # a prior value of the same metric ("from 37.9%")
    expected: float | None = None  # what was expected ("vs the 42% analysts expected")

    def main_value(self) -> float | None:
        """Value, else the low end of its range."""
        return self.value if self.value is not None else self.value_low


class Quote(FactBase):
    """Verbatim quoted words; subject is the speaker."""

    kind: Literal["quote"] = "quote"
    speaker: str
    affiliation: str | None = None
    role: str | None = None


Fact = Annotated[
    IndexMove
    | SectorMove
    | StockMove
    | CommodityMove
    | CurrencyMove
    | YieldMove
    | CryptoMove
    | Capex
    | PriceLevel
    | RateDecision
    | Metric
    | Quote,
    Field(discriminator="kind"),
]
FACT_ADAPTER: TypeAdapter[Fact] = TypeAdapter(Fact)
FACT_LIST_ADAPTER: TypeAdapter[list[Fact]] = TypeAdapter(list[Fact])


@dataclass(frozen=True)
class KindInfo:
    """One fact kind, registered once: its model, its label, its asset class and the question words for it."""

    model: type[FactBase]
    label: str
    cues: str = ""  # a regular expression of question words that ask for this kind

    @property
    def kind(self) -> FactKind:
        """The kind's name, from its model."""
        return self.model.model_fields["kind"].default

    @property
    def asset_class(self) -> AssetClass | None:
        """The asset class of a move kind, None for the others."""
        return getattr(self.model, "asset_class", None)


_MOVED = (
    r"\bperform|rall(?:y|ied)|\bfell\b|\bfall|\bdrop|\bris[ei]|\brose\b|\bgain|\blos[st]|\bjump|\bsurge|"
    r"\bslump|\bmove"
)
# the registry: every list of kinds elsewhere (CLI choices, LLM schema, UI, question cues) derives from it
REGISTRY: tuple[KindInfo, ...] = (
    KindInfo(IndexMove, "index moves", rf"\bind(?:ex|ices|exes)\b|\bbenchmark|\bmarkets?\b|{_MOVED}"),
    KindInfo(SectorMove, "sector moves", rf"\bsectors?\b|\bindustr(?:y|ies)\b|\bgroups?\b|{_MOVED}"),
    KindInfo(StockMove, "stock moves", rf"\bstocks?\b|\bshares?\b|\bwinners?|\blosers?|{_MOVED}"),
    KindInfo(CommodityMove, "commodity moves", r"\boil\b|\bcrude|\bgold\b|\bcopper|\bcommodit|\bmetals?\b"),
    KindInfo(CurrencyMove, "currency moves", r"\bdollar|\beuro\b|\byen\b|\bsterling|\bcurrenc|\bfx\b"),
    KindInfo(YieldMove, "bond yields", r"\byields?\b|\btreasur|\bbonds?\b|\bgilts?\b|\bbunds?\b"),
    KindInfo(CryptoMove, "crypto moves", r"\bbitcoin|\bcrypto|\bether\b|\btokens?\b"),
    KindInfo(Capex, "capex", r"\bcapex\b|\bcapital\s+(?:expenditure|spending)|\bspend|\binvest"),
    KindInfo(PriceLevel, "prices", r"\bprice|\blow\b|\bhigh\b|\btrade[ds]?\s+at|\bworth\b"),
    KindInfo(RateDecision, "rate decisions", r"\brates?\b|\bdecide|\bdecision|\bhike|\bcut\b|\bhold\b"),
    KindInfo(
        Metric, "other metrics", r"\bweight|\bcash\s+flow|\bvaluation|\bgrowth|\brevenue|\bmargin|\bratio"
    ),
    KindInfo(Quote, "quotes", r"\bsay|\bsaid|\bcomment|\bview|\bthink|\bquote"),
)
KINDS: dict[str, KindInfo] = {info.kind: info for info in REGISTRY}
FACT_KINDS: tuple[FactKind, ...] = tuple(info.kind for info in REGISTRY)
NUMERIC_KINDS = tuple(k for k in FACT_KINDS if k != "quote")
MOVE_KINDS: tuple[FactKind, ...] = tuple(info.kind for info in REGISTRY if info.asset_class)
KIND_OF_CLASS: dict[str, FactKind] = {info.asset_class: info.kind for info in REGISTRY if info.asset_class}
if set(FACT_KINDS) != set(get_args(FactKind)):  # pragma: no cover - a kind added to one list only
    raise RuntimeError("assistant.facts: REGISTRY and FactKind disagree; register the kind in both")


class FactExtractor(Protocol):
    """Finds facts in an article; every fact returned must be grounded in the article's text."""

    name: str

    def extract(self, article: Article) -> list[Fact]:
        """Facts of the article, each with span such that article.text[span] == evidence."""
        ...


def is_grounded(fact: FactBase, text: str) -> bool:
    """True when the fact's span lies in text and covers exactly its evidence."""
    return (
        0 <= fact.span.start < fact.span.end <= len(text)
        and text[fact.span.start : fact.span.end] == fact.evidence
    )


def _pct(value: float | None, signed: bool = True) -> str:
    """A percentage for display."""
    if value is None:
        return ""
    return f"{value:+.2f}%" if signed else f"{value:.2f}%"


def _usd(value: float | None) -> str:
    """A dollar amount for display, in B or T when large."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if amount >= scale:
            return f"{sign}${amount / scale:,.4g}{suffix}"
    return f"{sign}${amount:,.2f}".replace(".00", "")


def describe(fact: Fact) -> str:
    """The fact's numbers in a short human form ("+3.50%", "$650B", "hold 3.50–3.75%")."""
    if isinstance(fact, MoveFact):
        return _describe_move(fact)
    if isinstance(fact, Capex):
        amount = _usd(fact.amount_usd) or f"{_usd(fact.amount_usd_low)}–{_usd(fact.amount_usd_high)}"
        yoy = f", {_pct(fact.yoy_pct)} y/y" if fact.yoy_pct is not None else ""
        return f"{amount}{yoy}" + (f" ({fact.capex_kind})" if fact.capex_kind else "")
    if isinstance(fact, PriceLevel):
        price = _usd(fact.price) if fact.currency == "USD" else f"{fact.price:,.2f} {fact.currency}"
        return price + (f" ({fact.qualifier})" if fact.qualifier else "")
    if isinstance(fact, RateDecision):
        levels = [f"{v:.2f}" for v in (fact.rate_low, fact.rate_high) if v is not None]
        change = f" ({fact.change_bp:+g} bp)" if fact.change_bp is not None else ""
        return f"{fact.action} {'–'.join(dict.fromkeys(levels))}%{change}" if levels else fact.action + change
    if isinstance(fact, Metric):
        shown = {"pct": lambda v: _pct(v, signed=False), "usd": _usd, "ratio": lambda v: f"{v:g}x"}.get(
            fact.unit, lambda v: f"{v:,g}"
        )
        value = (
            shown(fact.value)
            if fact.value is not None
            else f"{shown(fact.value_low)}–{shown(fact.value_high)}"
        )
        extra = "".join(
            f", {label} {shown(v)}"
            for label, v in (("from", fact.previous), ("vs expected", fact.expected))
            if v is not None
        )
        return f"{fact.metric}: {value}{extra}"
    affiliation = f" ({fact.affiliation})" if fact.affiliation else ""
    return f"{fact.speaker}{affiliation}"


def _describe_move(fact: MoveFact) -> str:
    """A move's numbers: "+3.50% +120.50 pts to 4,512.1 (as much as)"."""
    parts = [_pct(fact.change_pct)]
    if fact.points is not None:
        parts.append(f"{fact.points:+,.2f} pts")
    if fact.change_bp is not None:
        parts.append(f"{fact.change_bp:+g} bp")
    if fact.level is not None:
        unit = fact.unit or ""
        parts.append(
            f"at {fact.level:,.4g}{unit}" if unit == "%" else f"at {fact.level:,.6g} {unit}".rstrip()
        )
    if fact.qualifier:
        parts.append(f"({fact.qualifier})")
    return " ".join(p for p in parts if p)
