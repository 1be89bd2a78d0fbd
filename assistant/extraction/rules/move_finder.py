"""Market moves in a sentence, found generically: a polarity lexicon of verbs, adverbs and nouns, the figures
(%, basis points, points, levels) they govern, and the subjects those figures belong to.

Shapes handled without one pattern per example: "X <X.N> fell 3%", "X is down 2.3%", "X, up by 8%",
"shares of X rose", "X's shares dropped", "a 2.6% fall in X", "X's 10% decline", "X and Y rose 1% and 2%,
respectively", "X, Y and Z gained more than 1%", "fell 120 points, or 1.2%, to 4,500", "fell 1.5 basis points
to 0.82%", "closed down 4% on the day, 17.7% for the year", "were 1.5% lower", and references ("the company",
"its shares", "the two companies") resolved from the sentences before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.extraction.names import Lexicon
from assistant.extraction.rules.move_words import (
    _AMOUNT,
    _APPOSITIVE,
    _AUX,
    _AUX_TAIL,
    _CLAUSE_BREAK,
    _FIGURE,
    _FORECAST,
    _GAP,
    _LEVEL_BEFORE_CUE,
    _NOT_A_MOVE_VERB,
    _PREPOSITION_BEFORE,
    _REFERENCE,
    _REPORTING,
    _SESSIONS,
    NOT_MARKET,
    Cues,
    Figure,
    _continues,
    _level_after,
    _period,
    _qualifier,
    cues,
    figures,
)
from assistant.extraction.rules.subjects import Subject, code_subjects, proper_subject, table_subjects


@dataclass
class Move:
    """One subject's move in one sentence, before it becomes a fact."""

    subject: Subject
    start: int  # evidence span in the sentence
    end: int
    sign: int
    change_pct: float | None = None
    change_bp: float | None = None
    points: float | None = None
    level: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    period: str | None = None


@dataclass
class MoveState:
    """What the move finder carries from one sentence to the next within an article."""

    last_of_class: dict[str, Subject] = field(
        default_factory=dict
    )  # "the company" -> last stock, "the index" ...
    last_any: Subject | None = None  # what "it" and "they" most likely refer to: the last subject that moved
    last_group: list[Subject] = field(default_factory=list)  # the subjects of the last sentence with moves


def subjects(text: str, lexicon: Lexicon) -> list[Subject]:
    """Subjects of a sentence, codes first; a table name inside a coded name is the same subject."""
    coded = code_subjects(text)
    known = [s for s in table_subjects(text, lexicon) if not any(c.start <= s.start < c.end for c in coded)]
    merged = sorted(coded + known, key=lambda s: (s.start, -s.end))
    out: list[Subject] = []
    for s in merged:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def _masked(text: str, subs: Sequence[Subject]) -> list[tuple[int, int]]:
    """Appositives after subjects (", the largest producer of X,"): what they name is not a subject."""
    spans = []
    for s in subs:
        m = _APPOSITIVE.match(text, s.end)
        if m:
            spans.append((s.end, m.end()))
    return spans


def _cue_before(text: str, fig: Figure, c: Cues) -> re.Match[str] | None:
    """The move word governing a figure from the left, if only hedges and "by" stand between."""
    window_start = max(0, fig.start - 80)
    best = None
    for m in c.before.finditer(text, window_start, fig.start):
        if _NOT_A_MOVE_VERB.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        if _GAP.match(text[m.end() : fig.start]):
            best = m
            break
    return best


def _polarity(word: str, c: Cues) -> int:
    """+1 or -1 (0 for flat words) of a move word as written."""
    return c.polarity.get(re.sub(r"\s+", " ", word.casefold()), 0)


def _linkable(gap: str) -> bool:
    """True when the text between a subject and its move word keeps the subject."""
    if len(gap) > 140 or _CLAUSE_BREAK.search(gap) or _FIGURE.search(gap) or _AMOUNT.search(gap):
        return False
    return not (NOT_MARKET.search(gap) or _REPORTING.search(gap)) or bool(_AUX.match(gap))


def _subject_before(
    text: str, at: int, subs: Sequence[Subject], masked: Sequence[tuple[int, int]]
) -> list[Subject]:
    """The subject (or list of subjects) a move word at `at` belongs to, looking left."""
    candidates = [s for s in subs if s.end <= at and not any(a <= s.start < b for a, b in masked)]
    while candidates and _PREPOSITION_BEFORE.search(text[: candidates[-1].start]) and len(candidates) > 1:
        candidates.pop()  # "X ... biggest loser on the STOXX 600, losing 6.5%": the index is not the subject
    if not candidates:
        return []
    last = candidates[-1]
    gap = text[last.end : at]
    for a, b in masked:
        if a >= last.end and b <= at:
            gap = gap.replace(text[a:b], " ")
    if not _linkable(gap):
        return []
    group = [last]
    for prev in reversed(candidates[:-1]):
        between = text[prev.end : group[0].start]
        for a, b in masked:
            if a >= prev.end and b <= group[0].start:
                between = between.replace(text[a:b], " ")
        if not re.fullmatch(r"\s*(?:,|,?\s*and|&|as well as)\s*(?:[a-z][\w-]*\s+){0,3}", between):
            break
        group.insert(0, prev)
    return group


def _open_subject(text: str, at: int, subs: Sequence[Subject], state: MoveState) -> list[Subject]:
    """A subject no table knows: a reference to an earlier one, or the proper noun right before the verb."""
    left = text[:at]
    ref = _REFERENCE.search(left)
    if ref and ref.group("pair") and len(state.last_group) >= 2:
        return [_moved(s, ref.start(), ref.end()) for s in state.last_group]
    if ref and (ref.group("it") or ref.group("index")):
        wanted = "index" if ref.group("index") else "stock"
        earlier = [s for s in subs if s.end <= ref.start() and s.asset_class == wanted]
        known = earlier[-1] if earlier else state.last_of_class.get(wanted)
        if known is None and ref.group("it") and ref.group("it").casefold() in ("it", "they", "its", "their"):
            known = state.last_any
        if known is not None:
            return [_moved(known, ref.start(), ref.end())]
    trimmed = _AUX_TAIL.sub("", left)
    found = proper_subject(text, len(trimmed))
    return [found] if found else []


def _moved(s: Subject, start: int, end: int) -> Subject:
    """An earlier subject, anchored at the words that refer to it here."""
    return Subject(start, end, s.name, s.asset_class, s.code, strong=False)


@dataclass
class _Group:
    """Figures governed by one move word, and where that word is."""

    sign: int
    at: int  # where the move word starts (verb before) or where the figure starts (noun after)
    mode: str  # "before" | "after" | "chain"
    figures: list[Figure]
    cue_end: int = 0


def _groups(text: str, figs: Sequence[Figure], c: Cues) -> list[_Group]:
    """Group the figures by the move word that governs them; a bare figure continues the group before."""
    groups: list[_Group] = []
    for fig in figs:
        cue = _cue_before(text, fig, c)
        last = groups[-1] if groups else None
        if cue is not None:
            if last is not None and last.mode == "before" and last.at == cue.start():
                last.figures.append(fig)
            else:
                groups.append(_Group(_polarity(cue.group("w"), c), cue.start(), "before", [fig], cue.end()))
            continue
        after = c.after.match(text, fig.end)
        if after is not None:
            groups.append(_Group(_polarity(after.group("w"), c), fig.start, "after", [fig], after.end()))
            continue
        if last is not None and _continues(text[last.figures[-1].end : fig.start]):
            last.figures.append(fig)
    return groups


def _merged(text: str, figs: Sequence[Figure]) -> list[list[Figure]]:
    """Figures of one move joined: "120 points, or 1.2%" and "15 bp, or 0.15%" are one move."""
    out: list[list[Figure]] = []
    for fig in figs:
        if (
            out
            and out[-1][-1].unit != fig.unit
            and re.fullmatch(r"\s*,?\s*or\s*", text[out[-1][-1].end : fig.start])
        ):
            out[-1].append(fig)
        else:
            out.append([fig])
    return out


def _subjects_for(
    text: str, group: _Group, subs: Sequence[Subject], masked: Sequence[tuple[int, int]], state: MoveState
) -> tuple[list[Subject], bool]:
    """Who moved: the subjects a group of figures belongs to, and whether the move before may lend its own."""
    if _FORECAST.search(text[max(0, group.at - 60) : group.at]):
        return [], False
    if group.mode == "after":
        follow = re.match(r"\s+(?:in|for|at|of|among)\s+(?![\d$€£¥])", text[group.cue_end :])
        if follow:
            return _subject_after(text, group.cue_end + follow.end(), subs), False
        possessive = re.search(r"(?:['’]|\ufffd+)s?\s+(?:(?:[\w-]+)\s+){0,2}$", text[: group.at])
        if possessive:
            owner = [s for s in subs if s.end == possessive.start()]
            return owner or [p for p in [proper_subject(text, possessive.start())] if p], False
        if _REPORTING.search(text[max(0, group.at - 60) : group.at]):
            return [], False
    found = _subject_before(text, group.at, subs, masked)
    return (found or _open_subject(text, group.at, subs, state)), True


def _subject_after(text: str, at: int, subs: Sequence[Subject]) -> list[Subject]:
    """The subject named after "a 2% fall in": a known one, else the first proper name within a few words."""
    window = text[at : at + 70]
    if NOT_MARKET.match(window.split(",")[0].split(" ", 1)[0] if window else ""):
        return []
    hit = [s for s in subs if at <= s.start < at + 50 and not re.search(r"[,;]", text[at : s.start])]
    if hit:
        owned = re.match(r"(?:['’]|\ufffd+)s?\s+(?:[\w-]+\s+){0,2}?(\w+)", text[hit[0].end :])
        return [] if owned and NOT_MARKET.fullmatch(owned.group(1)) else hit[:1]
    m = re.match(r"(?:the\s+)?(?:[a-z][\w'’-]*\s+){0,5}?(?=[A-Z])", window)
    if m is None or NOT_MARKET.search(window[: m.end()]):
        return []
    found = proper_subject(text, _proper_end(text, at + m.end()))
    if found is None or found.start != at + m.end() or NOT_MARKET.fullmatch(found.name):
        return []
    return [found]


def _proper_end(text: str, at: int) -> int:
    """The end of the proper noun phrase starting at `at`."""
    m = re.match(r"(?:[A-Z][\w.&'’-]*|&|of|de)(?:\s+(?:[A-Z][\w.&'’-]*|&|of|de))*", text[at:])
    return at + (m.end() if m else 0)


def find_moves(text: str, lexicon: Lexicon, state: MoveState) -> list[Move]:
    """Every market move a sentence states, with its subject, signed figures, level and qualifiers."""
    c = cues()
    figs = figures(text)
    subs = subjects(text, lexicon)
    if not figs:
        _remember(state, subs, [])
        return []
    masked = _masked(text, subs)
    figs = [f for f in figs if not any(a <= f.start < b for a, b in masked)]
    moves: list[Move] = []
    previous: list[Subject] = []
    for group in _groups(text, figs, c):
        if group.sign == 0:
            continue
        who, may_inherit = _subjects_for(text, group, subs, masked, state)
        if (
            not who
            and may_inherit
            and previous
            and _continues_clause(text, moves[-1].end if moves else 0, group.at)
        ):
            who = previous
        if not who:
            continue
        moves.extend(_pair(text, group, who))
        previous = who
    _remember(state, subs, moves)
    return moves


def _continues_clause(text: str, end: int, at: int) -> bool:
    """True when a group of figures without a subject of its own continues the move before it."""
    return not re.search(r";|\b(?:while|whereas|but)\b", text[end:at])


def _pair(text: str, group: _Group, who: Sequence[Subject]) -> list[Move]:
    """Moves from subjects and figures: one each, respectively, or one figure shared by a list."""
    sets = _merged(text, group.figures)
    if len(who) == len(sets):
        pairs = list(zip(who, sets, strict=True))
    elif len(sets) == 1:
        pairs = [(s, sets[0]) for s in who]
    elif len(who) == 1:
        pairs = [(who[0], f) for f in sets]
    else:
        return []
    return [_move(text, group, s, f) for s, f in pairs]


def _move(text: str, group: _Group, subject: Subject, figs: Sequence[Figure]) -> Move:
    """One move: signed numbers, the level reached, hedges and period, and its evidence span."""
    end = max(f.end for f in figs)
    if group.mode == "after":
        end = max(end, group.cue_end)
    move = Move(subject, min(subject.start, figs[0].start), max(end, subject.end), group.sign)
    for f in figs:
        value = group.sign * f.value
        if f.unit == "pct":
            move.change_pct = value
        elif f.unit == "bp":
            move.change_bp = value
        else:
            move.points = value
    level = _level_after(text, end)
    if level is not None:
        move.level, move.unit, move.end = level[0], level[1], max(move.end, level[2])
    else:
        before = _LEVEL_BEFORE_CUE.search(text[: group.at])
        if before and before.start() >= subject.end:
            move.level = float(before.group("n").replace(",", ""))
            move.unit = "%" if before.group("pct") else ("USD" if before.group("cur") else None)
    lead = text[group.at if group.mode == "before" else max(0, figs[0].start - 20) : figs[0].start]
    following = _FIGURE.search(text, end)
    stop = min(following.start() if following else len(text), move.end + 40)
    period = _period(text[move.start : max(stop, move.end)])
    session = period if period in _SESSIONS else None
    move.qualifier = ", ".join(q for q in (_qualifier(lead), session) if q) or None
    move.period = None if session else period
    return move


def _remember(state: MoveState, subs: Sequence[Subject], moves: Sequence[Move]) -> None:
    """Carry the sentence's subjects to the next: the last company named, the subjects that moved."""
    for s in sorted([*subs, *(m.subject for m in moves)], key=lambda s: s.end):
        state.last_of_class[s.asset_class] = s
    if moves:
        state.last_any = moves[-1].subject
        names: dict[str, Subject] = {}
        for m in moves:
            names.setdefault(m.subject.name, m.subject)
        state.last_group = list(names.values())
