"""RSS and Atom feeds through the real fetcher, feedparser and extractor against a server on 127.0.0.1.

Every entry's page is fetched and stored; the feed fills gaps the page leaves (title, date, author) but never
overrides what the page states; an entry whose page is gone falls back to the feed's own text when that is
long enough. Feeds can be URLs or local .xml files.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import lxml.html
import pytest

from assistant.errors import FeedError
from assistant.models import Article, IngestOutcome
from ingest.clean import clean_text
from ingest.feeds import parse_feed
from ingest.pipeline import Ingestor
from tests.conftest import EXAMPLES, FixtureServer, counts, example_files, page
from vectorstore.library import Library

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

# --- made-up fixture prose (our own words; every company and place is fictional) ---------------------------

GRAIN = [
    "Wheat futures for May delivery rose to a six-week high after a late frost swept across the Keldan "
    "plains, where growers had only just finished spreading fertiliser on the winter crop. Agronomists "
    "said it was too early to count losses, but several co-operatives told members to expect thinner "
    "stands in the low-lying fields near the river.",
    "Millers responded by lengthening their cover into the summer, and the spread between old-crop and "
    "new-crop contracts widened to its broadest level since the autumn. Exporters at the port of Sallow "
    "Quay reported brisk enquiries from buyers who had waited for prices to dip and now feared they had "
    "waited too long.",
]

BONDS = [
    "Vantor Pharmaceuticals sold a seven-year bond at a spread noticeably tighter than bankers had "
    "first indicated, as investors chased one of the few new issues from a drugmaker this quarter. The "
    "order book grew to more than four times the amount on offer within two hours of launch, according "
    "to people who saw the allocations.",
    "Credit desks said the appetite reflected a broader hunt for defensive paper while equity markets "
    "wobble. Portfolio managers pointed out that the company's cash flows rest on a handful of mature "
    "treatments with long patent runways, which makes its debt look sturdier than the sector average even "
    "after the recent acquisition spree.",
]

RETAIL = [
    "Pennyhill Stores lifted its full-year profit forecast after shoppers flocked to its discount garden "
    "ranges during an unusually warm spell. The chain said like-for-like sales rose in every region except "
    "the far north, where heavy rain kept footfall low for most of the period under review.",
    "Investors welcomed the update but questioned how long the tailwind would last. One fund manager "
    "noted that the retailer had been here before, beating forecasts in a sunny spring only to give the "
    "gains back when the weather turned, and said she wanted to see whether margins held up once the "
    "clearance season began.",
]

FEED_TEXT = (
    "Harbour authorities at Sallow Quay lifted the weather restrictions that had kept grain carriers at "
    "anchor for most of the week, allowing the first loaded vessels to sail on the evening tide. Shipping "
    "agents expect the backlog to clear within ten days, although insurers warned that premiums for the "
    "route would stay elevated until the storm season ends. Freight brokers said charter rates for the "
    "smaller handy-size ships had already started to ease as owners competed for the queued cargoes."
)


def rss(items: list[str], title: str = "Fixture wire") -> str:
    """An RSS 2.0 document around item elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"<channel><title>{title}</title><link>http://127.0.0.1/</link>"
        f"<description>Made-up market items for tests.</description>\n{''.join(items)}\n</channel></rss>\n"
    )


def rss_item(
    title: str,
    link: str | None,
    pub_date: str,
    *,
    creator: str | None = None,
    description: str = "",
    content: str | None = None,
) -> str:
    """One RSS item."""
    parts = [f"<title>{escape(title)}</title>"]
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    parts.append(f"<pubDate>{pub_date}</pubDate>")
    if creator:
        parts.append(f"<dc:creator>{escape(creator)}</dc:creator>")
    if description:
        parts.append(f"<description>{escape(description)}</description>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    return f"<item>{''.join(parts)}</item>\n"


def stored(library: Library, outcome: IngestOutcome) -> Article:
    """The article an added outcome points at."""
    assert outcome.status == "added", outcome
    assert outcome.article_id
    return library.catalog.get(outcome.article_id)


# --- RSS and Atom feeds by URL ------------------------------------------------------------------------------


def test_rss_feed_ingests_every_entry_page_and_fills_only_the_gaps(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    grain = http_server.add(
        "/news/frost-lifts-wheat.html",
        page(
            GRAIN, title="Frost on the Keldan plains lifts wheat", author="Mara Quill", published="2026-03-02"
        ),
    )
    bonds = http_server.add("/news/vantor-bond.html", page(BONDS))  # no title, author or date in its markup
    retail = http_server.add(
        "/news/pennyhill-forecast.html",
        page(RETAIL, title="Pennyhill raises its forecast", published="2026-03-06T07:00:00Z"),
    )
    feed = rss(
        [
            rss_item(
                "Feed headline that the page overrides",
                grain,
                "Tue, 03 Mar 2026 10:00:00 GMT",
                creator="Somebody Else",
                description="Wheat climbs after frost.",
            ),
            rss_item(
                "Vantor prices a seven-year bond",
                bonds,
                "Wed, 04 Mar 2026 09:15:00 GMT",
                creator="Ruth Ambler",
                description="Strong demand for a drugmaker's debt.",
            ),
            rss_item("Pennyhill lifts guidance", retail, "Fri, 06 Mar 2026 07:05:00 GMT"),
        ]
    )
    feed_url = http_server.add("/feed.rss", feed, content_type="application/rss+xml; charset=utf-8")

    outcomes = ingestor.run([feed_url])

    assert [o.item for o in outcomes] == [grain, bonds, retail]
    assert [o.status for o in outcomes] == ["added"] * 3, outcomes
    assert sorted(http_server.hits) == sorted(
        [
            "/feed.rss",
            "/news/frost-lifts-wheat.html",
            "/news/vantor-bond.html",
            "/news/pennyhill-forecast.html",
        ]
    )
    assert http_server.hits[0] == "/feed.rss"

    first, second, third = (stored(library, o) for o in outcomes)
    # the page states its own title, author and date: the feed does not override them
    assert first.meta.title == "Frost on the Keldan plains lifts wheat"
    assert first.meta.author == "Mara Quill"
    assert first.meta.published == date(2026, 3, 2)
    assert "late frost swept across the Keldan plains" in first.text
    # the page states nothing: the entry's title, author and pubDate fill the gaps
    assert second.meta.title == "Vantor prices a seven-year bond"
    assert second.meta.author == "Ruth Ambler"
    assert second.meta.published == date(2026, 3, 4)
    assert second.meta.url == bonds
    assert "order book grew to more than four times the amount on offer" in second.text
    assert third.meta.title == "Pennyhill raises its forecast"
    assert third.meta.published == date(2026, 3, 6)

    total = sum(o.passages for o in outcomes)
    assert counts(library) == (3, total, total)


def test_atom_feed_ingests_every_entry_page(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    bare = http_server.add("/atom/grain.html", page(GRAIN))  # no metadata at all
    full = http_server.add(
        "/atom/retail.html", page(RETAIL, title="Pennyhill raises its forecast", published="2026-03-06")
    )
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Fixture Atom wire</title>
  <id>urn:uuid:7d0c3a52-5f0e-4c55-9b1e-000000000001</id>
  <updated>2026-03-07T12:00:00Z</updated>
  <entry>
    <title>Wheat jumps after a late frost</title>
    <link rel="alternate" type="text/html" href="{bare}"/>
    <id>urn:uuid:7d0c3a52-5f0e-4c55-9b1e-000000000002</id>
    <published>2026-03-05T18:00:00Z</published>
    <updated>2026-03-07T08:00:00Z</updated>
    <author><name>Ivo Brandt</name></author>
    <summary>Frost hits the winter crop.</summary>
  </entry>
  <entry>
    <title>Pennyhill guidance raised</title>
    <link rel="alternate" type="text/html" href="{full}"/>
    <id>urn:uuid:7d0c3a52-5f0e-4c55-9b1e-000000000003</id>
    <updated>2026-03-06T09:00:00Z</updated>
    <summary>Warm weather helps a discount chain.</summary>
  </entry>
</feed>
"""
    feed_url = http_server.add("/atom.xml", atom, content_type="application/atom+xml")

    outcomes = ingestor.run([feed_url])

    assert [o.item for o in outcomes] == [bare, full]
    first, second = (stored(library, o) for o in outcomes)
    assert first.meta.title == "Wheat jumps after a late frost"
    assert first.meta.published == date(2026, 3, 5)  # <published>, not the later <updated>
    assert first.meta.author == "Ivo Brandt"
    assert "Millers responded by lengthening their cover" in first.text
    assert second.meta.title == "Pennyhill raises its forecast"
    assert second.meta.published == date(2026, 3, 6)
    assert set(http_server.hits) == {"/atom.xml", "/atom/grain.html", "/atom/retail.html"}


def test_feed_is_recognised_by_its_markup_whatever_its_content_type(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    """A feed served as text/html is still expanded into entries (here: one whose page is missing)."""
    gone = http_server.url("/gone/page.html")
    feed_url = http_server.add(
        "/feed-as-html",
        rss([rss_item("A vanished story", gone, "Mon, 02 Mar 2026 08:00:00 GMT", description="Too short.")]),
        content_type="text/html; charset=utf-8",
    )

    outcomes = ingestor.run([feed_url])

    assert len(outcomes) == 1
    assert outcomes[0].item == gone
    assert outcomes[0].status == "failed"
    assert http_server.hits == ["/feed-as-html", "/gone/page.html"]
    assert counts(library) == (0, 0, 0)


def test_entry_whose_page_404s_uses_the_feed_text_or_fails_when_it_is_short(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    missing_long = http_server.url("/missing/harbour.html")
    missing_short = http_server.url("/missing/brief.html")
    feed_url = http_server.add(
        "/wire.rss",
        rss(
            [
                rss_item(
                    "Grain carriers sail as Sallow Quay reopens",
                    missing_long,
                    "Thu, 05 Mar 2026 19:30:00 GMT",
                    creator="Nell Okafor",
                    description="Port reopens.",
                    content=f"<p>{FEED_TEXT}</p>",
                ),
                rss_item(
                    "Brief item",
                    missing_short,
                    "Thu, 05 Mar 2026 20:00:00 GMT",
                    description="Only a one-line teaser about copper.",
                ),
            ]
        ),
        content_type="application/rss+xml",
    )

    outcomes = ingestor.run([feed_url])

    by_item = {o.item: o for o in outcomes}
    assert sorted(by_item) == sorted([missing_long, missing_short])
    used, refused = by_item[missing_long], by_item[missing_short]
    assert used.status == "added", used
    assert "page unavailable" in used.message
    assert "HTTP 404" in used.message
    assert "used the feed's text" in used.message
    article = stored(library, used)
    assert article.text == clean_text(FEED_TEXT)
    assert article.meta.title == "Grain carriers sail as Sallow Quay reopens"
    assert article.meta.published == date(2026, 3, 5)
    assert article.meta.author == "Nell Okafor"
    assert article.meta.url == missing_long

    assert refused.status == "failed"
    assert "HTTP 404" in refused.message
    assert "too short" in refused.message
    assert "\n" not in refused.message
    assert counts(library) == (1, used.passages, used.passages)


def test_entry_without_a_link_uses_its_own_text(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    feed_url = http_server.add(
        "/nolink.rss",
        rss([rss_item("Sallow Quay reopens", None, "Thu, 05 Mar 2026 19:30:00 GMT", description=FEED_TEXT)]),
        content_type="application/rss+xml",
    )

    outcomes = ingestor.run([feed_url])

    assert len(outcomes) == 1
    assert outcomes[0].item == f"{feed_url}#1"
    assert "no link" in outcomes[0].message
    article = stored(library, outcomes[0])
    assert article.text == clean_text(FEED_TEXT)
    assert article.meta.title == "Sallow Quay reopens"
    assert http_server.hits == ["/nolink.rss"]


# --- a feed in a local file ---------------------------------------------------------------------------------


def test_local_xml_feed_file_fetches_its_linked_pages(
    tmp_path: Path, http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    bonds = http_server.add("/local/bonds.html", page(BONDS, title="Vantor bond draws a crowd"))
    retail = http_server.add("/local/retail.html", page(RETAIL))
    path = tmp_path / "saved-wire.xml"
    path.write_text(
        rss(
            [
                rss_item("Vantor bond", bonds, "Wed, 04 Mar 2026 09:15:00 GMT"),
                rss_item("Pennyhill lifts guidance", retail, "Fri, 06 Mar 2026 07:05:00 GMT"),
            ]
        ),
        encoding="utf-8",
    )

    outcomes = ingestor.run([path])

    assert [o.item for o in outcomes] == [bonds, retail]
    first, second = (stored(library, o) for o in outcomes)
    assert first.meta.title == "Vantor bond draws a crowd"
    assert first.meta.published == date(2026, 3, 4)
    assert second.meta.title == "Pennyhill lifts guidance"
    assert second.meta.published == date(2026, 3, 6)
    assert sorted(http_server.hits) == ["/local/bonds.html", "/local/retail.html"]


# --- the shipped sample feed --------------------------------------------------------------------------------


def test_shipped_sample_feed_ingests_all_ten_articles_with_their_dates(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    want: dict[str, tuple[str, date]] = {}  # served path -> (title, date) stated by the page
    for path in example_files():
        html = path.read_bytes()
        doc = lxml.html.fromstring(html)
        canonical = doc.xpath('//link[@rel="canonical"]/@href')[0]
        served = urlparse(canonical).path
        http_server.add(served, html)
        want[served] = (
            doc.xpath('//meta[@property="og:title"]/@content')[0],
            date.fromisoformat(doc.xpath('//meta[@property="article:published_time"]/@content')[0][:10]),
        )
    assert len(want) == 10

    feed = (EXAMPLES / "feed.xml").read_text(encoding="utf-8")
    local = re.sub(r"<link>https://[a-z0-9.-]+\.example", f"<link>{http_server.base}", feed)
    feed_url = http_server.add("/feed.xml", local, content_type="application/rss+xml")

    outcomes = ingestor.run([feed_url])

    assert len(outcomes) == 10
    assert all(o.status == "added" for o in outcomes), [o for o in outcomes if o.status != "added"]
    assert {urlparse(o.item).path for o in outcomes} == set(want)
    assert set(http_server.hits) == {"/feed.xml", *want}
    for outcome in outcomes:
        title, day = want[urlparse(outcome.item).path]
        article = stored(library, outcome)
        assert article.meta.title == title
        assert article.meta.published == day, (outcome.item, article.meta.published, day)
        assert article.meta.url is not None and article.meta.url.startswith("https://")
        assert outcome.message == ""  # every page was fetched; no entry fell back to the feed's text
    summaries = library.catalog.summaries()
    assert len(summaries) == 10
    assert sorted(s.meta.published for s in summaries if s.meta.published) == sorted(
        d for _, d in want.values()
    )
    passages = sum(o.passages for o in outcomes)
    assert counts(library) == (10, passages, passages)


# --- hostile feeds: one bad character reference, control character or date loses nothing else ---------------


def test_invalid_character_references_read_as_replacement_characters() -> None:
    items = [
        "<item><title>Tin &#xDBFF; smelter &#1114112; restarts &#x263A;</title>"
        "<link>https://wire.example/tin</link></item>",
        "<item><title>Brackmoor kilns &#x0000DFFF; &#" + "7" * 5000 + ";</title>"
        "<link>https://wire.example/kilns</link></item>",
    ]
    entries = parse_feed(rss(items).encode(), "tin.rss")
    assert [e.meta.title for e in entries] == [
        "Tin \ufffd smelter \ufffd restarts \u263a",
        "Brackmoor kilns \ufffd \ufffd",
    ]
    assert [e.link for e in entries] == ["https://wire.example/tin", "https://wire.example/kilns"]


def test_a_parser_crash_is_a_one_line_feed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(body: bytes) -> object:
        raise RuntimeError("loose parser\nwent wrong")

    monkeypatch.setattr(feedparser, "parse", explode)
    with pytest.raises(FeedError) as raised:
        parse_feed(rss([]).encode(), "wire.rss")
    message = str(raised.value)
    assert message.startswith("wire.rss: ") and "check the feed URL or file" in message
    assert "RuntimeError: loose parser went wrong" in message and "\n" not in message


def test_summary_with_control_characters_keeps_its_text() -> None:
    summary = "\x1b[1mSallow Quay\x1b[0m \x07reopens &lt;b&gt;tonight&lt;/b&gt;\x0b"
    item = f"<item><title>Quay</title><link>https://wire.example/q</link><description>{summary}</description></item>"
    assert [e.content for e in parse_feed(rss([item]).encode(), "quay.rss")] == [
        "Sallow Quay reopens tonight"
    ]


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("0000-01-01", None),
        ("Sat, 01 Jan 9999 00:00:00 GMT", None),
        ("Mon, 31 Dec 1877 12:00:00 GMT", None),
        ("Fri, 31 Dec 9999 23:00:00 -0500", None),  # year 10000 in UTC
        ("Wed, 04 Mar 2026 09:15:00 GMT", date(2026, 3, 4)),
    ],
)
def test_entry_dates_outside_the_range_are_unknown(pub_date: str, expected: date | None) -> None:
    entries = parse_feed(rss([rss_item("Kiln prices", "https://wire.example/k", pub_date)]).encode(), "k.rss")
    assert [e.meta.published for e in entries] == [expected]


def test_atom_entry_with_an_implausible_published_date_falls_back_to_updated() -> None:
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Strait wire</title>'
        '<entry><title>Ferry cuts</title><link href="https://wire.example/ferry"/><id>f1</id>'
        "<published>0001-01-01T00:00:00Z</published><updated>2026-01-12T08:00:00Z</updated></entry></feed>"
    )
    assert [e.meta.published for e in parse_feed(atom.encode(), "strait.atom")] == [date(2026, 1, 12)]


def test_local_feed_with_hostile_entries_stores_each_without_odd_dates(
    tmp_path: Path, ingestor: Ingestor, library: Library
) -> None:
    items = [
        f"<item><title>Quay &#xD800; reopens</title><pubDate>0000-01-01</pubDate>"
        f"<description>\x1b[1m{escape(FEED_TEXT)}</description></item>",
        f"<item><title>Frost on the plains</title><pubDate>Sat, 01 Jan 9999 00:00:00 GMT</pubDate>"
        f"<description>{escape(' '.join(GRAIN))}</description></item>",
        f"<item><title>Pennyhill lifts guidance</title><pubDate>Fri, 06 Mar 2026 07:05:00 GMT</pubDate>"
        f"<description>{escape(' '.join(RETAIL))}</description></item>",
    ]
    path = tmp_path / "hostile-wire.xml"
    path.write_text(rss(items), encoding="utf-8")

    outcomes = ingestor.run([path])

    assert len(outcomes) == 3
    quay, grain, retail = (stored(library, o) for o in outcomes)
    assert quay.meta.title == "Quay \ufffd reopens"
    assert quay.text == clean_text(FEED_TEXT)
    assert quay.meta.published is None
    assert grain.meta.published is None
    assert retail.meta.published == date(2026, 3, 6)
