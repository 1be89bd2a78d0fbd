"""The LLM fact extractor: structured JSON facts from a chat model, kept only when their evidence aligns."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

import prompts
from assistant.extraction.align import align
from assistant.facts import (
    FACT_ADAPTER,
    FACT_KINDS,
    REGISTRY,
    Fact,
    FactBase,
    FactKind,
    is_grounded,
)
from assistant.figures import SCALE_WORDS, SCALES
from assistant.llm import ChatModel, LLMResponseError, parse_json
from assistant.models import Article, Span
from assistant.settings import Settings

PROMPT = "extract_facts"
PLACEHOLDERS = {"title", "published", "text", "kinds"}
WINDOW_CHARS = 6000
WINDOW_OVERLAP = 600
CONFIDENCE = {"exact": 0.7, "fuzzy": 0.6}
MAX_EVIDENCE_CHARS = 1000  # evidence is a clause or a sentence or two, never a whole section

MODELS: dict[str, type[FactBase]] = {info.kind: info.model for info in REGISTRY}
COMMON = {"article_id", "span", "evidence", "subject", "as_of", "extractor", "confidence", "kind"}
NUMBER_FIELDS = frozenset(
    {"change_pct", "points", "level", "amount_usd", "amount_usd_low", "amount_usd_high", "yoy_pct", "price"}
    | {"rate_low", "rate_high", "change_bp", "value", "value_low", "value_high", "previous", "expected"}
)
TEXT_FIELDS = (
    "period", "qualifier", "ticker", "code", "currency", "unit", "metric", "speaker", "affiliation", "role",
)  # fmt: skip
USD_FIELDS = frozenset({"amount_usd", "amount_usd_low", "amount_usd_high"})
METRIC_VALUE_FIELDS = frozenset({"value", "value_low", "value_high", "previous", "expected"})
LOWER_FIELDS = frozenset({"capex_kind", "action", "unit"})
METRIC_UNITS = {"%": "pct", "percent": "pct", "percentage": "pct", "$": "usd", "dollars": "usd"}
METRIC_UNITS |= {"x": "ratio", "times": "ratio", "number": "count"}
BP_WORDS = {25.0: "quarter", 50.0: "half", 75.0: "three-quarter", 100.0: "percentage point"}

_NUMBER_TEXT = re.compile(rf"(-?\d+(?:\.\d+)?)\s*({SCALE_WORDS}|bps|bp|basis points?)?", re.IGNORECASE)
_EVIDENCE_NUMBER = re.compile(rf"(\d+(?:,\d{{3}})*(?:\.\d+)?)(?:\s*({SCALE_WORDS})\b)?", re.IGNORECASE)


class Dropped(Exception):
    """A raw fact the extractor refuses, with the reason."""


class LLMExtractor:
    """Facts from a chat model; each kept fact's evidence is re-anchored to an exact span of the article."""

    name = "llm"

    def __init__(
        self,
        chat: ChatModel,
        settings: Settings,
        kinds: Sequence[FactKind] = FACT_KINDS,
        window_chars: int = WINDOW_CHARS,
        overlap_chars: int = WINDOW_OVERLAP,
    ) -> None:
        if not 0 <= overlap_chars < window_chars // 2:
            raise ValueError("overlap_chars must be less than half of window_chars")
        self.chat = chat
        self.threshold = settings.align_threshold
        self.kinds = tuple(kinds)
        self.window_chars = window_chars
        self.overlap_chars = overlap_chars
        self.template = prompts.load(PROMPT, PLACEHOLDERS)
        self.schema = fact_schema(self.kinds)
        self.last_dropped = 0
        self.last_drop_reasons: list[str] = []

    def extract(self, article: Article) -> list[Fact]:
        """Grounded facts of the article; refused raw facts are counted in last_dropped, last_drop_reasons."""
        self.last_dropped, self.last_drop_reasons = 0, []
        if not article.text.strip():
            return []
        facts: dict[str, Fact] = {}
        for offset, window in windows(article.text, self.window_chars, self.overlap_chars):
            for fact in self._extract_window(article, offset, window):
                facts.setdefault(fact.id, fact)
        return sorted(facts.values(), key=lambda f: (f.span.start, f.span.end, f.kind))

    def messages(self, article: Article, window: str) -> list[dict[str, str]]:
        """The chat messages asking for the facts of one window of the article."""
        published = article.meta.published.isoformat() if article.meta.published else "unknown"
        title = article.meta.title or "(untitled)"
        kinds = ", ".join(self.kinds)
        prompt = self.template.format(title=title, published=published, text=window, kinds=kinds)
        return [{"role": "user", "content": prompt}]

    def _extract_window(self, article: Article, offset: int, window: str) -> list[Fact]:
        """Ask the model about one window and keep the facts that survive parsing and alignment."""
        try:
            document = self.chat.structured(self.messages(article, window), self.schema)
        except LLMResponseError as exc:
            raise LLMResponseError(f"{exc}, or set NEWSDESK_LLM_EXTRACTION=false") from exc
        kept: list[Fact] = []
        for number, raw in enumerate(facts_in(document), start=1):
            try:
                kept.append(self._fact(raw, article, offset, window))
            except Dropped as reason:
                self.last_dropped += 1
                self.last_drop_reasons.append(f"fact {number} at offset {offset}: {reason}")
        return kept

    def _fact(self, raw: object, article: Article, offset: int, window: str) -> Fact:
        """One raw fact as a grounded, validated fact; raises Dropped otherwise."""
        if not isinstance(raw, dict):
            raise Dropped(f"not a JSON object: {_short(raw)}")
        kind = raw.get("kind")
        if kind not in self.kinds:
            raise Dropped(f"unknown kind {kind!r}")
        evidence = raw.get("evidence")
        if not isinstance(evidence, str) or not evidence.strip():
            raise Dropped(f"{kind} without evidence")
        if len(evidence) > MAX_EVIDENCE_CHARS:
            raise Dropped(f"{kind} evidence longer than {MAX_EVIDENCE_CHARS} characters")
        found = align(evidence, window, self.threshold)
        if found is None:
            raise Dropped(f"{kind} evidence not in the text: {_short(evidence)}")
        span = Span(start=found.span.start + offset, end=found.span.end + offset)
        grounded = span.of(article.text)
        fields = _fields(kind, raw, grounded)
        subject = _subject(raw, fields)
        if kind == "quote":
            fields.setdefault("speaker", subject)
        data = {
            **fields,
            "kind": kind,
            "article_id": article.id,
            "span": span,
            "evidence": grounded,
            "subject": subject,
            "as_of": _date(raw.get("date", raw.get("as_of"))),
            "extractor": self.name,
            "confidence": CONFIDENCE[found.status],
        }
        try:
            fact = FACT_ADAPTER.validate_python(data)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"][1:]) or kind
            raise Dropped(f"invalid {kind}: {where}: {problem['msg']}") from None
        _check_numbers(fields, grounded)
        if not is_grounded(fact, article.text):  # pragma: no cover - align guarantees it
            raise Dropped(f"{kind} evidence span does not match the text")
        return fact


def fact_schema(kinds: Sequence[str] = FACT_KINDS) -> dict[str, Any]:
    """The JSON schema of the model's reply: {"facts": [...]}, one flat object per fact."""
    number: dict[str, Any] = {"type": ["number", "null"]}
    text: dict[str, Any] = {"type": ["string", "null"]}
    fields: dict[str, Any] = {name: number for name in sorted(NUMBER_FIELDS)}
    fields |= {name: text for name in TEXT_FIELDS}
    fields |= {
        "members": {"type": "array", "items": {"type": "string"}},
        "capex_kind": {"enum": ["plan", "estimate", "projection", "actual", None]},
        "action": {"enum": ["hold", "cut", "hike", None]},
    }
    item = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": list(kinds)},
            "subject": {"type": "string"},
            "evidence": {"type": "string", "description": "verbatim passage of the article text"},
            "date": {"type": ["string", "null"], "description": "YYYY-MM-DD"},
            **fields,
        },
        "required": ["kind", "subject", "evidence"],
    }
    return {
        "title": "market_facts",
        "type": "object",
        "properties": {"facts": {"type": "array", "items": item}},
        "required": ["facts"],
    }


def windows(text: str, size: int = WINDOW_CHARS, overlap: int = WINDOW_OVERLAP) -> list[tuple[int, str]]:
    """Overlapping (offset, window) pieces of text, cut at paragraph, sentence or word breaks."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while True:
        end = len(text) if len(text) - start <= size else _cut_before(text, start + size // 2, start + size)
        pieces.append((start, text[start:end]))
        if end >= len(text):
            return pieces
        start = _start_after(text, end - overlap, end)


def _cut_before(text: str, low: int, high: int) -> int:
    """The last paragraph, sentence or word break in [low, high), else high."""
    for pattern in ("\n", ". ", " "):
        at = text.rfind(pattern, low, high)
        if at != -1:
            return at + len(pattern)
    return high


def _start_after(text: str, low: int, high: int) -> int:
    """The first sentence or word start in [low, high), else low."""
    for pattern in ("\n", ". ", " "):
        at = text.find(pattern, low, high)
        if at != -1 and at + len(pattern) < high:
            return at + len(pattern)
    return low


def parse_reply(reply: str) -> list[Any]:
    """The raw facts of a reply's text: {"facts": [...]} or a bare list, code fences tolerated."""
    return facts_in(parse_json(reply), reply)


def facts_in(document: Any, reply: object = None) -> list[Any]:
    """The raw facts of a parsed reply: {"facts": [...]} or a bare list; else an error showing the reply."""
    facts = document.get("facts") if isinstance(document, dict) else document
    if not isinstance(facts, list):
        shown = document if reply is None else reply
        raise LLMResponseError(
            f"the LLM did not reply with a JSON list of facts ({_short(shown)}): use a model that follows "
            "JSON schemas, or set NEWSDESK_LLM_EXTRACTION=false"
        )
    return facts


def to_number(value: object) -> float | None:
    """A JSON value as a float: numbers as they are; strings like "-1.4%", "$2.5 billion", "6,150.25"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, str):
        cleaned = value.strip().replace("\u2212", "-").replace(",", "").replace("$", "").replace("%", "")
        match = _NUMBER_TEXT.fullmatch(cleaned.lstrip("+").strip())
        if match is None:
            raise ValueError(f"not a number: {value!r}")
        number = float(match.group(1)) * SCALES.get((match.group(2) or "").lower(), 1.0)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _fields(kind: str, raw: dict[str, Any], evidence: str) -> dict[str, Any]:
    """The kind's own fields from a raw fact, normalised; raises Dropped on unreadable numbers."""
    wanted = set(MODELS[kind].model_fields) - COMMON
    fields: dict[str, Any] = {}
    for name in sorted(wanted & raw.keys()):
        try:
            value = _field(name, raw[name])
        except ValueError as exc:
            raise Dropped(f"invalid {kind}: {name}: {exc}") from None
        if value is not None:
            fields[name] = value
    if kind == "metric" and isinstance(fields.get("unit"), str):
        fields["unit"] = METRIC_UNITS.get(fields["unit"], fields["unit"])
    money = USD_FIELDS | (METRIC_VALUE_FIELDS if fields.get("unit") == "usd" else frozenset())
    for name in money & fields.keys():
        fields[name] = _scaled_by_evidence(fields[name], evidence)
    return fields


def _field(name: str, value: Any) -> Any:
    """One normalised field value (None for empty)."""
    if name in NUMBER_FIELDS:
        return to_number(value)
    if name == "members":
        names = value if isinstance(value, list) else []
        return tuple(_clean(m) for m in names if isinstance(m, str) and _clean(m)) or None
    if isinstance(value, str):
        cleaned = _clean(value)
        if name in LOWER_FIELDS:
            cleaned = cleaned.lower()
        return cleaned.upper() if name in ("ticker", "currency") else cleaned or None
    return value


def _subject(raw: dict[str, Any], fields: dict[str, Any]) -> str:
    """The fact's subject, whitespace-collapsed; a quote's speaker stands in for a missing subject."""
    subject = raw.get("subject")
    subject = _clean(subject) if isinstance(subject, str) else ""
    if not subject and isinstance(fields.get("speaker"), str):
        subject = fields["speaker"]
    if not subject:
        raise Dropped(f"{raw.get('kind')} without subject")
    return subject


def _clean(text: str) -> str:
    """Whitespace collapsed and trimmed."""
    return " ".join(text.split())


def _date(value: object) -> date | None:
    """An ISO date, or None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _evidence_numbers(evidence: str) -> list[float]:
    """Every number in the evidence, and its scaled value when a scale word follows ("2.5 billion")."""
    numbers: list[float] = []
    for match in _EVIDENCE_NUMBER.finditer(evidence):
        number = float(match.group(1).replace(",", ""))
        numbers.append(number)
        if match.group(2):
            numbers.append(number * SCALES[match.group(2).lower()])
    return numbers


def _scaled_by_evidence(value: float, evidence: str) -> float:
    """A dollar amount the model left unscaled (2.5 for "$2.5 billion") multiplied out as the text says."""
    for match in _EVIDENCE_NUMBER.finditer(evidence):
        if match.group(2) and math.isclose(abs(value), float(match.group(1).replace(",", ""))):
            return value * SCALES[match.group(2).lower()]
    return value


def _check_numbers(fields: dict[str, Any], evidence: str) -> None:
    """Raise Dropped when a figure of the fact does not appear in its evidence."""
    stated = _evidence_numbers(evidence)
    lowered = evidence.lower()
    for name in sorted(NUMBER_FIELDS & fields.keys()):
        value = abs(fields[name])
        if any(math.isclose(value, n, rel_tol=1e-6, abs_tol=1e-9) for n in stated):
            continue
        if name == "change_bp" and BP_WORDS.get(value, "\0") in lowered:
            continue
        raise Dropped(f"{name}={fields[name]:g} is not stated in the evidence {_short(evidence)}")


def _short(value: object, limit: int = 80) -> str:
    """A value for a one-line message."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
