"""Answering: retrieval, an LLM (streamed) or the extractive answerer, then verification of each sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

import prompts
from assistant.extractive import REFERENCE, extractive_answer, plain_sentence
from assistant.facts import Fact, describe
from assistant.focus import Coverage, Evidence, Meaning, coverage, why_not
from assistant.llm import ChatModel, make_chat_model
from assistant.models import Answer, AnswerSentence, ArticleSummary, SearchHit
from assistant.question import Question
from assistant.retrieve import Retrieval, Retriever
from assistant.settings import Settings
from assistant.verify import resolve_citations, split_answer, verify_sentences
from vectorstore.library import Library

NOT_IN_LIBRARY = "NOT IN LIBRARY"


def _fact_lines(facts: Sequence[Fact]) -> str:
    """Facts as short lines for the prompt."""
    lines = [f"- {f.kind}: {f.subject} {describe(f)} ({f.as_of or 'no date'})" for f in facts[:10]]
    return "\n".join(lines) or "- none"


def _passage_block(hits: Sequence[SearchHit]) -> str:
    """Numbered passages with their article title and date (the articles' own [n] markers removed)."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        meta = hit.article.meta
        blocks.append(
            f"[{n}] {meta.title or 'untitled'} ({meta.source or 'unknown'}, {meta.published or 'no date'})\n"
            f"{REFERENCE.sub('', hit.passage.text)}"
        )
    return "\n\n".join(blocks)


def answer_messages(q: Question, retrieval: Retrieval) -> list[dict[str, str]]:
    """The chat messages for the LLM answer: question, its frame, the facts and the passages."""
    template = prompts.load("answer", {"question", "frame", "facts", "passages"})
    content = template.format(
        question=q.text,
        frame="\n".join(f"- {name}: {value}" for name, value in q.explain() if name != "search"),
        facts=_fact_lines(retrieval.facts),
        passages=_passage_block(retrieval.hits),
    )
    return [{"role": "user", "content": content}]


def _says_something(sentence: AnswerSentence) -> AnswerSentence:
    """Mark as unsupported a sentence that states nothing ("The answer is: [1]"), however well cited."""
    words = re.sub(r"\[[^\]]*\]", " ", sentence.text).split()
    if sentence.supported and (len(words) < 4 or " ".join(words).endswith(":")):
        return sentence.model_copy(update={"supported": False, "reason": "states nothing"})
    return sentence


def _closest(hits: Sequence[SearchHit]) -> tuple[ArticleSummary, ...]:
    """Distinct articles of the hits, best first."""
    seen: dict[str, ArticleSummary] = {}
    for hit in hits:
        seen.setdefault(hit.article.id, hit.article)
    return tuple(list(seen.values())[:3])


class Answerer:
    """Answers questions from one library, with verified citations or an honest abstention."""

    def __init__(self, library: Library, settings: Settings, chat: ChatModel | None = None) -> None:
        self.settings = settings
        self.library = library
        self.retriever = Retriever(library, settings)
        self.chat = chat if chat is not None else make_chat_model(settings)

    def ask(
        self,
        question: str,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        extractive: bool = False,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Read the question once, retrieve, answer (LLM or extractive), verify, check the answer covers
        the question's focus; abstain when nothing supported and on topic remains."""
        q = self.retriever.read(question)
        retrieval = self.retriever.retrieve(q, k, since, until)
        mode = "extractive" if extractive or self.chat is None else "llm"
        if retrieval.weak or not retrieval.hits:
            return self._abstain(
                question, retrieval, mode, "retrieval found nothing that matches the question"
            )
        for hit in self._next_passage(retrieval.hits):
            retrieval.hits.append(hit)
            retrieval.passage_facts[hit.passage.id] = self._facts_in(hit)
        meaning = Meaning(self.library.embedder, q.focus, self.settings.attribute_similarity)
        if mode == "llm" and self.chat is not None:
            raw = self._llm_answer(q, retrieval, on_token)
        else:
            raw = extractive_answer(q, retrieval, self.library.embedder, meaning)
        return self._verified(q, retrieval, raw, mode, meaning)

    def _facts_in(self, hit: SearchHit) -> list[Fact]:
        """The stored facts whose evidence overlaps a passage."""
        facts = self.library.catalog.facts(article_id=hit.article.id)
        return [f for f in facts if f.span.overlaps(hit.passage.span)]

    def _next_passage(self, hits: Sequence[SearchHit]) -> list[SearchHit]:
        """The passage after the best one, when not already retrieved: an event's reasons often follow it."""
        top = hits[0]
        following = self.library.catalog.passages_by_id([f"{top.article.id}:{top.passage.ordinal + 1:04d}"])
        have = {h.passage.id for h in hits}
        return [
            SearchHit(passage=p, article=top.article, score=0.0)
            for p in following.values()
            if p.id not in have
        ]

    def _llm_answer(self, q: Question, retrieval: Retrieval, on_token: Callable[[str], None] | None) -> str:
        """Stream the model's answer, passing tokens on as they arrive."""
        assert self.chat is not None
        pieces: list[str] = []
        for token in self.chat.stream(answer_messages(q, retrieval)):
            pieces.append(token)
            if on_token is not None:
                on_token(token)
        return "".join(pieces).strip()

    def _verified(self, q: Question, retrieval: Retrieval, raw: str, mode: str, meaning: Meaning) -> Answer:
        """Keep only sentences whose citations and figures check out, then check they cover the focus."""
        question = q.text
        if not raw or raw.strip().upper().startswith(NOT_IN_LIBRARY):
            return self._abstain(question, retrieval, mode, "the model found no answer in the passages")
        passages = {n: hit.passage for n, hit in enumerate(retrieval.hits, start=1)}
        checked = [_says_something(s) for s in verify_sentences(split_answer(raw), passages)]
        kept = [s for s in checked if s.supported]
        notes = tuple(
            f"removed unsupported sentence ({s.reason}): {s.text}" for s in checked if not s.supported
        )
        if not kept:
            return self._abstain(
                question, retrieval, mode, "no sentence of the answer could be verified", notes
            )
        text = " ".join(s.text for s in kept)
        found = coverage(q, self._evidence(kept, retrieval), meaning)
        if not found.ok:
            instead = self._passages_instead(q, retrieval, notes, meaning) if mode == "llm" else None
            return instead or self._off_focus(q, retrieval, mode, found, notes)
        return Answer(
            question=question,
            text=text,
            sentences=tuple(checked),
            citations=resolve_citations(text, retrieval.hits),
            mode=mode,
            notes=notes,
            frame=retrieval.frame.model_dump(mode="json"),
        )

    def _passages_instead(
        self, q: Question, retrieval: Retrieval, notes: tuple[str, ...], meaning: Meaning
    ) -> Answer | None:
        """When the model's answer misses the focus (a group's total for a member, say), the passages' own
        sentences, if they cover it; None when they do not either."""
        raw = extractive_answer(q, retrieval, self.library.embedder, meaning)
        answer = self._verified(q, retrieval, raw, "extractive", meaning)
        if answer.abstained:
            return None
        why = "the model's answer did not cover the question's focus; answered from the passages' sentences"
        return answer.model_copy(update={"notes": (why, *notes, *answer.notes)})

    def _evidence(self, kept: Sequence[AnswerSentence], retrieval: Retrieval) -> list[Evidence]:
        """Each kept sentence with each passage it cites, placed in its article when quoted verbatim."""
        items = []
        for sentence in kept:
            plain = plain_sentence(re.sub(r"\s*\[[\d,\s\-–and]+\]", "", sentence.text)).rstrip(".")
            for n in sentence.citations:
                if not 1 <= n <= len(retrieval.hits):
                    continue
                passage = retrieval.hits[n - 1].passage
                at = passage.text.find(plain) if plain else -1
                facts = tuple(retrieval.passage_facts.get(passage.id, ()))
                start = passage.span.start + at if at >= 0 else None
                items.append(Evidence(sentence.text, passage.text, start, facts))
        return items

    def _off_focus(
        self, q: Question, retrieval: Retrieval, mode: str, found: Coverage, notes: tuple[str, ...]
    ) -> Answer:
        """Abstain with what the library mentions and what no article gives."""
        passages = [h.passage.text for h in retrieval.hits]
        mentioned = [c.phrase for c in q.required if any(c.found_in(p) for p in passages)]
        said = why_not(q, found, mentioned)
        gaps = [f"no cited passage names {', '.join(found.missing)}"] if found.missing else []
        gaps += [] if found.attribute else [f"no answer sentence names the {q.focus.name if q.focus else ''}"]
        gaps += [] if found.figure else [f"no answer sentence states a {q.expects} figure for it"]
        gaps += [] if found.person else ["no answer sentence names a new person"]
        return self._abstain(q.text, retrieval, mode, "; ".join(gaps), notes, text=said)

    def _abstain(
        self,
        question: str,
        retrieval: Retrieval,
        mode: str,
        why: str,
        notes: tuple[str, ...] = (),
        text: str = "The library does not cover this question.",
    ) -> Answer:
        """The library does not cover the question: say so and point at the closest articles."""
        return Answer(
            question=question,
            text=text,
            abstained=True,
            mode=mode,
            closest=_closest(retrieval.hits),
            notes=(why, *notes),
            frame=retrieval.frame.model_dump(mode="json"),
        )
