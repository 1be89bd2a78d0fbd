"""The growth benchmark's corpus: dated wire briefs about invented companies, indexes, central banks,
brokers and tokens, and the questions asked of them (benchmarks/scale.py); each block of items is a pure
function of (seed, block number)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from assistant.models import article_id_for
from ingest.clean import clean_text
from ingest.pipeline import BATCH_ARTICLES

FIRST_DAY = date(2024, 1, 1)
DAYS = 731  # 2024-01-01 .. 2025-12-31
STRIDE = 389  # coprime with DAYS: consecutive blocks land months apart, so even 1k passages span two years
BLOCK = BATCH_ARTICLES  # items per Ingestor.run: one wire's items of one day, embedded in one batch
QUESTION_BLOCKS = 12  # questions are about the first 576 items, present at every measured size
QUESTIONS = 60

ONSETS = (
    "B", "Br", "C", "Ch", "D", "Dr", "F", "G", "Gr", "H", "K", "Kr", "L", "M", "N", "P", "Pl", "Qu", "R", "S",
    "St", "T", "Th", "Tr", "V", "Z",
)  # fmt: skip
VOWELS = ("a", "e", "i", "o", "u", "ae", "ia", "ou", "y", "ei")
CODAS = ("r", "rv", "n", "l", "x", "k", "th", "st", "nd", "m", "v", "z", "lt", "rk")
ENDINGS = ("ik", "ara", "on", "ex", "ium", "is", "ent", "ora", "an", "el", "ix", "yn", "ar", "ica", "o", "us")
SUFFIXES = {
    "Semiconductor": "technology", "Cloud": "technology", "Software": "technology", "Systems": "technology",
    "Energy": "energy", "Petroleum": "energy", "Bancorp": "financials", "Financial": "financials",
    "Insurance": "financials", "Logistics": "industrials", "Aerospace": "industrials",
    "Industries": "industrials", "Therapeutics": "healthcare", "Medical": "healthcare",
    "Biosciences": "healthcare", "Retail": "consumer discretionary", "Motors": "consumer discretionary",
    "Foods": "consumer staples", "Brands": "consumer staples", "Mining": "materials",
    "Chemicals": "materials", "Steel": "materials", "Power": "utilities", "Water": "utilities",
    "Realty": "real estate",
    "Properties": "real estate", "Telecom": "communication services", "Media": "communication services",
}  # fmt: skip
SECTORS = sorted(set(SUFFIXES.values()))
INDEX_KINDS = (
    "500", "Small-Cap 2000", "Tech 100", "Composite", "All-Share", "Mid-Cap 400", "50", "Banks index",
)  # fmt: skip
FIRM_KINDS = ("Capital", "Securities", "Partners", "Research", "Asset Management", "& Co", "Advisors")
FIRST_NAMES = (
    "Maya", "Daniel", "Priya", "Tomasz", "Hannah", "Luca", "Grace", "Omar", "Ingrid", "Kenji", "Amara",
    "Felix", "Sofia", "Rafael", "Yuki", "Nadia", "Elliot", "Chiara", "Mateo", "Leila", "Aron", "Beatrix",
)  # fmt: skip
ROLES = ("chief market strategist", "head of equities", "portfolio manager", "senior analyst", "economist")
COMMODITIES = (
    ("gold", "an ounce", 1900, 3400), ("silver", "an ounce", 21, 39), ("copper", "a tonne", 7800, 11500),
    ("Brent crude", "a barrel", 58, 96), ("natural gas", "per million British thermal units", 1.8, 4.9),
    ("wheat", "a bushel", 4.9, 7.4), ("iron ore", "a tonne", 88, 140), ("nickel", "a tonne", 14500, 21000),
    ("coffee", "a pound", 1.8, 4.2), ("lithium carbonate", "a tonne", 8800, 16500),
)  # fmt: skip
CURRENCIES = ("the euro", "the yen", "sterling", "the Swiss franc", "the Australian dollar", "the rupee")
UP = ("rose", "climbed", "gained", "advanced", "jumped", "rallied")
DOWN = ("fell", "slid", "dropped", "declined", "sank", "retreated")
THEMES = (
    "worries about the cost of AI infrastructure", "hopes of lower borrowing costs", "a stronger dollar",
    "softer consumer spending", "a rebound in factory orders", "fresh tariff threats", "rising bond yields",
    "a rotation out of crowded growth stocks", "better-than-expected payrolls",
    "weak guidance from chipmakers",
    "a drop in oil prices", "concerns over commercial property loans", "a surprise jump in inflation",
    "easing supply-chain pressure", "a slowdown in housing starts", "record buyback announcements",
    "election uncertainty", "a cooling labour market", "strong retail sales", "a widening trade deficit",
)  # fmt: skip
REASONS_UP = (
    "it raised its full-year profit forecast", "a rival agreed to a takeover at a {p}% premium",
    "it announced a ${b} billion share buyback", "regulators approved its flagship drug",
    "it won a defence contract worth ${m} million", "quarterly sales beat estimates by {p}%",
    "an activist investor disclosed a {p}% stake", "it cut {n} jobs to lift margins",
    "demand for its data-centre products doubled", "it settled a long-running patent dispute",
)  # fmt: skip
REASONS_DOWN = (
    "it cut its full-year profit forecast", "its chief executive resigned unexpectedly",
    "regulators opened a probe into its accounting", "quarterly sales missed estimates by {p}%",
    "it delayed its flagship product launch", "a fire halted output at its largest plant",
    "it warned that tariffs would cost ${m} million this year", "its biggest customer cut orders",
    "it plans to raise ${b} billion in new shares", "a short seller questioned its revenue",
)  # fmt: skip
T = TypeVar("T")
SOURCES = ("Meridian Wire", "The Ledger Desk", "Northgate Markets Daily", "Castra Times", "Tickerline")


@dataclass(frozen=True)
class Company:
    """An invented listed company."""

    name: str
    ticker: str
    sector: str


@dataclass(frozen=True)
class World:
    """The invented names the items are written about."""

    companies: list[Company]
    indexes: list[str]
    banks: list[str]
    firms: list[str]
    people: list[str]
    tokens: list[tuple[str, float, float]]


@dataclass(frozen=True)
class Item:
    """One wire item: its text, the question it answers (if any) and its kind."""

    text: str
    label: str
    question: str | None = None
    kind: str = ""


@dataclass(frozen=True)
class Query:
    """A benchmark question, the article it is about and the date range it is asked with (if any)."""

    text: str
    article_id: str
    since: date | None = None
    until: date | None = None


def root(rng: random.Random) -> str:
    """An invented proper name such as Quorvik."""
    return (rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) + rng.choice(ENDINGS)).capitalize()


def roots(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    """n distinct invented names not already taken."""
    found: list[str] = []
    while len(found) < n:
        name = root(rng)
        if name not in taken:
            taken.add(name)
            found.append(name)
    return found


def make_world(seed: int) -> World:
    """The invented companies, indexes, banks, brokers, analysts and tokens of a seed."""
    rng = random.Random(f"world:{seed}")
    taken: set[str] = set()
    companies = [
        Company(f"{name} {suffix}", name[:4].upper(), SUFFIXES[suffix])
        for name in roots(rng, 4000, taken)
        for suffix in [rng.choice(list(SUFFIXES))]
    ]
    indexes = [f"{name} {rng.choice(INDEX_KINDS)}" for name in roots(rng, 32, taken)]
    places = roots(rng, 24, taken)
    banks = [f"the Central Bank of {p}" if n % 2 else f"the {p} Reserve Bank" for n, p in enumerate(places)]
    firms = [f"{name} {rng.choice(FIRM_KINDS)}" for name in roots(rng, 60, taken)]
    people = [f"{rng.choice(FIRST_NAMES)} {name}" for name in roots(rng, 120, taken)]
    tokens = [
        (f"{name}coin" if n % 2 else f"the {name} token", low, low * rng.uniform(2, 5))
        for n, (name, low) in enumerate(
            (name, rng.choice((0.5, 3.0, 40.0, 900.0, 21000.0))) for name in roots(rng, 16, taken)
        )
    ]
    return World(companies, indexes, banks, firms, people, tokens)


def spoken(day: date) -> str:
    """A date as wire copy writes it: March 3, 2025."""
    return f"{day:%B} {day.day}, {day.year}"


class Pen:
    """Random choices and number formats for writing one day's items."""

    def __init__(self, rng: random.Random, world: World, day: date) -> None:
        self.rng = rng
        self.world = world
        self.day = day

    def pick(self, options: Sequence[T]) -> T:
        """One of the options."""
        return self.rng.choice(options)

    def pct(self, low: float = 0.1, high: float = 6.0) -> str:
        """A percentage with two decimals."""
        return f"{self.rng.uniform(low, high):.2f}%"

    def company(self) -> Company:
        """One of the invented companies."""
        return self.pick(self.world.companies)

    def when(self) -> str:
        """The publication day as the item names it: a weekday (a quarter of the time) or a full date."""
        if self.rng.random() < 0.25:
            return f"on {self.day:%A}"
        return f"on {spoken(self.day)}"

    def reason(self, up: bool) -> str:
        """Why a share moved, with its own figures."""
        text = self.pick(REASONS_UP if up else REASONS_DOWN)
        rng = self.rng
        return text.format(
            p=rng.randint(3, 40), b=rng.randint(1, 20), m=rng.randint(20, 900), n=rng.randint(2, 9) * 100
        )

    def analyst(self) -> str:
        """An invented analyst with role and firm."""
        return f"{self.pick(self.world.people)}, {self.pick(ROLES)} at {self.pick(self.world.firms)}"


Story = tuple[str, list[str], str | None]  # headline, sentences (the first one carries the news), question


def share_move(pen: Pen) -> Story:
    """A company's shares move on news."""
    c, up = pen.company(), pen.rng.random() < 0.5
    verb = pen.pick(UP if up else DOWN)
    sentences = [
        f"{c.name} <{c.ticker}> shares {verb} {pen.pct(1.5, 19.0)} {pen.when()} after {pen.reason(up)}.",
        f"The {c.sector} company's stock closed at ${pen.rng.uniform(4, 480):.2f}.",
    ]
    question = f"Why did {c.name} shares {'rise' if up else 'fall'} on {spoken(pen.day)}?"
    return f"{c.name} shares {verb}", sentences, question


def results(pen: Pen) -> Story:
    """A company's quarterly results."""
    c = pen.company()
    quarter = pen.pick(("first", "second", "third", "fourth"))
    revenue = pen.rng.uniform(0.3, 60)
    sentences = [
        f"{c.name} reported {quarter}-quarter revenue of ${revenue:.2f} billion {pen.when()}, "
        f"{pen.pick(('up', 'down'))} {pen.pct(1, 30)} from a year earlier.",
        f"It {pen.pick(('raised', 'cut', 'kept'))} its full-year outlook.",
    ]
    question = f"What {quarter}-quarter revenue did {c.name} report on {spoken(pen.day)}?"
    return f"{c.name} {quarter}-quarter revenue ${revenue:.1f} billion", sentences, question


def index_close(pen: Pen) -> Story:
    """An index's daily close and what drove it."""
    index = pen.pick(pen.world.indexes)
    lead, lag = pen.rng.sample(SECTORS, 2)
    verb = pen.pick(UP + DOWN)
    sentences = [
        f"The {index} {verb} {pen.pct(0.1, 3.5)} {pen.when()} to {pen.rng.uniform(900, 9800):,.2f} "
        f"as {pen.pick(THEMES)} set the tone.",
        f"{lead.capitalize()} led and {lag} lagged.",
    ]
    question = f"How did the {index} close on {spoken(pen.day)}?"
    return f"{index} {verb}", sentences, question


def rate_decision(pen: Pen) -> Story:
    """A central bank's rate decision."""
    bank = pen.pick(pen.world.banks)
    low = pen.rng.choice((1.5, 2.0, 2.25, 2.75, 3.0, 3.5, 4.0, 4.25, 4.75, 5.25))
    action = pen.pick(("held", "cut", "raised"))
    sentences = [
        f"{bank[0].upper()}{bank[1:]} {action} its policy rate {pen.when()} to a range of {low:.2f}% to "
        f"{low + 0.25:.2f}%.",
        f"It said inflation of {pen.pct(1.5, 5.5)} was {pen.pick(('too high', 'easing', 'near target'))}.",
    ]
    question = f"What did {bank} decide on rates on {spoken(pen.day)}?"
    return f"{bank.removeprefix('the ')} {action} rates", sentences, question


def capex(pen: Pen) -> Story:
    """A company's spending plan."""
    c = pen.company()
    amount, year = pen.rng.randint(1, 90), pen.day.year + 1
    thing = pen.pick(("data centres", "new plants", "its network", "AI chips", "store upgrades", "new mines"))
    sentences = [
        f"{c.name} plans to spend ${amount} billion on {thing} in {year}, it said {pen.when()}.",
        f"{pen.analyst()} expects free cash flow to fall {pen.pct(5, 40)}.",
    ]
    question = f"How much does {c.name} plan to spend on {thing} in {year}?"
    return f"{c.name} lifts spending", sentences, question


def rating(pen: Pen) -> Story:
    """A broker's rating change and price target."""
    c, firm = pen.company(), pen.pick(pen.world.firms)
    up = pen.rng.random() < 0.5
    grade = pen.pick(("buy", "overweight", "outperform") if up else ("sell", "underweight", "neutral"))
    sentences = [
        f"{firm} {'upgraded' if up else 'downgraded'} {c.name} to {grade} {pen.when()} with a price target "
        f"of ${pen.rng.uniform(8, 600):.0f}.",
        f"The shares {pen.pick(UP if up else DOWN)} {pen.pct(0.5, 7.0)}.",
    ]
    question = f"What price target did {firm} give {c.name} on {spoken(pen.day)}?"
    return f"{firm} {'upgrades' if up else 'downgrades'} {c.name}", sentences, question


def deal(pen: Pen) -> Story:
    """One company agrees to buy another."""
    buyer, target = pen.company(), pen.company()
    sentences = [
        f"{buyer.name} agreed {pen.when()} to buy {target.name} for ${pen.rng.uniform(0.2, 45):.1f} billion "
        "in cash.",
        f"{target.name} shares jumped {pen.pct(5, 40)}.",
    ]
    question = f"How much will {buyer.name} pay for {target.name}?"
    return f"{buyer.name} to buy {target.name}", sentences, question


def commodity(pen: Pen) -> Story:
    """A commodity's or a token's price move."""
    if pen.rng.random() < 0.6:
        name, unit, low, high = pen.pick(COMMODITIES)
        level = f"${pen.rng.uniform(low, high):,.2f} {unit}"
    else:
        name, low, high = pen.pick(pen.world.tokens)
        level = f"${pen.rng.uniform(low, high):,.2f}"
    up = pen.rng.random() < 0.5
    verb = pen.pick(UP if up else DOWN)
    sentences = [
        f"{name[0].upper()}{name[1:]} {verb} {pen.pct(0.5, 9.0)} {pen.when()} to {level} as traders cited "
        f"{pen.pick(THEMES)}.",
        f"It is the {'highest' if up else 'lowest'} level in {pen.rng.randint(2, 20)} months.",
    ]
    question = f"Why did {name} {'rise' if up else 'fall'} on {spoken(pen.day)}?"
    return f"{name[0].upper()}{name[1:]} {verb}", sentences, question


def strategist(pen: Pen) -> Story:
    """A strategist's view (no question: a distractor)."""
    theme = pen.pick(THEMES)
    sentences = [
        f"{pen.analyst()} said {pen.when()} that {theme} would keep {pen.pick(SECTORS)} under pressure.",
        f"{pen.pick(CURRENCIES).capitalize()} {pen.pick(UP + DOWN)} {pen.pct(0.1, 1.5)} against the dollar.",
    ]
    return f"Strategist cautious on {pen.pick(SECTORS)}", sentences, None


WRITERS: tuple[Callable[[Pen], Story], ...] = (
    share_move, share_move, share_move, results, results, index_close, index_close, rate_decision,
    capex, rating, deal, commodity, commodity, strategist,
)  # fmt: skip


def wire_item(pen: Pen, label: str) -> Item:
    """One item: mostly a one- or two-sentence brief (one passage), one in ten a five-story round-up."""
    writer = pen.pick(WRITERS)
    headline, sentences, question = writer(pen)
    if pen.rng.random() < 0.1:
        others = [" ".join(pen.pick(WRITERS)(pen)[1]) for _ in range(4)]
        return Item(f"Markets round-up: {headline}\n\n" + "\n\n".join([" ".join(sentences), *others]), label)
    body = " ".join(sentences if pen.rng.random() < 0.3 else sentences[:1])
    return Item(f"{headline}\n\n{body}", label, question, writer.__name__)


def block_day(block: int) -> date:
    """The publication day of a block: consecutive blocks land months apart over the two years."""
    return FIRST_DAY + timedelta(days=(block * STRIDE) % DAYS)


def wire_block(world: World, seed: int, block: int) -> tuple[date, str, list[Item]]:
    """Block number `block`: its day, its wire and its items; the same for the same seed."""
    rng = random.Random(f"block:{seed}:{block}")
    day = block_day(block)
    pen = Pen(rng, world, day)
    items = [wire_item(pen, f"scale-{block:05d}-{n:02d}") for n in range(BLOCK)]
    return day, rng.choice(SOURCES), items


def make_queries(world: World, seed: int, blocks: int) -> list[Query]:
    """QUESTIONS questions about items of the first blocks, kinds in turn; every third with a date range."""
    by_kind: dict[str, list[tuple[Item, date]]] = {}
    for block in range(blocks):
        day, _source, items = wire_block(world, seed, block)
        for item in items:
            if item.question:
                by_kind.setdefault(item.kind, []).append((item, day))
    rng = random.Random(f"questions:{seed}")
    for pool in by_kind.values():
        rng.shuffle(pool)
    picked: list[tuple[Item, date]] = []
    while len(picked) < QUESTIONS and any(by_kind.values()):
        for kind in sorted(by_kind):
            if by_kind[kind] and len(picked) < QUESTIONS:
                picked.append(by_kind[kind].pop())
    queries = []
    for n, (item, day) in enumerate(picked):
        assert item.question is not None
        aid = article_id_for(clean_text(item.text))
        if n % 3 == 2:
            half = (15, 45, 180)[(n // 3) % 3]  # ranges of a month, a quarter, a year around the day
            queries.append(Query(item.question, aid, day - timedelta(days=half), day + timedelta(days=half)))
        else:
            queries.append(Query(item.question, aid))
    return queries
