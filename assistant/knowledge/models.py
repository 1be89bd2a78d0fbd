"""Pydantic models of the knowledge data files: strict (unknown keys are errors) and immutable."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Text = Annotated[str, StringConstraints(min_length=1)]
Code = Annotated[str, StringConstraints(pattern=r"^[^\s<>]+$")]  # as written inside "<...>", without them
Polarity = Literal[-1, 0, 1]
Part = Literal["verb", "noun", "adverb"]
Role = Literal["bank", "broker", "asset manager", "research"]


class Strict(BaseModel):
    """A model that refuses unknown keys and cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------------------ entities


class EntityFields(Strict):
    """The keys every entity row may carry."""

    name: Text
    aliases: tuple[Text, ...] = ()
    pending_aliases: tuple[Text, ...] = ()  # known here (and to verification), not yet to the Lexicon
    variants: tuple[Text, ...] = ()  # other proper names of the same thing, reported as written
    ticker: Text | None = None
    codes: tuple[Code, ...] = ()  # instrument codes: ".SPX", "LCOc1", "US10YT=RR"
    members: tuple[Text, ...] = ()  # canonical names of companies (groups)
    owner: Text | None = None  # the company that owns a product
    family: Text | None = None  # the word questions use for an index family ("Russell", "S&P")


class RowIn(EntityFields):
    """An entity row as written; unset fold, lexicon and class come from its file's header."""

    fold: bool | None = None
    lexicon: bool | None = None
    asset_class: Text | None = Field(default=None, alias="class")


class EntityFile(Strict):
    """An entity file: the defaults of its header and its rows."""

    kind: Text  # names.py's entity kind for the rows ("index", "asset" ...)
    asset_class: Text = Field(alias="class")
    fold: bool = False  # match without case
    lexicon: bool = True  # rows feed names.py's Lexicon
    shared_aliases: tuple[Text, ...] = ()  # aliases several rows of the file may claim on purpose
    row: tuple[RowIn, ...]


class EntityRow(EntityFields):
    """One entity of a topic with its file's defaults applied."""

    topic: str  # the file's stem: "indexes", "commodities" ...
    kind: str
    asset_class: str  # "index", "sector", "commodity", "currency", "bond", "crypto" ...
    fold: bool
    lexicon: bool

    def names(self) -> tuple[str, ...]:
        """Every way the data names this entity: canonical name, aliases, variants, pending aliases."""
        return (self.name, *self.aliases, *self.variants, *self.pending_aliases)


# --------------------------------------------------------------------------------- firms, vocabulary


class FirmRow(Strict):
    """A bank, broker, fund house or research firm (a company of companies.toml)."""

    name: Text
    role: Role


class FirmFile(Strict):
    """firms.toml."""

    row: tuple[FirmRow, ...]


class VocabularyRule(Strict):
    """How questions say something, the canonical names it stands for, the words articles use."""

    pattern: Text
    names: tuple[Text, ...] = ()
    terms: tuple[Text, ...] = ()
    specific: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        """The pattern must be a valid regular expression."""
        try:
            re.compile(pattern)
        except re.error as err:
            raise ValueError(f"not a regular expression: {err}") from None
        return pattern


class VocabularyFile(Strict):
    """vocabulary.toml."""

    rule: tuple[VocabularyRule, ...]


# ---------------------------------------------------------------------------------------- questions

AnswerType = Literal["figure", "cause", "who", "comparison", "list", "day", "quote", "general"]
Expects = Literal["money", "pct", "count", "level", "move", "amount", "any", "none"]


def _regex(pattern: str) -> str:
    """The pattern, when it is a valid regular expression."""
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValueError(f"not a regular expression: {err}") from None
    return pattern


class FormRow(Strict):
    """A question shape: its pattern, the answer type it asks for and the figure an answer states."""

    pattern: Text
    type: AnswerType
    expects: Expects = "any"

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, pattern: str) -> str:
        """The pattern must compile."""
        return _regex(pattern)


class AttributeRow(Strict):
    """Something asked about an entity: how questions say it, how articles say it, its kinds and figure."""

    name: Text
    ask: Text
    terms: tuple[Text, ...]
    kinds: tuple[Text, ...] = ()
    expects: Expects = "any"
    counts: Text | None = None  # for counted attributes: what a count must be followed by ("jobs")
    context: bool = False

    @field_validator("ask")
    @classmethod
    def _ask(cls, pattern: str) -> str:
        """The question pattern must compile."""
        return _regex(pattern)

    @field_validator("terms")
    @classmethod
    def _terms(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        """Every text pattern must compile."""
        return tuple(_regex(p) for p in patterns)


class QuestionWords(Strict):
    """Capitalised words of questions that are not names, place words used as adjectives, cause words."""

    capitals: tuple[Text, ...] = ()  # "CEO", "GDP", "Q3": written in capitals, name no thing
    places: tuple[Text, ...] = ()  # "U.S.", "UK": before a noun they say where, not what
    causes: tuple[Text, ...] = ()  # patterns of words that state a cause ("due to", "hurt by")

    @field_validator("causes")
    @classmethod
    def _causes(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        """Every cause pattern must compile."""
        return tuple(_regex(p) for p in patterns)


class PeriodWords(Strict):
    """How texts name a reporting period: quarter and half ordinals, and whole-year phrases."""

    ordinals: dict[str, int] = Field(default_factory=dict)  # "third" -> 3 ("third quarter", "first half")
    whole_year: tuple[Text, ...] = ()  # patterns: "full[- ]year", "fiscal[- ]year"

    @field_validator("whole_year")
    @classmethod
    def _whole(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        """Every whole-year pattern must compile."""
        return tuple(_regex(p) for p in patterns)

    @field_validator("ordinals")
    @classmethod
    def _ordinals(cls, ordinals: dict[str, int]) -> dict[str, int]:
        """Quarters and halves are numbered 1 to 4."""
        bad = [k for k, v in ordinals.items() if not 1 <= v <= 4]
        if bad:
            raise ValueError(f"ordinals out of 1..4: {bad}")
        return ordinals


class QuestionsFile(Strict):
    """questions.toml: question forms in order, attributes in order of precedence, plain words, periods."""

    form: tuple[FormRow, ...]
    attribute: tuple[AttributeRow, ...]
    words: QuestionWords = QuestionWords()
    period: PeriodWords = PeriodWords()


# ---------------------------------------------------------------------------- numbers, calendar, verbs


class NumberWord(Strict):
    """A number written as a word."""

    word: Text
    value: int = Field(ge=0)


class Scale(Strict):
    """A multiplier word and its abbreviations ("billion", "bn", "b")."""

    word: Text
    value: int = Field(gt=1)
    abbreviations: tuple[Text, ...] = ()


class Numbers(Strict):
    """numbers.toml: number words and scales."""

    words: tuple[NumberWord, ...] = Field(alias="word")
    scales: tuple[Scale, ...] = Field(alias="scale")

    @model_validator(mode="after")
    def _unique(self) -> Numbers:
        """No word or abbreviation twice."""
        _no_repeats([w.word for w in self.words] + [s.word for s in self.scales], "word")
        _no_repeats([a for s in self.scales for a in s.abbreviations], "abbreviation")
        return self

    def multipliers(self) -> dict[str, int]:
        """Scale words and abbreviations (lower case) to their values."""
        return {w: s.value for s in self.scales for w in (s.word, *s.abbreviations)}


class Month(Strict):
    """A month: name, number 1-12, abbreviations."""

    name: Text
    number: int = Field(ge=1, le=12)
    abbreviations: tuple[Text, ...] = ()


class Weekday(Strict):
    """A weekday: name, number 0 (Monday) to 6 (Sunday), abbreviations."""

    name: Text
    number: int = Field(ge=0, le=6)
    abbreviations: tuple[Text, ...] = ()


class RelativeDay(Strict):
    """A word for a day relative to the article's date ("yesterday" = -1)."""

    word: Text
    offset: int


class Calendar(Strict):
    """calendar.toml: months, weekdays, relative day words."""

    months: tuple[Month, ...] = Field(alias="month")
    weekdays: tuple[Weekday, ...] = Field(alias="weekday")
    relative_days: tuple[RelativeDay, ...] = Field(alias="relative_day")

    @model_validator(mode="after")
    def _complete(self) -> Calendar:
        """Every month and weekday exactly once; no word twice."""
        if sorted(m.number for m in self.months) != list(range(1, 13)):
            raise ValueError("months must be numbered 1 to 12, each once")
        if sorted(d.number for d in self.weekdays) != list(range(7)):
            raise ValueError("weekdays must be numbered 0 to 6, each once")
        days: tuple[Month | Weekday, ...] = (*self.months, *self.weekdays)
        words = [w for x in days for w in (x.name, *x.abbreviations)]
        _no_repeats(words + [r.word for r in self.relative_days], "word")
        return self


class VerbSet(Strict):
    """Move words of one direction and part of speech."""

    polarity: Polarity
    part: Part
    words: tuple[Text, ...]

    @field_validator("words")
    @classmethod
    def _lower(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        """Words are written in lower case."""
        upper = [w for w in words if w != w.lower()]
        if upper:
            raise ValueError(f"write words in lower case: {upper}")
        return words


class VerbsFile(Strict):
    """verbs.toml."""

    sets: tuple[VerbSet, ...] = Field(alias="set")

    @model_validator(mode="after")
    def _unique(self) -> VerbsFile:
        """A word appears at most once per part of speech."""
        _no_repeats([f"{w} ({s.part})" for s in self.sets for w in s.words], "word")
        return self


class VerbRow(Strict):
    """One move word: its direction (+1 up, -1 down, 0 flat) and part of speech."""

    word: str
    polarity: Polarity
    part: Part


def _no_repeats(items: list[str], what: str) -> None:
    """Raise when an item (case-folded) appears twice."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for item in items:
        if item.casefold() in seen:
            repeated.add(item)
        seen.add(item.casefold())
    if repeated:
        raise ValueError(f"{what} given more than once: {sorted(repeated)}")


# ------------------------------------------------------------------------------------------- lexical


class LexicalFile(Strict):
    """lexical.toml: the words lexical search leaves out of a query."""

    stop_words: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z']+$")], ...]
