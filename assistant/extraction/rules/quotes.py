"""Attributed quotations: verbatim words in quote marks with the named person who spoke them."""

from __future__ import annotations

import re

from assistant.extraction.rules.doc import Doc, Speaker, ground
from assistant.extraction.rules.sentences import Sentence, paragraphs
from assistant.facts import Fact, Quote

_NAME = (
    r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|"
    r"[A-Z]{2})(?:\s+[A-Z]\.)?\s+(?:(?:de|van|von|der|da|di|le|la|"
    r"Mc)\s*)?[A-Z][a-zA-Z]+(?:[-'’][A-Z][a-z]+)?"
)
_ORG = r"(?:[A-Z][\w&.'’\-]*|&)(?:\s+(?:[A-Z][\w&.'’\-]*|&|of(?=\s+[A-Z])))*"
_ROLE = (
    r"(?i:(?:(?:chief|senior|global|head|lead|managing|executive|deputy|co-?)\s+)*(?:(?:investment|market|"
    r"markets|equity|portfolio|global|macro|fixed[- ]income|research|fund|chief|financial|operating|"
    r"technology|economic|credit|rates|asset allocation|multi-asset|wealth)\s+)*(?:strategist|analyst|"
    r"economist|director|manager|officer|adviser|advisor|partner|president|chair(?:man|woman)?|founder|"
    r"head|trader|specialist|executive|governor|secretary|minister|CEO|CFO|CIO|COO|CTO|"
    r"chief)(?:\s+(?:officer|of\s+[a-z]+(?:\s+[a-z]+)?))?|CEO|CFO|CIO|COO|CTO)"
)
_SPEECH = (
    r"said|says|say|told|tells|added|adds|noted|notes|wrote|writes|argued|argues|explained|explains|"
    r"observed|observes|characteri[sz]ed|characteri[sz]es|described|describes|called|calls|termed|dubbed|"
    r"labell?ed|identified|warned|warns|cautioned|stated|states|remarked|commented|summed up|articulated|"
    r"provided|connected|suggested|insisted|acknowledged|admitted|predicted|believes|thinks|quipped|"
    r"declared|emphasi[sz]ed|stressed|pointed out|highlighted|asserted|claimed|put it|continued|concluded|"
    r"recalled|replied|answered"
)
_SPEAKER_PATTERNS = (
    re.compile(
        rf"(?P<name>{_NAME}),\s+(?:an?\s+|the\s+)?(?P<role>{_ROLE})\s+(?:at|of|for|with)\s+(?P<org>{_ORG})"
    ),
    re.compile(rf"(?P<name>{_NAME})\s+of\s+(?P<org>{_ORG})"),
    re.compile(rf"(?P<org>{_ORG})(?:['’]s)?\s+(?P<role>{_ROLE})\s+(?P<name>{_NAME})"),
    re.compile(rf"(?P<org>{_ORG})['’]s\s+(?P<name>{_NAME})"),
    re.compile(rf"(?<![A-Za-z])(?P<role>{_ROLE})\s+(?P<name>{_NAME})"),
    re.compile(rf"(?P<name>{_NAME})"),
)
_NOT_PERSON = re.compile(
    r"\b(?:Group|Company|Capital|Partners|Wealth|Management|Bank|Securities|Research|Street|Reserve|Price|"
    r"Bell|Inc|Corp|Advisors|Advisers|Investments|Asset|Markets|Global|Holdings|Index|Average|Composite|"
    r"Fund|Funds|Trust|Financial|Services|Sachs|Stanley|Platforms|Airlines|Rotation|Seven|Street|"
    r"Magnificent|Federal|Central|Exchange|Economics|Insights|Intelligence|Analytics|Associates|Advisory|"
    r"Strategies|Technologies|Systems|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|June|July|August|September|October|November|December|The|This|That|These|Those|"
    r"Dow|Nasdaq|Russell|American|North|South|Middle|East|West|Europe|Asia|Japan|China|United|States|"
    r"Kingdom|Wall|Great|Big|Financial|Crisis|Software|Technology|Tech|Cloud|Chief|Investment|Director|"
    r"Strategist|Analyst)\b"
)
_QUOTE = re.compile(r"“[^“”\n]+”|\"[^\"\n]+\"")
_AFTER_SPEAKER = re.compile(
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?:(?:{_SPEECH})|according to)\s+(?P<who>[^.;“\"]{{3,120}})|"
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who2>{_NAME},\s+[^“\".;]{{3,90}}?,)\s+(?:{_SPEECH})\b|"
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who3>[A-Z][^“\".;,]{{2,60}}?\s{_NAME})\s+(?:{_SPEECH})\b"
)
_NAME_SAID = re.compile(rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who>{_NAME}|[A-Z][a-z]+|he|she)\s+(?:{_SPEECH})\b")


def _person(m: re.Match[str]) -> Speaker | None:
    """A speaker from a pattern match, or None when the "name" is an organisation or a place."""
    name = m.group("name").strip()
    if _NOT_PERSON.search(name) or len(name.split()) < 2:
        return None
    groups = m.groupdict()
    org = (groups.get("org") or "").strip() or None
    role = (groups.get("role") or "").strip() or None
    if org and (_NOT_PERSON_ORG.match(org) or org == name):
        org = None
    return Speaker(name, org, role)


_NOT_PERSON_ORG = re.compile(r"^(?:The|A|An|However|But|And|Meanwhile|In|On|At|For|As|While|Still|Yet)$")


def _find_speaker(text: str) -> tuple[Speaker, int] | None:
    """The most specific speaker pattern found in text and where it ends (latest occurrence wins)."""
    best: tuple[Speaker, int, int] | None = None
    for rank, pattern in enumerate(_SPEAKER_PATTERNS):
        for m in pattern.finditer(text):
            speaker = _person(m)
            if speaker is not None and (
                best is None or m.end() > best[2] or (m.end() == best[2] and rank < best[1])
            ):
                best = (speaker, rank, m.end())
    return (best[0], best[2]) if best else None


def learn_persons(doc: Doc) -> None:
    """Remember people named with an affiliation or role, and where (so "Mould said" resolves later)."""
    for a, b in paragraphs(doc.text):
        line = doc.text[a:b]
        heading = re.fullmatch(rf"\s*(?P<name>{_NAME}),\s+(?P<org>{_ORG})\s*", line)
        found = [heading] if heading else []
        found += [m for pattern in _SPEAKER_PATTERNS[:5] for m in pattern.finditer(line)]
        found += list(re.finditer(rf"(?P<name>{_NAME})\s+(?:{_SPEECH})\b", line))
        for m in found:
            speaker = _person(m)
            if speaker is not None:
                known = doc.carried.persons.get(speaker.name, (None, None))
                doc.carried.persons[speaker.name] = (known[0] or speaker.org, known[1] or speaker.role)
                doc.carried.person_at.append((a + m.start("name"), speaker))
    doc.carried.person_at.sort(key=lambda item: item[0])


def quotes(doc: Doc) -> list[Fact]:
    """Attributed quotations: verbatim words in quote marks with a named person speaking them."""
    learn_persons(doc)
    facts: list[Fact] = []
    open_quote = False
    for a, b in paragraphs(doc.text):
        line = doc.text[a:b]
        stripped = line.lstrip()
        continuation = open_quote and stripped.startswith(("“", '"'))
        open_quote = stripped.startswith("“") and "”" not in line
        if open_quote or continuation:  # inner paragraphs of a multi-paragraph quote
            continue
        facts.extend(_paragraph_quotes(doc, a, line))
    return facts


def _paragraph_quotes(doc: Doc, offset: int, line: str) -> list[Fact]:
    """Quote facts of one paragraph."""
    facts: list[Fact] = []
    sents = [s for s in doc.sentences if offset <= s.start < offset + len(line)]
    previous: tuple[int, Speaker] | None = None  # the last attributed quote of this paragraph: (end, speaker)
    for m in _QUOTE.finditer(line):
        if _scare_quote(m.group(0), line[: m.start()], line[m.end() : m.end() + 160]):
            continue
        speaker = _speaker_for(doc, offset, line, m, sents) or _follow_on(line, m, previous)
        if speaker is None:
            continue
        previous = (m.end(), speaker)
        common = ground(doc, offset + m.start(), offset + m.end())
        facts.append(
            Quote(
                **common,
                subject=speaker.name,
                speaker=speaker.name,
                affiliation=speaker.org,
                role=speaker.role,
                confidence=0.85 if speaker.org else 0.7,
            )
        )
    return facts


_NAMING = re.compile(r"\b(?:called|calls|calling|termed|dubbed|labell?ed|described)\b[^“\".;]{0,40}$")


def _scare_quote(quoted: str, before: str, after: str) -> bool:
    """True for quote marks around a name or a short phrase that nobody is said to have spoken."""
    words = re.findall(r"[\w'’\-]+", quoted)
    if not words:
        return True
    if len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words):
        return True  # "Great Rotation", "Magnificent Seven"
    direct = re.search(r"(?:\bas|:|,|\bsaid|\bsays)\s*$", before) or _NAMING.search(before)
    attributed = _AFTER_SPEAKER.match(after) or _NAME_SAID.match(after)
    return len(words) <= 3 and not direct and not attributed


def _follow_on(line: str, m: re.Match[str], previous: tuple[int, Speaker] | None) -> Speaker | None:
    """ "“A,” she said. “B.”": a quote opening the next sentence continues the previous speaker."""
    if previous is None:
        return None
    between = line[previous[0] : m.start()]
    said = re.fullmatch(
        rf"\s*(?:\[\d+\])?\s*,?\s*[^“\".;]{{0,80}}?\b(?:{_SPEECH})\b[^“\".;]{{0,60}}[.:;]\s*", between
    )
    return previous[1] if said else None


def _speaker_for(doc: Doc, offset: int, line: str, m: re.Match[str], sents: list[Sentence]) -> Speaker | None:
    """Who speaks a quote: attribution after it, else in its sentence before it, else the sentence before."""
    at = offset + m.start()
    index = next((i for i, s in enumerate(sents) if s.start <= at < s.end), None)
    sent_start = sents[index].start - offset if index is not None else 0
    return (
        _speaker_after(doc, line[m.end() : m.end() + 160], at)
        or _speaker_before(doc, line[sent_start : m.start()])
        or _speaker_by_role(doc, line[sent_start : m.start()])
        or _speaker_previous_sentence(line, sents, index, sent_start, m.start(), offset)
    )


def _speaker_after(doc: Doc, after: str, at: int) -> Speaker | None:
    """ "…,” says AJ Bell investment director Russ Mould." / "…,” Mould said." / "…,” he said."."""
    m = _AFTER_SPEAKER.match(after)
    if m:
        who = m.group("who") or m.group("who2") or m.group("who3")
        found = _find_speaker(who.rstrip(","))
        if found and after.find(found[0].name) <= after.find(who) + 60:
            return found[0]
        known = re.match(r"\s*(?P<who>[A-Z][a-z]+)\b", who)
        if known and (person := _known_person(doc, known.group("who"))):
            return person
    said = _NAME_SAID.match(after)
    if not said:
        return None
    who = said.group("who")
    if who in ("he", "she"):
        return _last_person_before(doc, at)
    return _known_person(doc, who) or (
        Speaker(who) if len(who.split()) >= 2 and not _NOT_PERSON.search(who) else None
    )


def _speaker_before(doc: Doc, before: str) -> Speaker | None:
    """Speaker before the quote: "Tim Murray of T. Rowe Price said: “…", "Nvidia CEO Jensen Huang … “…"."""
    found = _find_speaker(before)
    if found is None:
        return None
    speaker, end = found
    between = before[end:]
    if re.search(rf"\b(?:{_SPEECH})\b", between) or between.rstrip().endswith((":", ",")):
        if speaker.org is None and speaker.name in doc.carried.persons:
            org, role = doc.carried.persons[speaker.name]
            return Speaker(speaker.name, org, role or speaker.role)
        return speaker
    return None


def _speaker_by_role(doc: Doc, before: str) -> Speaker | None:
    """ "Nvidia's chief executive, who called it “…”": the person introduced earlier with that affiliation."""
    m = re.search(rf"(?P<org>{_ORG})['’]s\s+(?P<role>{_ROLE})\b[^“\"]*?\b(?:{_SPEECH})\b", before)
    if not m:
        return None
    return next(
        (Speaker(n, o, r or m["role"]) for n, (o, r) in doc.carried.persons.items() if o and o == m["org"]),
        None,
    )


def _speaker_previous_sentence(
    line: str, sents: list[Sentence], index: int | None, sent_start: int, quote_start: int, offset: int
) -> Speaker | None:
    """A quote that opens its sentence, spoken by the person the previous sentence introduced."""
    if index is None or index == 0 or line[sent_start:quote_start].strip():
        return None
    previous = sents[index - 1]
    text = line[previous.start - offset : previous.end - offset]
    if _QUOTE.search(text):
        return None
    found = [
        s for p in _SPEAKER_PATTERNS[:5] for m in p.finditer(text) if (s := _person(m)) and (s.org or s.role)
    ]
    return found[-1] if found else None


def _last_person_before(doc: Doc, at: int) -> Speaker | None:
    """The person named last before a position (for "he said")."""
    before = [speaker.name for start, speaker in doc.carried.person_at if start < at]
    return Speaker(before[-1], *doc.carried.persons[before[-1]]) if before else None


def _known_person(doc: Doc, who: str) -> Speaker | None:
    """A person named earlier, by full or last name."""
    for name, (org, role) in doc.carried.persons.items():
        if who == name or name.split()[-1] == who:
            return Speaker(name, org, role)
    return None
