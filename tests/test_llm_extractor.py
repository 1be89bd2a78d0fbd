"""The LLM fact extractor against a scripted chat-completions server: grounding, parsing, dropping."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from assistant.extraction.llm import LLMExtractor, fact_schema, parse_reply, windows
from assistant.facts import Capex, IndexMove, PriceLevel, Quote, RateDecision, StockMove, is_grounded
from assistant.llm import LangChainChat, LLMAuthError, LLMResponseError, OpenAICompatibleChat
from assistant.models import Article, ArticleMeta
from assistant.settings import Settings
from tests.llm_server import LLMServer, Received, Reply

TEXT = (
    "Stocks climbed on Tuesday as a softer inflation report lifted hopes for lower borrowing costs.\n"
    "The Harbor 100 index rose 1.2% to 4,512.30, while the Tech Leaders index added 1.9%.\n"
    "Shares of Northwind Robotics jumped 14% after the company said it would spend $2.5 billion on new "
    "factories next year.\n"
    "“We are watching the data closely,” said Mara Ellison, chief economist at Quayside Partners.\n"
    "Gold traded at $2,410 an ounce, near a record high.\n"
    "The Central Bank of Westland held its policy rate in a range of 4.25%-4.50%."
)
PUBLISHED = date(2026, 3, 10)


def article(text: str = TEXT) -> Article:
    """An article around text."""
    meta = ArticleMeta(title="Stocks climb after inflation report", published=PUBLISHED)
    return Article.create(text, meta, ingested_at=datetime(2026, 3, 10, 18, tzinfo=UTC))


@pytest.fixture()
def llm_server() -> Iterator[LLMServer]:
    """A scripted chat-completions server on 127.0.0.1."""
    with LLMServer() as server:
        yield server


def extractor_for(server: LLMServer, **kwargs: Any) -> LLMExtractor:
    """An LLM extractor talking to the test server."""
    settings = Settings(
        llm_base_url=server.base_url, llm_model="test-model", llm_timeout=5.0, llm_max_retries=1
    )
    return LLMExtractor(
        OpenAICompatibleChat.from_settings(settings, retry_base_delay=0.01), settings, **kwargs
    )


def fact(kind: str, subject: str, evidence: str, **fields: Any) -> dict[str, Any]:
    """A raw fact as the model would write it."""
    return {"kind": kind, "subject": subject, "evidence": evidence, **fields}


def test_exact_fuzzy_and_hallucinated_evidence(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {
            "facts": [
                fact("index_move", "Harbor 100", "The Harbor 100 index rose 1.2% to 4,512.30",
                     change_pct="1.2%", level="4,512.30", date="2026-03-10", period="day"),
                fact("stock_move", "Northwind Robotics", "Shares of  Northwind Robotics jumped 14%",
                     change_pct=14, ticker="nwr"),
                fact("quote", "Mara Ellison", '"We are watching the data closely," said Mara Ellison',
                     affiliation="Quayside Partners", role="chief economist"),
                fact("index_move", "Dow", "The Dow Jones Industrial Average fell 2.3% to a record low",
                     change_pct=-2.3),
            ]
        }
    )  # fmt: skip
    extractor = extractor_for(llm_server)
    facts = extractor.extract(article())

    assert [type(f) for f in facts] == [IndexMove, StockMove, Quote]
    assert all(is_grounded(f, TEXT) for f in facts)
    index, stock, quote = facts
    assert isinstance(index, IndexMove) and isinstance(stock, StockMove) and isinstance(quote, Quote)
    assert (index.change_pct, index.level, index.as_of, index.period) == (1.2, 4512.30, PUBLISHED, "day")
    assert index.evidence == "The Harbor 100 index rose 1.2% to 4,512.30"
    assert index.extractor == "llm" and index.confidence > stock.confidence
    assert stock.evidence == "Shares of Northwind Robotics jumped 14%"
    assert (stock.change_pct, stock.ticker) == (14.0, "NWR")
    assert quote.evidence == "“We are watching the data closely,” said Mara Ellison"
    assert (quote.subject, quote.speaker, quote.affiliation) == (
        "Mara Ellison",
        "Mara Ellison",
        "Quayside Partners",
    )

    assert extractor.last_dropped == 1
    (reason,) = extractor.last_drop_reasons
    assert "evidence not in the text" in reason and "Dow Jones" in reason


def test_request_carries_the_schema_and_the_article(llm_server: LLMServer) -> None:
    llm_server.reply_json({"facts": []})
    extractor = extractor_for(llm_server)
    assert extractor.extract(article()) == []
    (request,) = llm_server.requests
    assert request.response_format == {
        "type": "json_schema",
        "json_schema": {"name": "market_facts", "schema": fact_schema(), "strict": False},
    }
    assert TEXT in request.prompt
    assert "2026-03-10" in request.prompt
    assert "Stocks climb after inflation report" in request.prompt
    assert "index_move, sector_move, stock_move" in request.prompt


def test_numbers_are_normalised(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {
            "facts": [
                fact("capex", "Northwind Robotics", "it would spend $2.5 billion on new factories next year",
                     amount_usd=2.5, capex_kind="Plan", period="next year"),
                fact("price_level", "Gold", "Gold traded at $2,410 an ounce, near a record high",
                     price="$2,410", unit="ounce", qualifier="near a record high"),
                fact("rate_decision", "Central Bank of Westland",
                     "The Central Bank of Westland held its policy rate in a range of 4.25%-4.50%",
                     action="hold", rate_low="4.25%", rate_high=4.5),
            ]
        }
    )  # fmt: skip
    facts = extractor_for(llm_server).extract(article())
    capex, price, rate = sorted(facts, key=lambda f: f.span.start)
    assert isinstance(capex, Capex) and capex.amount_usd == 2.5e9 and capex.capex_kind == "plan"
    assert isinstance(price, PriceLevel) and (price.price, price.currency, price.unit) == (
        2410.0,
        "USD",
        "ounce",
    )
    assert isinstance(rate, RateDecision) and (rate.action, rate.rate_low, rate.rate_high) == (
        "hold",
        4.25,
        4.5,
    )
    assert all(is_grounded(f, TEXT) for f in facts)


def test_invalid_items_are_dropped_and_counted(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {
            "facts": [
                fact("price_level", "Gold", "Gold traded at $2,410 an ounce"),  # no price
                fact("weather", "Westland", "Stocks climbed on Tuesday"),  # unknown kind
                fact("stock_move", "Northwind Robotics", "Shares of Northwind Robotics jumped 14%",
                     change_pct="a lot"),
                fact("rate_decision", "Central Bank of Westland", "held its policy rate", action="pause"),
                fact("index_move", "", "The Harbor 100 index rose 1.2%", change_pct=1.2),  # no subject
                {"kind": "index_move", "subject": "Tech Leaders"},  # no evidence
                "the Harbor 100 rose",
                fact("index_move", "Tech Leaders", "the Tech Leaders index added 1.9%", change_pct=1.9),
            ]
        }
    )  # fmt: skip
    extractor = extractor_for(llm_server)
    facts = extractor.extract(article())
    assert len(facts) == 1 and isinstance(facts[0], IndexMove) and facts[0].subject == "Tech Leaders"
    assert extractor.last_dropped == 7
    reasons = " | ".join(extractor.last_drop_reasons)
    for expected in (
        "invalid price_level: price",
        "unknown kind 'weather'",
        "change_pct: not a number",
        "invalid rate_decision: action",
        "without subject",
        "without evidence",
        "not a JSON object",
    ):
        assert expected in reasons  # fmt: skip


def test_figures_not_in_the_evidence_are_dropped(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {
            "facts": [
                fact("index_move", "Tech Leaders", "the Tech Leaders index added 1.9%", change_pct=3.8),
                fact(
                    "index_move", "Harbor 100", "The Harbor 100 index rose 1.4% to 4,512.30", change_pct=1.4
                ),
                fact(
                    "stock_move",
                    "Northwind Robotics",
                    "Shares of Northwind Robotics jumped 14%",
                    change_pct=-14,
                ),
            ]
        }
    )
    extractor = extractor_for(llm_server)
    facts = extractor.extract(article())
    assert [(f.subject, f.main_value()) for f in facts] == [("Northwind Robotics", -14.0)]  # sign kept
    assert extractor.last_dropped == 2
    assert "change_pct=3.8 is not stated" in extractor.last_drop_reasons[0]
    assert "evidence not in the text" in extractor.last_drop_reasons[1]


def test_each_run_resets_the_counts(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {"facts": [fact("index_move", "Dow", "The Dow slid 5% on Friday afternoon trading")]}
    )
    llm_server.reply_json({"facts": []})
    extractor = extractor_for(llm_server)
    extractor.extract(article())
    assert extractor.last_dropped == 1
    extractor.extract(article())
    assert (extractor.last_dropped, extractor.last_drop_reasons) == (0, [])


def test_reply_in_a_code_fence_is_read(llm_server: LLMServer) -> None:
    body = json.dumps(
        [fact("index_move", "Tech Leaders", "the Tech Leaders index added 1.9%", change_pct=1.9)]
    )
    llm_server.reply(f"```json\n{body}\n```")
    assert len(extractor_for(llm_server).extract(article())) == 1


def test_a_reply_that_is_not_json_is_an_llm_error(llm_server: LLMServer) -> None:
    llm_server.reply("Sorry, I cannot help with that.")
    with pytest.raises(LLMResponseError, match="NEWSDESK_LLM_EXTRACTION"):
        extractor_for(llm_server).extract(article())


def test_llm_errors_propagate(llm_server: LLMServer) -> None:
    llm_server.fail(401, "bad key")
    with pytest.raises(LLMAuthError, match="check your API key"):
        extractor_for(llm_server).extract(article())


def test_parse_reply_shapes() -> None:
    assert parse_reply('{"facts": [1]}') == [1]
    assert parse_reply("[]") == []
    assert parse_reply('Here you go: {"facts": []} Hope this helps.') == []
    with pytest.raises(LLMResponseError):
        parse_reply('{"items": []}')


def long_text() -> str:
    """About 20,000 characters: numbered paragraphs, each with one distinct figure."""
    paragraphs = [
        f"Paragraph {n}: the Region {n} index closed {n / 10:.1f}% higher as traders weighed fresh data "
        "on factory orders, freight volumes and consumer spending across the quarter."
        for n in range(1, 121)
    ]
    return "\n".join(paragraphs)


def window_responder(request: Received) -> Reply:
    """Report, for each paragraph number visible in the prompt, that paragraph's index move."""
    facts = [
        fact(
            "index_move",
            f"Region {n}",
            f"the Region {n} index closed {n / 10:.1f}% higher",
            change_pct=n / 10,
        )
        for n in range(1, 121)
        if f"Paragraph {n}: the Region {n} index closed {n / 10:.1f}% higher" in request.prompt
    ]
    return Reply(content=json.dumps({"facts": facts}))


def test_long_articles_are_read_in_overlapping_windows(llm_server: LLMServer) -> None:
    text = long_text()
    llm_server.responder = window_responder
    extractor = extractor_for(llm_server)
    facts = extractor.extract(article(text))

    pieces = windows(text)
    assert len(pieces) >= 3 and len(llm_server.requests) == len(pieces)
    assert all(len(window) <= 6000 for _, window in pieces)
    assert all(text[offset : offset + len(window)] == window for offset, window in pieces)
    assert all(later[0] < earlier[0] + len(earlier[1]) for earlier, later in itertools.pairwise(pieces))
    assert [f.subject for f in facts] == [f"Region {n}" for n in range(1, 121)]  # overlap de-duplicated
    assert all(is_grounded(f, text) for f in facts)
    assert facts[-1].span.start > 12000
    assert extractor.last_dropped == 0


def test_only_the_requested_kinds(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {"facts": [fact("index_move", "Tech Leaders", "the Tech Leaders index added 1.9%")]}
    )
    extractor = extractor_for(llm_server, kinds=("quote",))
    assert extractor.extract(article()) == []
    assert "unknown kind 'index_move'" in extractor.last_drop_reasons[0]
    assert llm_server.requests[0].response_format["json_schema"]["schema"] == fact_schema(("quote",))  # type: ignore[index]


def test_basis_points_may_be_stated_in_words(llm_server: LLMServer) -> None:
    text = "In a surprise, the Bank of Eastmere cut its key rate by a quarter point to 3.75% on Thursday."
    evidence = "the Bank of Eastmere cut its key rate by a quarter point to 3.75%"
    llm_server.reply_json(
        {
            "facts": [
                fact("rate_decision", "Bank of Eastmere", evidence, action="cut", rate_low=3.75, change_bp=25,
                     date="Thursday"),
                fact("rate_decision", "Bank of Eastmere", evidence, action="cut", rate_low=3.75,
                     change_bp=50),
            ]
        }
    )  # fmt: skip
    extractor = extractor_for(llm_server)
    (rate,) = extractor.extract(article(text))
    assert isinstance(rate, RateDecision)
    assert (rate.action, rate.rate_low, rate.change_bp, rate.as_of) == ("cut", 3.75, 25.0, None)
    assert extractor.last_dropped == 1 and "change_bp=50" in extractor.last_drop_reasons[0]


def test_empty_article_asks_nothing(llm_server: LLMServer) -> None:
    assert extractor_for(llm_server).extract(article("  \n ")) == []
    assert llm_server.requests == []


def test_overlong_evidence_is_dropped(llm_server: LLMServer) -> None:
    text = long_text()
    llm_server.responder = lambda request: Reply(
        content=json.dumps({"facts": [fact("index_move", "Region 1", text[:1500], change_pct=0.1)]})
    )
    extractor = extractor_for(llm_server)
    assert extractor.extract(article(text)) == []
    assert extractor.last_dropped == len(llm_server.requests)
    assert "longer than 1000 characters" in extractor.last_drop_reasons[0]


def test_json_mode_extraction_for_servers_without_json_schema(llm_server: LLMServer) -> None:
    llm_server.reply_json(
        {"facts": [fact("index_move", "Tech Leaders", "the Tech Leaders index added 1.9%", change_pct=1.9)]}
    )
    settings = Settings(
        llm_base_url=llm_server.base_url,
        llm_model="test-model",
        llm_structured_output="json_mode",
        llm_timeout=5.0,
        llm_max_retries=1,
    )
    extractor = LLMExtractor(LangChainChat.from_settings(settings, retry_base_delay=0.01), settings)
    (found,) = extractor.extract(article())
    assert isinstance(found, IndexMove) and found.change_pct == 1.9
    request = llm_server.requests[0]
    assert request.response_format == {"type": "json_object"}
    assert '"facts"' in request.prompt  # json_mode relies on the prompt describing the shape


def test_a_reply_that_is_not_json_says_what_to_do(llm_server: LLMServer) -> None:
    llm_server.reply("I could not find any facts.")
    with pytest.raises(LLMResponseError) as info:
        extractor_for(llm_server).extract(article())
    message = str(info.value)
    assert "did not reply with JSON ('I could not find any facts.')" in message
    assert message.endswith("use a model that follows JSON schemas, or set NEWSDESK_LLM_EXTRACTION=false")
