"""A team on one PostgreSQL catalog and one Chroma server: a feed watcher, ingests and two app processes
writing and asking at once, each process with a home folder of its own; afterwards nothing is lost or
doubled and no process saw a lock error.

The app processes do what ui/state.py and ui/chat.py do: `Library.open(settings)` once, one `Answerer`,
then `answerer.ask(question, 5, since, until, extractive)` per question (the sidebar's default is
extractive), in a loop, one JSON line per answer.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from vectorstore.doctor import examine
from vectorstore.library import Library

from .conftest import FixtureServer, page, postgres_database

NEWSDESK = Path(sys.executable).parent / "newsdesk"
LOCK_WORDS = re.compile(r"locked|deadlock|traceback", re.IGNORECASE)
SUMMARY = re.compile(r"(\d+) added, (\d+) already in the library, (\d+) failed")
NOT_INHERITED = ("NEWSDESK_LLM", "OPENAI_", "NEWSDESK_HOME", "NEWSDESK_CATALOG", "NEWSDESK_CHROMA")
WAIT = 240.0  # seconds any one process may take before the test gives up on it (it takes 20-40 s)


@dataclass(frozen=True)
class Story:
    """One invented market-news article: a company of its own, one figure, the question it answers."""

    company: str
    sector: str
    city: str
    chief: str
    news: str
    question: str


STORIES = [
    Story(
        "Quillfeather Instruments",
        "precision sensor",
        "Dunmore",
        "Ada Renwick",
        "raised its full-year revenue forecast to 412 million dollars",
        "What revenue forecast did Quillfeather Instruments give?",
    ),
    Story(
        "Brackmoor Kilns",
        "industrial ceramics",
        "Halvergate",
        "Tobias Quenby",
        "cut its quarterly dividend to 14 cents a share",
        "Why did Brackmoor Kilns cut its dividend?",
    ),
    Story(
        "Pellory Lantern Works",
        "street lighting",
        "Kestle Bay",
        "Mirela Soto",
        "won a 96 million dollar contract to relight the harbour district",
        "What contract did Pellory Lantern Works win?",
    ),
    Story(
        "Thistlegate Shipping",
        "container freight",
        "Port Alvery",
        "Jonas Aldwin",
        "reported quarterly net profit of 57 million dollars, up 23 percent from a year earlier",
        "How much profit did Thistlegate Shipping report?",
    ),
    Story(
        "Corvane Biologics",
        "biotechnology",
        "Merriton",
        "Hesper Lyle",
        "said a late-stage trial of its asthma drug missed its main goal, sending the shares down 31 percent",
        "Why did Corvane Biologics shares fall?",
    ),
    Story(
        "Fennick Rail Systems",
        "rail signalling",
        "Ashby Cross",
        "Oren Maddox",
        "agreed to buy its rival Stellmark Controls for 1.3 billion dollars in cash",
        "What is Fennick Rail Systems buying?",
    ),
    Story(
        "Halloway Copper",
        "copper mining",
        "Redgill",
        "Petra Lindqvist",
        "lifted annual copper output to 188,000 tonnes after a new concentrator came online",
        "How much copper did Halloway Copper produce?",
    ),
    Story(
        "Marrowind Energy",
        "wind power",
        "Saltmere",
        "Callum Brisk",
        "set capital spending of 2.4 billion dollars for offshore turbine farms next year",
        "How much is Marrowind Energy spending on capex?",
    ),
    Story(
        "Nettlefold Bank",
        "regional lending",
        "Cresford",
        "Imogen Hale",
        "set aside 220 million dollars for bad loans as commercial property borrowers fell behind",
        "How much did Nettlefold Bank set aside for bad loans?",
    ),
    Story(
        "Orrin Semiconductor",
        "memory chip",
        "Vantry",
        "Lucas Penhallow",
        "guided to a gross margin of 48.5 percent for the coming quarter as memory prices recovered",
        "What gross margin did Orrin Semiconductor guide to?",
    ),
    Story(
        "Pemberly Foods",
        "packaged food",
        "Wickham Dale",
        "Sofia Carraway",
        "raised prices on its breakfast cereals by 6 percent to offset higher grain costs",
        "Why did Pemberly Foods raise prices?",
    ),
    Story(
        "Rookwood Airlines",
        "regional airline",
        "Castlemere",
        "Ravi Holm",
        "carried a record 9.6 million passengers in the quarter as holiday demand held up",
        "How many passengers did Rookwood Airlines carry?",
    ),
    Story(
        "Sablewood Timber",
        "forestry",
        "Elderburn",
        "Greta Fane",
        "said lumber shipments fell 12 percent as house builders slowed new projects",
        "Why did Sablewood Timber shipments fall?",
    ),
    Story(
        "Tarnhelm Robotics",
        "warehouse robotics",
        "Glassford",
        "Niko Varga",
        "said its order backlog reached 740 million dollars after two large retail contracts",
        "How large is the Tarnhelm Robotics order backlog?",
    ),
    Story(
        "Umberfield Pharma",
        "generic drug",
        "Lowbridge",
        "Clara Ingram",
        "announced a share buyback of 500 million dollars to be completed within eighteen months",
        "How big is the Umberfield Pharma buyback?",
    ),
    Story(
        "Veltmoor Insurance",
        "property insurance",
        "Hatherley",
        "Owen Sykes",
        "booked catastrophe losses of 310 million dollars from the spring hailstorms",
        "What catastrophe losses did Veltmoor Insurance book?",
    ),
    Story(
        "Wrenfield Motors",
        "electric van",
        "Burtonshaw",
        "Helena Marsh",
        "delivered 42,500 electric vans in the quarter, beating its own target by about 3,000",
        "How many vans did Wrenfield Motors deliver?",
    ),
    Story(
        "Yarrowdale Telecom",
        "broadband",
        "Penmarric",
        "Felix Dunstan",
        "added 310,000 fibre broadband customers, its strongest quarter since the network was built",
        "How many broadband customers did Yarrowdale Telecom add?",
    ),
    Story(
        "Zephyrine Cosmetics",
        "beauty products",
        "Oldcastle",
        "Amara Velt",
        "priced its initial public offering at 27 dollars a share, the top of the marketed range",
        "At what price did Zephyrine Cosmetics price its IPO?",
    ),
    Story(
        "Amberlane Retail",
        "department store",
        "Thornbury",
        "Gideon Pryce",
        "reported that same-store sales fell 4.2 percent as shoppers cut back on furniture",
        "What happened to Amberlane Retail same-store sales?",
    ),
    Story(
        "Bellcrest Software",
        "cloud accounting software",
        "Fairhaven",
        "Naomi Strand",
        "said annual recurring revenue crossed 900 million dollars on strong demand from mid-sized firms",
        "What annual recurring revenue did Bellcrest Software report?",
    ),
    Story(
        "Cinderford Steel",
        "steel",
        "Ironlea",
        "Marcus Tolley",
        "idled a blast furnace and cut 1,100 jobs because of weak demand from car makers",
        "How many jobs did Cinderford Steel cut?",
    ),
    Story(
        "Dovecote Hotels",
        "hotel",
        "Seabrook",
        "Lila Armitage",
        "reported summer occupancy of 81 percent and raised its room-rate outlook",
        "What occupancy did Dovecote Hotels report?",
    ),
    Story(
        "Emberline Chemicals",
        "speciality chemicals",
        "Northwick",
        "Stefan Roald",
        "was fined 75 million dollars by the environment regulator over a river spill",
        "Why was Emberline Chemicals fined?",
    ),
    Story(
        "Foxmoor Water",
        "water utility",
        "Lindenfield",
        "Priya Calder",
        "won approval from the regulator for a 9 percent rise in household water bills",
        "What rate increase did Foxmoor Water win?",
    ),
]
REASONS = [
    "steady orders from long-standing customers and a tighter grip on costs",
    "a difficult year in which input prices rose faster than the company could pass them on",
    "a deliberate choice to invest ahead of demand rather than protect short-term margins",
    "conversations with the largest shareholders over the summer months",
    "the board's view that the balance sheet could carry the extra risk comfortably",
]
ANALYSTS = [
    "Analysts at Corbel Securities called the announcement a clear surprise and said they would revisit "
    "their estimates.",
    "One fund manager who owns the stock said the news had been expected for weeks by people who follow "
    "the sector closely.",
    "Brokers were split, with two upgrading the shares and one warning that the figures flattered the "
    "underlying trend.",
    "Credit analysts said the move did not change their view of the company's debt, which remains "
    "investment grade.",
    "A sector specialist at Harrow Lane Capital said rivals would probably face the same pressures within "
    "a year.",
]
OUTLOOKS = [
    "hiring would continue at the current pace",
    "no further announcements were planned before the annual meeting",
    "the company still expected to meet its medium-term targets",
    "management would keep a close eye on currency movements",
    "the next twelve months would be about execution rather than new projects",
]
# Questions no article answers: every app must abstain on them, before and after the writes.
UNANSWERABLE = [
    "What did Glimmerstone Aerospace pay for its satellite unit?",
    "How did the Lumerian central bank change interest rates in 1999?",
]
FEED_STORIES = STORIES[:15]  # the feed's; the rest are files in a folder
FIRST_POLL = 10  # feed entries the first poll sees; the feed grows to all 15 before the second

# The app process: what the Streamlit app does per process and per question, in a loop until the stop file
# appears, then the final questions; one JSON line per answer, any exception a traceback and exit 1.
APP_LOOP = """
import json, sys, time
from pathlib import Path

from assistant.answer import Answerer
from assistant.settings import Settings
from vectorstore.library import Library

plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
stop, deadline = Path(plan["stop"]), time.monotonic() + plan["max_seconds"]
settings = Settings()
answerer = Answerer(Library.open(settings), settings)  # ui/state.py: once per process


def ask(question, phase, round_):
    started = time.perf_counter()
    answer = answerer.ask(question, 5, None, None, True)  # ui/chat.py: extractive, the sidebar's default
    line = {
        "phase": phase,
        "round": round_,
        "question": question,
        "abstained": answer.abstained,
        "titles": [c.article.meta.title or "" for c in answer.citations],
        "seconds": round(time.perf_counter() - started, 3),
        "at": time.time(),
    }
    print(json.dumps(line), flush=True)


round_ = 0
while not stop.exists() and time.monotonic() < deadline:
    for question in plan["questions"]:
        ask(question, "loop", round_)
        time.sleep(plan["pause"])
    round_ += 1
for question in plan["final"]:
    ask(question, "final", round_)
"""


def paragraphs(n: int, s: Story) -> list[str]:
    """The text of story n: its news first, then the chief executive, an analyst, the outlook."""
    return [
        f"{s.company}, the {s.sector} group based in {s.city}, {s.news}, according to a statement "
        "released before the market opened.",
        f"Chief executive {s.chief} told analysts on a conference call that the decision reflected "
        f"{REASONS[n % 5]}. {ANALYSTS[(n // 5) % 5]}",
        f"Trading in {s.company} shares was heavy through the morning, while the wider market was little "
        f"changed. {s.chief} said the company would give a fuller update with its next quarterly results, "
        f"and added that {OUTLOOKS[(n + n // 5) % 5]}.",
    ]


def title(s: Story) -> str:
    """The headline: the company's name and its news."""
    return f"{s.company} {s.news.split(', ')[0]}"


def published(n: int) -> datetime:
    """Publication time of story n: one a day from 2 March 2026."""
    return datetime(2026, 3, 2, 8, 0, tzinfo=UTC) + timedelta(days=n)


def story_page(n: int) -> str:
    """Story n as an HTML article page."""
    s = STORIES[n]
    return page(paragraphs(n, s), title=title(s), published=published(n).isoformat())


def write_files(folder: Path, numbers: list[int]) -> list[Path]:
    """Stories as article files in a folder (named by story number, so a folder lists in that order)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{n:02d}-story.html" for n in numbers]
    for n, path in zip(numbers, paths, strict=True):
        path.write_text(story_page(n), encoding="utf-8")
    return paths


def rss(server: FixtureServer, numbers: list[int]) -> str:
    """An RSS feed whose items link to the stories' pages on the server."""
    items = "".join(
        f"<item><title>{escape(title(STORIES[n]))}</title><link>{server.url(f'/news/{n}.html')}</link>"
        f"<guid>story-{n}</guid><pubDate>{format_datetime(published(n))}</pubDate></item>\n"
        for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Team wire</title>'
        f"<link>{server.base}/</link><description>Invented market news.</description>\n"
        f"{items}</channel></rss>"
    )


def page_fetched(server: FixtureServer) -> bool:
    """True once the watcher fetched an entry's page: its first poll is under way."""
    return any(hit.startswith("/news/") for hit in list(server.hits))


def grow_feed_after_first_poll(server: FixtureServer, stop: threading.Event) -> threading.Thread:
    """Serve the first FIRST_POLL entries, and all of them once the first poll fetches an entry's page."""
    server.add("/wire.xml", rss(server, list(range(FIRST_POLL))), content_type="application/rss+xml")

    def grow() -> None:
        """Wait for the first page fetch (the first poll has its feed by then), then add the rest."""
        while not stop.wait(0.05):
            if page_fetched(server):
                everything = rss(server, list(range(len(FEED_STORIES))))
                server.add("/wire.xml", everything, content_type="application/rss+xml")
                return

    thread = threading.Thread(target=grow, daemon=True)
    thread.start()
    return thread


def team_env(home: Path, catalog_url: str, chroma_url: str) -> dict[str, str]:
    """The environment of one team process: its own home, the shared catalog and Chroma server, no LLM."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(NOT_INHERITED)}
    env.update(
        NEWSDESK_HOME=str(home),
        NEWSDESK_CATALOG_URL=catalog_url,
        NEWSDESK_CHROMA_URL=chroma_url,
        NEWSDESK_ALLOW_PRIVATE_URLS="1",
        NEWSDESK_FEEDS_MIN_INTERVAL_SECONDS="1",
        COLUMNS="300",
    )
    return env


@dataclass
class Member:
    """One process of the team, its stdout and stderr in files (no pipe can fill up and block it)."""

    name: str
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    def stdout(self) -> str:
        """What it printed so far."""
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        """What it printed on stderr so far."""
        return self.err.read_text(encoding="utf-8", errors="replace")

    def report(self) -> str:
        """Its exit code and output, for an assertion message."""
        return (
            f"--- {self.name} (exit {self.process.returncode})\n"
            f"stdout:\n{self.stdout()[-4000:]}\nstderr:\n{self.stderr()[-4000:]}"
        )

    def wait(self, timeout: float = WAIT) -> int:
        """Its exit code; the test fails with its output when it takes longer than timeout."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} still runs after {timeout:g} s\n{self.report()}")


Start = Callable[[str, list[str], dict[str, str]], "Member"]


@contextmanager
def team(workdir: Path) -> Iterator[Start]:
    """Start team members with `start(name, command, env)`; any still running at the end are killed."""
    members: list[Member] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> Member:
        """Start one member in workdir, its output in files named after it."""
        out, err = workdir / f"{name}.out", workdir / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, cwd=workdir)
        member = Member(name, process, out, err)
        members.append(member)
        return member

    try:
        yield start
    finally:
        for member in members:
            if member.process.poll() is None:
                member.process.kill()
                member.process.wait(timeout=30)


def assert_clean(member: Member) -> None:
    """The member exited 0 and its stderr names no lock, deadlock or traceback, and no error line."""
    assert member.process.returncode == 0, member.report()
    stderr = member.stderr()
    assert not LOCK_WORDS.search(stderr), member.report()
    assert "error" not in stderr.lower(), member.report()


def answers(member: Member) -> list[dict[str, Any]]:
    """The JSON lines an app process printed, one per answer."""
    return [json.loads(line) for line in member.stdout().splitlines() if line.startswith("{")]


def summary(member: Member) -> tuple[int, int, int]:
    """Added, duplicate and failed counts from an ingest's summary line."""
    found = SUMMARY.search(member.stdout())
    assert found, member.report()
    added, duplicates, failed = (int(g) for g in found.groups())
    return added, duplicates, failed


@contextmanager
def shared_library(tmp_path: Path, catalog_url: str, chroma_url: str) -> Iterator[Library]:
    """The team's library as an onlooker with a home of its own opens it; its connections closed after."""
    settings = Settings(home=tmp_path / "onlooker", catalog_url=catalog_url, chroma_url=chroma_url)
    library = Library.open(settings)
    try:
        yield library
    finally:
        library.catalog.engine.dispose()


def assert_stored_once(library: Library, numbers: list[int]) -> None:
    """Exactly these stories are stored, each once, and the index holds one vector per catalog passage."""
    summaries = library.catalog.summaries()
    texts = [library.catalog.get(s.id).text for s in summaries]
    assert len(texts) == len(set(texts)) == len(numbers), [s.meta.title for s in summaries]
    for n in numbers:
        holding = [text for text in texts if STORIES[n].company in text]
        assert len(holding) == 1, (STORIES[n].company, len(holding))
    passages = library.catalog.passages()
    assert len(passages) >= len(numbers)
    drift = examine(library)
    assert drift.clean, drift.lines()
    assert library.index.count() == len(passages)
    assert library.index.ids() == {p.id for p in passages}


def test_team_on_one_postgres_catalog_and_one_chroma_server(
    tmp_path: Path, chroma_server: str, http_server: FixtureServer
) -> None:
    """A feed watcher, a folder ingest and two app processes at once: every article stored once with its
    vectors, no lock errors, and each app answers throughout and then from what the others wrote."""
    feed_numbers = list(range(len(FEED_STORIES)))
    file_numbers = list(range(len(FEED_STORIES), len(STORIES)))
    for n in feed_numbers:  # pages take a moment, as on the web: the polls last while the others work
        http_server.add(f"/news/{n}.html", story_page(n), delay=0.2)
    folder = tmp_path / "incoming"
    write_files(folder, file_numbers)
    stop_file, feed_stop = tmp_path / "stop", threading.Event()
    # each app asks about two filed stories, one of the first poll's, one of the second's, and two of none
    questions = [STORIES[n].question for n in (16, 22, 3, 13)] + UNANSWERABLE
    final = {STORIES[20].question: STORIES[20].company, STORIES[12].question: STORIES[12].company}
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "stop": str(stop_file),
                "questions": questions,
                "final": list(final),
                "pause": 0.1,
                "max_seconds": WAIT,
            }
        ),
        encoding="utf-8",
    )
    script = tmp_path / "app_loop.py"
    script.write_text(APP_LOOP, encoding="utf-8")
    wire = http_server.url("/wire.xml")
    watch_command = (
        f"{shlex.join([str(NEWSDESK), 'feeds', 'add', wire, '--every', '10s', '--name', 'wire'])} && "
        f"exec {shlex.join([str(NEWSDESK), 'watch', '--polls', '2', '--max-workers', '2'])}"
    )
    grower = grow_feed_after_first_poll(http_server, feed_stop)
    with postgres_database() as catalog_url, ExitStack() as stack:
        stack.callback(feed_stop.set)
        start = stack.enter_context(team(tmp_path))

        def env(name: str) -> dict[str, str]:
            """The environment of the member called name, with a home folder of its own."""
            return team_env(tmp_path / "homes" / name, catalog_url, chroma_server)

        apps = [
            start(name, [sys.executable, str(script), str(plan)], env(name)) for name in ("app-1", "app-2")
        ]
        watch = start("watch", ["sh", "-c", watch_command], env("watch"))
        deadline = time.monotonic() + WAIT
        while not page_fetched(http_server):  # the folder ingest starts in the middle of the first poll
            assert watch.process.poll() is None and time.monotonic() < deadline, watch.report()
            time.sleep(0.05)
        ingest = start("ingest", [str(NEWSDESK), "ingest", str(folder)], env("ingest"))
        watch.wait()
        ingest.wait()
        writers_done = time.time()
        feed_stop.set()
        stop_file.touch()
        for app in apps:
            app.wait()
        grower.join(timeout=5)

        for member in (watch, ingest, *apps):
            assert_clean(member)
        assert summary(ingest) == (len(file_numbers), 0, 0), ingest.report()
        watched = watch.stdout()
        assert "subscribed wire" in watched and "stopped after 2 polls" in watched, watch.report()
        assert f"feed wire: {FIRST_POLL} new, 0 already in the library, 0 failed" in watched, watch.report()
        rest = len(FEED_STORIES) - FIRST_POLL
        assert f"{rest} new, 0 already in the library, 0 failed ({FIRST_POLL} seen" in watched, watch.report()

        for app in apps:
            said = answers(app)
            loop = [a for a in said if a["phase"] == "loop"]
            rounds = {a["round"] for a in loop}
            assert len(rounds) >= 3, app.report()
            assert min(a["at"] for a in loop) < writers_done, "the app asked nothing while the others wrote"
            for a in loop:  # an answer cites the story asked about, or abstains (not ingested yet)
                company = next((s.company for s in STORIES if s.question == a["question"]), None)
                if company is None:
                    assert a["abstained"], a
                elif not a["abstained"]:
                    assert any(company in t for t in a["titles"]), a
            later = [a["abstained"] for a in loop if a["question"] == STORIES[13].question]
            assert True in later and later[-1] is False, "the app never saw the second poll's story arrive"
            finals = [a for a in said if a["phase"] == "final"]
            assert [a["question"] for a in finals] == list(final), app.report()
            for a in finals:  # asked of the library the app opened before any of it was written
                assert not a["abstained"], a
                assert any(final[a["question"]] in t for t in a["titles"]), a

        with shared_library(tmp_path, catalog_url, chroma_server) as library:
            assert library.catalog.article_count() == len(STORIES)
            assert_stored_once(library, feed_numbers + file_numbers)
            when = {s.meta.title: s.ingested_at for s in library.catalog.summaries()}
        polled = [when[title(STORIES[n])] for n in feed_numbers]
        filed = [when[title(STORIES[n])] for n in file_numbers]
        assert min(polled) < min(filed) and max(filed) < max(polled), "the two writers did not overlap"
        doctor = start("doctor", [str(NEWSDESK), "doctor"], env("doctor"))
        doctor.wait()
        assert_clean(doctor)
        assert f"no drift: {len(STORIES)} articles" in doctor.stdout(), doctor.report()
        homes = list((tmp_path / "homes").iterdir())
        assert len(homes) == 5  # each member's own; none holds a catalog or a passage index
        assert not [p for home in homes for p in home.iterdir() if p.name in ("catalog.sqlite", "chroma")]


def test_two_ingests_of_overlapping_files_store_each_article_once(tmp_path: Path, chroma_server: str) -> None:
    """Two ingests at once whose folders share five files: each article stored once with its vectors, and
    every shared file added by one ingest and reported as a duplicate (not a failure) by the other."""
    shared, only_a, only_b = [0, 1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]
    folder_a, folder_b = tmp_path / "desk-a", tmp_path / "desk-b"
    write_files(folder_a, shared + only_a)  # the shared files sort first in both: both race for them
    write_files(folder_b, shared + only_b)
    with postgres_database() as catalog_url, team(tmp_path) as start:
        desks = [
            start(name, [str(NEWSDESK), "ingest", str(folder)], team_env(home, catalog_url, chroma_server))
            for name, folder, home in (
                ("ingest-a", folder_a, tmp_path / "home-a"),
                ("ingest-b", folder_b, tmp_path / "home-b"),
            )
        ]
        for desk in desks:
            desk.wait()
        for desk in desks:
            assert_clean(desk)
        counted = [summary(desk) for desk in desks]
        assert sum(c[0] for c in counted) == len(shared + only_a + only_b), [d.report() for d in desks]
        assert sum(c[1] for c in counted) == len(shared), [d.report() for d in desks]
        assert all(c[2] == 0 for c in counted), [d.report() for d in desks]
        for n in shared:  # one ingest added it, the other found it already stored
            name = f"{n:02d}-story.html"
            lines = [line for desk in desks for line in desk.stdout().splitlines() if name in line]
            assert sorted(line.split()[0] for line in lines) == ["=", "✓"], lines
        with shared_library(tmp_path, catalog_url, chroma_server) as library:
            assert_stored_once(library, shared + only_a + only_b)
