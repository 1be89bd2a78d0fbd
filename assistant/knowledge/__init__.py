"""Domain knowledge as data: the names of market things, and the words of numbers, dates and moves.

Each topic is one TOML file in `data/` (the comment at the top of each file lists its keys), validated
by the pydantic models of `assistant.knowledge.models` when first used, then cached.  A typo in a file
is a `KnowledgeError` that names the file and the row.  Adding an index, a company or a commodity is one
row in one file.

Entity topics (`ENTITY_TOPICS`) hold rows with a name, aliases, instrument codes and an asset class;
a file's header gives the defaults of its rows (`kind`, `class`, `fold`, `lexicon`) and may list
`shared_aliases` (aliases several rows claim on purpose; any other alias belongs to one row only).
Rows with `lexicon = true` are the ones `assistant.extraction.names` matches in texts; the others are
known here only (`instruments()`, `by_code()`).  Every function takes an optional `data_dir` (a folder
laid out like `data/`; tests point it at a copy).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.knowledge.models import (
    AttributeRow,
    Calendar,
    EntityFile,
    EntityRow,
    FirmFile,
    FirmRow,
    FormRow,
    LexicalFile,
    Numbers,
    PeriodWords,
    QuestionsFile,
    QuestionWords,
    RowIn,
    VerbRow,
    VerbsFile,
    VocabularyFile,
    VocabularyRule,
)

__all__ = [
    "DATA_DIR",
    "ENTITY_TOPICS",
    "OTHER_FILES",
    "AttributeRow",
    "Calendar",
    "EntityRow",
    "FirmRow",
    "FormRow",
    "KnowledgeError",
    "Numbers",
    "VerbRow",
    "VocabularyRule",
    "attributes",
    "by_code",
    "calendar",
    "check",
    "entities",
    "entity",
    "firms",
    "instrument_by_code",
    "instruments",
    "numbers",
    "question_forms",
    "question_words",
    "stop_words",
    "verbs",
    "vocabulary",
]

DATA_DIR = Path(__file__).with_name("data")
# in the order names.py builds its tables (the first entity to claim an alias keeps it)
ENTITY_TOPICS = (
    "indexes",
    "sectors",
    "companies",
    "groups",
    "crypto",
    "commodities",
    "banks",
    "products",
    "currencies",
    "bonds",
)
OTHER_FILES = ("firms", "vocabulary", "questions", "numbers", "calendar", "verbs", "lexical")

_M = TypeVar("_M", bound=BaseModel)


class KnowledgeError(ValueError):
    """A knowledge data file that is missing, not TOML, or not valid; the message names the file."""


# ------------------------------------------------------------------------------------- reading files


def _folder(data_dir: Path | str | None) -> Path:
    """The data folder to read: the one given, else the package's."""
    return Path(data_dir) if data_dir is not None else DATA_DIR


def _read(path: Path) -> dict[str, Any]:
    """A TOML file's contents."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise KnowledgeError(f"{path.name}: no such data file in {path.parent}") from None
    except tomllib.TOMLDecodeError as err:
        raise KnowledgeError(f"{path.name}: not valid TOML: {err}") from None


def _load(model: type[_M], path: Path) -> _M:
    """A file validated by its model; every problem reported with the file, the row and the key."""
    data = _read(path)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(_problem(data, dict(e)) for e in err.errors())
        raise KnowledgeError(f"{path.name}: {problems}") from None


def _problem(data: dict[str, Any], error: dict[str, Any]) -> str:
    """One validation error as 'row 3 ("S&P 500"): aliasses: Extra inputs are not permitted'."""
    loc = list(error["loc"])
    where = []
    if len(loc) >= 2 and isinstance(loc[1], int):
        where.append(f"{loc[0]} {loc[1] + 1}{_label(data, str(loc[0]), loc[1])}")
        loc = loc[2:]
    key = ".".join(str(part) for part in loc)
    return ": ".join([*where, *([key] if key else []), str(error["msg"])])


def _label(data: dict[str, Any], table: str, index: int) -> str:
    """' ("S&P 500")' for a row with a name (or word, or pattern), else ''."""
    rows = data.get(table)
    row = rows[index] if isinstance(rows, list) and index < len(rows) else None
    if not isinstance(row, dict):
        return ""
    label = row.get("name") or row.get("word") or row.get("pattern")
    return f' ("{label}")' if isinstance(label, str) else ""


# ------------------------------------------------------------------------------------------ entities


def _resolved(topic: str, file: EntityFile, row: RowIn) -> EntityRow:
    """A row with its file's defaults (kind, class, fold, lexicon) applied."""
    fields = row.model_dump(exclude={"fold", "lexicon", "asset_class"})
    return EntityRow(
        **fields,
        topic=topic,
        kind=file.kind,
        asset_class=row.asset_class or file.asset_class,
        fold=file.fold if row.fold is None else row.fold,
        lexicon=file.lexicon if row.lexicon is None else row.lexicon,
    )


def _check_unique(path: Path, rows: tuple[EntityRow, ...], shared: frozenset[str]) -> None:
    """No two rows of a file share a name, an alias (unless listed as shared) or a code."""
    owner: dict[str, str] = {}
    for row in rows:
        for name in dict.fromkeys(n.casefold() for n in row.names()):
            other = owner.setdefault(name, row.name)
            if other != row.name and name not in shared:
                raise KnowledgeError(
                    f"{path.name}: {name!r} names both {other!r} and {row.name!r} "
                    "(list it in shared_aliases if that is intended)"
                )
    codes: dict[str, str] = {}
    for row in rows:
        for code in row.codes:
            if codes.setdefault(code, row.name) != row.name:
                raise KnowledgeError(f"{path.name}: code {code!r} of both {codes[code]!r} and {row.name!r}")


@cache
def _topic(topic: str, folder: Path) -> tuple[EntityRow, ...]:
    """One entity file's rows, validated, defaults applied, names and codes unique within it."""
    if topic not in ENTITY_TOPICS:
        raise KnowledgeError(f"unknown topic {topic!r}: one of {', '.join(ENTITY_TOPICS)}")
    path = folder / f"{topic}.toml"
    file = _load(EntityFile, path)
    rows = tuple(_resolved(topic, file, row) for row in file.row)
    _check_unique(path, rows, frozenset(a.casefold() for a in file.shared_aliases))
    return rows


def _company_names(folder: Path) -> frozenset[str]:
    """Canonical names of companies.toml."""
    return frozenset(row.name for row in _topic("companies", folder))


@cache
def _entities(topic: str, folder: Path) -> tuple[EntityRow, ...]:
    """A topic's rows, with their references to companies (group members, product owners) checked."""
    rows = _topic(topic, folder)
    companies = _company_names(folder) if any(r.members or r.owner for r in rows) else frozenset()
    for row in rows:
        for name in (*row.members, *((row.owner,) if row.owner else ())):
            if name not in companies:
                raise KnowledgeError(
                    f"{topic}.toml: {row.name!r} refers to {name!r}, which is no company of companies.toml"
                )
    return rows


def entities(topic: str, data_dir: Path | str | None = None) -> tuple[EntityRow, ...]:
    """The rows of one entity topic ("indexes", "companies" ...), in file order."""
    return _entities(topic, _folder(data_dir))


def instruments(data_dir: Path | str | None = None) -> tuple[EntityRow, ...]:
    """Every row of every entity topic, with its asset class and codes (lexicon rows or not)."""
    return tuple(row for topic in ENTITY_TOPICS for row in entities(topic, data_dir))


@cache
def _by_code(folder: Path) -> Mapping[str, EntityRow]:
    """Code -> row over every topic; a code claimed twice is an error naming both files."""
    table: dict[str, EntityRow] = {}
    for row in instruments(folder):
        for code in row.codes:
            other = table.setdefault(code, row)
            if other is not row:
                raise KnowledgeError(
                    f"{row.topic}.toml: code {code!r} of {row.name!r} is also "
                    f"{other.name!r}'s in {other.topic}.toml"
                )
    return MappingProxyType(table)


def by_code(data_dir: Path | str | None = None) -> Mapping[str, EntityRow]:
    """Instrument code (case-sensitive, as written without angle brackets: ".STI") -> its row."""
    return _by_code(_folder(data_dir))


def instrument_by_code(code: str, data_dir: Path | str | None = None) -> EntityRow | None:
    """The row an instrument code names ("<.STI>" or ".STI"), or None."""
    return by_code(data_dir).get(code.strip().removeprefix("<").removesuffix(">"))


def entity(name: str, data_dir: Path | str | None = None) -> EntityRow | None:
    """The first row (in topic order) whose canonical name is this one, exactly."""
    return next((row for row in instruments(data_dir) if row.name == name), None)


# ------------------------------------------------------------------------------- firms and vocabulary


@cache
def _firms(folder: Path) -> tuple[FirmRow, ...]:
    """firms.toml, every firm a company of companies.toml."""
    rows = _load(FirmFile, folder / "firms.toml").row
    missing = [row.name for row in rows if row.name not in _company_names(folder)]
    if missing:
        raise KnowledgeError(f"firms.toml: not companies of companies.toml: {missing}")
    return rows


def firms(data_dir: Path | str | None = None) -> tuple[FirmRow, ...]:
    """Banks, brokers, fund houses and research firms: often the source of someone else's number."""
    return _firms(_folder(data_dir))


def _expanded(words: tuple[str, ...], folder: Path) -> tuple[str, ...]:
    """Names or terms with each "*Group" replaced by the group's members."""
    groups = {row.name: row.members for row in _entities("groups", folder)}
    out: list[str] = []
    for word in words:
        if not word.startswith("*"):
            out.append(word)
        elif groups.get(word[1:]):
            out.extend(groups[word[1:]])
        else:
            raise KnowledgeError(f"vocabulary.toml: {word!r}: no group with members of that name")
    return tuple(out)


@cache
def _vocabulary(folder: Path) -> tuple[VocabularyRule, ...]:
    """vocabulary.toml, group members expanded, every name a canonical name of an entity."""
    known = {row.name for topic in ENTITY_TOPICS for row in _entities(topic, folder)}
    rules = []
    for rule in _load(VocabularyFile, folder / "vocabulary.toml").rule:
        names = _expanded(rule.names, folder)
        unknown = [name for name in names if name not in known]
        if unknown:
            raise KnowledgeError(f"vocabulary.toml: rule {rule.pattern!r}: no entity named {unknown}")
        rules.append(rule.model_copy(update={"names": names, "terms": _expanded(rule.terms, folder)}))
    return tuple(rules)


def vocabulary(data_dir: Path | str | None = None) -> tuple[VocabularyRule, ...]:
    """The question vocabulary rules, in order, "*Group" already replaced by the group's members."""
    return _vocabulary(_folder(data_dir))


@cache
def _questions(folder: Path) -> QuestionsFile:
    """questions.toml (assistant.question checks the attributes' kinds against the fact registry)."""
    return _load(QuestionsFile, folder / "questions.toml")


def question_forms(data_dir: Path | str | None = None) -> tuple[FormRow, ...]:
    """Question shapes in order: the first that matches gives the answer type and the expected figure."""
    return _questions(_folder(data_dir)).form


def question_words(data_dir: Path | str | None = None) -> QuestionWords:
    """Capitalised question words that name nothing, and place words used as adjectives."""
    return _questions(_folder(data_dir)).words


def period_words(data_dir: Path | str | None = None) -> PeriodWords:
    """Quarter and half ordinals and whole-year phrases."""
    return _questions(_folder(data_dir)).period


def attributes(data_dir: Path | str | None = None) -> tuple[AttributeRow, ...]:
    """What questions ask about an entity, in order: question words, article words, kinds, figure."""
    return _questions(_folder(data_dir)).attribute


# ---------------------------------------------------------------------------- numbers, calendar, verbs


@cache
def _numbers(folder: Path) -> Numbers:
    """numbers.toml."""
    return _load(Numbers, folder / "numbers.toml")


def numbers(data_dir: Path | str | None = None) -> Numbers:
    """Number words ("twenty" -> 20) and scales ("billion", "bn", "b" -> 10**9)."""
    return _numbers(_folder(data_dir))


@cache
def _calendar(folder: Path) -> Calendar:
    """calendar.toml."""
    return _load(Calendar, folder / "calendar.toml")


def calendar(data_dir: Path | str | None = None) -> Calendar:
    """Months and weekdays with their abbreviations, and the relative day words."""
    return _calendar(_folder(data_dir))


@cache
def _verbs(folder: Path) -> tuple[VerbRow, ...]:
    """verbs.toml, one row per word and part of speech."""
    sets = _load(VerbsFile, folder / "verbs.toml").sets
    return tuple(VerbRow(word=w, polarity=s.polarity, part=s.part) for s in sets for w in s.words)


def verbs(data_dir: Path | str | None = None) -> tuple[VerbRow, ...]:
    """Move words with their polarity (+1 up, -1 down, 0 flat) and part ("verb", "noun", "adverb")."""
    return _verbs(_folder(data_dir))


@cache
def _lexical(folder: Path) -> LexicalFile:
    """lexical.toml."""
    return _load(LexicalFile, folder / "lexical.toml")


def stop_words(data_dir: Path | str | None = None) -> tuple[str, ...]:
    """The words lexical search does not rank by."""
    return _lexical(_folder(data_dir)).stop_words


def check(data_dir: Path | str | None = None) -> None:
    """Load and cross-check every data file; raise KnowledgeError at the first problem."""
    folder = _folder(data_dir)
    unknown = sorted(p.name for p in folder.glob("*.toml") if p.stem not in ENTITY_TOPICS + OTHER_FILES)
    if unknown:
        raise KnowledgeError(f"{', '.join(unknown)}: data files no topic reads")
    by_code(folder)
    firms(folder)
    vocabulary(folder)
    attributes(folder)
    numbers(folder)
    calendar(folder)
    verbs(folder)
    stop_words(folder)
