"""Deterministic synthetic market news about invented companies, indexes and banks, for benchmarks.

`synthetic_articles(n, seed)` returns n distinct articles dated 2025-09-01 to 2026-02-27, of 80 words or
more (median about 160; round-ups of several stories run longer): market wraps, results, capex plans,
rate decisions, commodity and crypto moves, sector scoreboards and strategist notes written from varied
sentence patterns, as realistic distractors for retrieval over real market news; the same seed gives the
same list.  No real company, index or person is named; sectors, commodities and currencies are real.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

PREFIXES = (
    "Brightwater", "Kestrel", "Orrin", "Vantor", "Calder", "Pellam", "Quillon", "Ashgrove", "Tarrant",
    "Merrow", "Solvane", "Dunmore", "Halvorsen", "Greyfield", "Norcastle", "Elmstead", "Rivenhall",
    "Corvane", "Lindqvist", "Maplethorpe",
)  # fmt: skip
SUFFIXES = {
    "Semiconductor": "technology", "Cloud Systems": "technology", "Software": "technology",
    "Energy": "energy", "Petroleum": "energy", "Bancorp": "financials", "Insurance": "financials",
    "Logistics": "industrials", "Aerospace": "industrials", "Therapeutics": "healthcare",
    "Medical": "healthcare", "Retail": "consumer discretionary", "Motors": "consumer discretionary",
    "Foods": "consumer staples", "Mining": "materials", "Chemicals": "materials", "Power": "utilities",
    "Realty": "real estate", "Telecom": "communication services",
}  # fmt: skip
INDEXES = (
    "Meridian 500", "Harbor Small-Cap 2000", "Northline Tech 100", "Atlas Composite",
    "Crestview Equal-Weight index", "Eurovale 350", "Pacifica 225", "Tarrant Mid-Cap 400",
)  # fmt: skip
BANKS = (
    "the Central Bank of Norland", "the Valdorian Reserve Bank", "the Monetary Authority of Castra",
    "the Bank of Estmark",
)  # fmt: skip
PEOPLE = (
    "Maya Okafor", "Daniel Reyes-Holt", "Priya Lindgren", "Tomasz Vell", "Hannah Oyelaran", "Luca Ferrand",
    "Grace Whitcombe", "Omar Haddadi", "Ingrid Sauer", "Kenji Morrow",
)  # fmt: skip
FIRMS = (
    "Thornbury Capital", "Elling & Co", "Ridgeway Partners", "Bellmont Securities",
    "Ostrava Asset Management", "Kingsmere Research", "Harwell Wealth", "Portland Square Advisors",
)  # fmt: skip
ROLES = ("chief market strategist", "head of equities", "portfolio manager", "senior analyst", "economist")
SOURCES = ("Meridian Wire", "The Ledger Desk", "Northgate Markets Daily", "Castra Times", "Tickerline")
ASSETS = (
    ("gold", "an ounce", 1800, 2900), ("copper", "a tonne", 7800, 11000), ("Brent crude", "a barrel", 55, 95),
)  # fmt: skip
TOKENS = (("Lumen token", 0.8, 4.0), ("Orbitcoin", 18000, 52000), ("Vela", 40, 190))
SECTORS = sorted(set(SUFFIXES.values()))
UP = ("rose", "climbed", "gained", "advanced", "jumped", "rallied")
DOWN = ("fell", "slid", "dropped", "declined", "sank", "retreated")
THEMES = (
    "worries about the cost of AI infrastructure", "hopes of lower borrowing costs", "a stronger dollar",
    "softer consumer spending", "a rebound in factory orders", "fresh tariff threats",
    "rising bond yields", "a rotation out of crowded growth stocks", "better-than-expected payrolls",
    "weak guidance from chipmakers", "a drop in oil prices", "concerns over commercial property loans",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIRST_DAY = date(2025, 9, 1)
DAYS = 180
MIN_WORDS = 80


class Pen:
    """Random choices and number formats shared by the article writers."""

    def __init__(self, rng: random.Random, day: date) -> None:
        self.rng = rng
        self.day = day

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        """One of the options."""
        return self.rng.choice(options)

    def pct(self, low: float = 0.1, high: float = 6.0) -> str:
        """A percentage with two decimals."""
        return f"{self.rng.uniform(low, high):.2f}%"

    def company(self) -> tuple[str, str, str]:
        """An invented company: name, ticker, sector."""
        prefix, suffix = self.pick(PREFIXES), self.pick(list(SUFFIXES))
        ticker = (prefix[:3] + suffix[0]).upper()
        return f"{prefix} {suffix}", ticker, SUFFIXES[suffix]

    def person(self) -> str:
        """An invented analyst with role and firm."""
        return f"{self.pick(PEOPLE)}, {self.pick(ROLES)} at {self.pick(FIRMS)}"

    def when(self) -> str:
        """The trading day of the event (the publication day or the one before) as a weekday or a date."""
        event = self.day - timedelta(days=self.rng.choice((0, 1)))
        while event.weekday() > 4:
            event -= timedelta(days=1)
        if self.rng.random() < 0.5:
            return f"on {WEEKDAYS[event.weekday()]}"
        return f"on {event.strftime('%B')} {event.day}"

    def quote(self, topic: str) -> str:
        """A remark by an invented analyst, quoted or reported."""
        who = f"{self.pick(PEOPLE)} of {self.pick(FIRMS)}"
        return self.pick(
            (
                f'"We think {topic} will dominate the next quarter," said {self.person()}.',
                f'"The market is still digesting {topic}, and that takes time," {who} said.',
                f"According to {self.person()}, {topic} has changed how clients think about risk.",
                f'"Nobody wants to be the last one holding the trade," said {who}, pointing to {topic}.',
            )
        )


def market_wrap(pen: Pen) -> tuple[str, list[str]]:
    """A daily index wrap: the benchmark, small caps, leading and lagging sectors, yields."""
    index, small, other = pen.rng.sample(INDEXES, 3)
    theme = pen.pick(THEMES)
    lead, lag = pen.rng.sample(SECTORS, 2)
    up = pen.rng.random() < 0.6
    verb = pen.pick(UP if up else DOWN)
    title = f"{index} {verb} as investors weigh {theme.split(' ', 1)[1]}"
    paragraphs = [
        f"The {index} {verb} {pen.pct(0.2, 3.5)} {pen.when()}, closing at "
        f"{pen.rng.uniform(3000, 9000):,.2f}, as {theme} set the tone. The {small} {pen.pick(UP)} "
        f"{pen.pct(0.1, 4.0)}, while the {other} {pen.pick(DOWN)} {pen.pct(0.1, 2.0)}.",
        f"{lead[0].upper()}{lead[1:]} led the gains, up {pen.pct(0.5, 4.0)}, and {lag} lagged with a "
        f"{pen.pct(0.3, 3.0)} loss. Trading volume was {pen.rng.randint(5, 40)}% above its 30-day average.",
        f"The 10-year yield of Estmark moved to {pen.rng.uniform(2.5, 5.2):.3f}% and the dollar "
        f"{pen.pick(UP + DOWN)} against the euro. {pen.quote(theme)}",
    ]
    if pen.rng.random() < 0.5:
        paragraphs.append(
            f"Breadth was {pen.pick(('strong', 'weak', 'mixed'))}: {pen.rng.randint(120, 420)} members "
            f"of the {index} finished higher and {pen.rng.randint(60, 380)} lower."
        )
    return title, paragraphs


def results(pen: Pen) -> tuple[str, list[str]]:
    """A company's quarterly results and the share move that followed."""
    name, ticker, sector = pen.company()
    quarter = pen.pick(("first", "second", "third", "fourth"))
    revenue = pen.rng.uniform(0.4, 60)
    beat = pen.rng.random() < 0.5
    move = pen.pick(UP) if beat else pen.pick(DOWN)
    title = f"{name} shares {move} after {quarter}-quarter results"
    paragraphs = [
        f"{name} <{ticker}> shares {move} {pen.pct(1.0, 18.0)} {pen.when()} after the {sector} company "
        f"reported {quarter}-quarter revenue of ${revenue:.2f} billion, "
        f"{'up' if pen.rng.random() < 0.7 else 'down'} {pen.pct(1, 30)} from a year earlier.",
        f"Analysts had expected ${revenue * pen.rng.uniform(0.9, 1.1):.2f} billion. Operating margin "
        f"came in at {pen.pct(5, 35)}, and the company {pen.pick(('raised', 'cut', 'kept'))} its "
        "full-year outlook.",
        pen.quote(pen.pick(THEMES)),
    ]
    if pen.rng.random() < 0.5:
        paragraphs.append(
            f"The stock is {pen.pick(('up', 'down'))} {pen.pct(2, 45)} this year, against a move of "
            f"{pen.pct(1, 15)} in the {pen.pick(INDEXES)}."
        )
    return title, paragraphs


def capex(pen: Pen) -> tuple[str, list[str]]:
    """A group of companies' spending plans and what investors make of them."""
    names = list(dict.fromkeys(pen.company()[0] for _ in range(4)))
    total = pen.rng.randint(40, 600)
    year = pen.pick(("2026", "2027"))
    title = f"{' and '.join(names[:2])} lift spending plans for {year}"
    paragraphs = [
        f"{', '.join(names[:-1])} and {names[-1]} plan to spend a combined ${total} billion on data centres "
        f"and equipment in {year}, up from about ${int(total * pen.rng.uniform(0.5, 0.9))} billion a year "
        f"earlier, according to company filings.",
        f"Free cash flow at the group could fall {pen.pct(5, 40)} as a result, estimated {pen.person()}. "
        f"{names[0]} alone expects capital expenditure of ${pen.rng.randint(5, total // 2)} billion.",
        pen.quote("the payback on these investments"),
    ]
    return title, paragraphs


def rate_decision(pen: Pen) -> tuple[str, list[str]]:
    """A central bank's rate decision and the market's reaction."""
    bank = pen.pick(BANKS)
    low = pen.rng.choice((1.5, 2.0, 2.25, 2.75, 3.0, 3.5, 4.0, 4.25))
    action = pen.pick(("held", "cut", "raised"))
    title = f"{bank.removeprefix('the ')} {action} rates at {pen.day:%B} meeting"
    paragraphs = [
        f"T{bank[1:]} {action} its policy rate {pen.when()}, leaving it in a range of {low:.2f}% to "
        f"{low + 0.25:.2f}%, after {pen.pick(('two', 'three', 'four'))} moves last year.",
        f"Policymakers voted {pen.rng.randint(5, 9)} to {pen.rng.randint(0, 3)}; the statement said "
        f"inflation of {pen.pct(1.5, 5.5)} was {pen.pick(('still too high', 'easing', 'close to target'))}.",
        f"Money markets now price in {pen.pick(('one', 'two', 'three'))} more moves by year-end. "
        f"The {pen.pick(INDEXES)} {pen.pick(UP + DOWN)} {pen.pct(0.1, 1.8)} after the decision. "
        + pen.quote("the path of rates"),
    ]
    return title, paragraphs


def commodity(pen: Pen) -> tuple[str, list[str]]:
    """A commodity's or a token's price move, level and drivers."""
    if pen.rng.random() < 0.5:
        name, unit, low, high = pen.pick(list(ASSETS))  # type: ignore[arg-type]
        level = f"${pen.rng.uniform(low, high):,.2f} {unit}"
    else:
        name, low, high = pen.pick(list(TOKENS))  # type: ignore[arg-type]
        level = f"${pen.rng.uniform(low, high):,.2f}"
    up = pen.rng.random() < 0.5
    verb = pen.pick(UP if up else DOWN)
    title = f"{name[0].upper()}{name[1:]} {verb} to {level}"
    paragraphs = [
        f"{name[0].upper()}{name[1:]} {verb} {pen.pct(0.5, 9.0)} {pen.when()} to {level}, its "
        f"{'highest' if up else 'lowest'} level in {pen.rng.randint(2, 20)} months, as {pen.pick(THEMES)} "
        f"rippled through markets.",
        f"Traders cited {pen.pick(THEMES)}. Positioning data showed speculative holdings at a "
        f"{pen.rng.randint(3, 30)}-week {'high' if up else 'low'}. {pen.quote('the swings in ' + name)}",
        f"Over the month, {name} is {pen.pick(('up', 'down'))} {pen.pct(1, 25)}, and implied volatility "
        f"stands at {pen.rng.uniform(12, 80):.1f}%.",
    ]
    return title, paragraphs


def scoreboard(pen: Pen) -> tuple[str, list[str]]:
    """A sector scoreboard for one session."""
    index = pen.pick(INDEXES)
    order = pen.rng.sample(SECTORS, 6)
    title = f"Sector scoreboard: {order[0]} leads the {index}"
    moves = [f"{s} {'+' if n < 3 else '-'}{pen.pct(0.1, 3.5)}" for n, s in enumerate(order)]
    paragraphs = [
        f"{order[0][0].upper()}{order[0][1:]} led the {index} {pen.when()}, while {order[-1]} brought "
        f"up the rear, as {pen.pick(THEMES)} drove a rotation between groups.",
        "Session moves: " + "; ".join(moves) + ".",
        f"The equal-weighted version of the {index} {pen.pick(UP + DOWN)} {pen.pct(0.1, 2.0)}, a sign that "
        f"{pen.pick(('smaller members', 'the largest names', 'defensive groups'))} did the heavy lifting.",
    ]
    return title, paragraphs


def strategist(pen: Pen) -> tuple[str, list[str]]:
    """A strategist's note on positioning and the outlook."""
    theme, who = pen.pick(THEMES), pen.person()
    title = f"Strategists split on {theme.split(' ', 1)[1]}"
    paragraphs = [
        f"{who} told clients that {theme} would keep {pen.pick(SECTORS)} under pressure, and recommended an "
        f"{pen.pick(('overweight', 'underweight'))} position in {pen.pick(SECTORS)}.",
        f"The largest ten members now make up {pen.pct(20, 40)} of the {pen.pick(INDEXES)}, against "
        f"{pen.pct(15, 30)} five years ago. {pen.quote(theme)}",
        f"Emerging markets {pen.pick(UP + DOWN)} {pen.pct(1, 12)} over the month, and the "
        f"{pen.pick(INDEXES)} is {pen.pick(('up', 'down'))} {pen.pct(1, 20)} year to date.",
    ]
    return title, paragraphs


WRITERS: tuple[Callable[[Pen], tuple[str, list[str]]], ...] = (
    market_wrap,
    market_wrap,
    results,
    results,
    capex,
    rate_decision,
    commodity,
    scoreboard,
    strategist,
)


def synthetic_article(rng: random.Random, number: int) -> dict[str, str]:
    """One article: doc (a file name), title, published (ISO date), source and text (title first)."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    pen = Pen(rng, day)
    title, paragraphs = rng.choice(WRITERS)(pen)
    while rng.random() < 0.4 or sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        paragraphs += rng.choice(WRITERS)(pen)[1]  # a second story, as wire round-ups have
    text = title + "\n\n" + "\n\n".join(paragraphs)
    return {
        "doc": f"synthetic-{number:05d}.txt",
        "title": title,
        "published": day.isoformat(),
        "source": rng.choice(SOURCES),
        "text": text,
    }


def synthetic_articles(n: int, seed: int) -> list[dict[str, str]]:
    """n distinct synthetic market articles, the same for the same seed."""
    rng = random.Random(seed)
    articles: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(articles) < n:
        article = synthetic_article(rng, len(articles))
        if article["text"] not in seen:
            seen.add(article["text"])
            articles.append(article)
    return articles
