"""The knowledge data files: they load, bad rows are clear errors, and extraction sees the same tables."""

from __future__ import annotations

import re
import shutil
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from assistant import knowledge
from assistant.extraction import names
from assistant.extraction.names import Lexicon
from assistant.knowledge import KnowledgeError
from assistant.verify import numbers_in
from assistant.vocabulary import MAG7, RULES, expand

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the data folder, to break on purpose."""
    return Path(shutil.copytree(knowledge.DATA_DIR, tmp_path / "data"))


def append(path: Path, text: str) -> None:
    """Add TOML text at the end of a data file."""
    path.write_text(path.read_text() + "\n" + text)


# ------------------------------------------------------------------------------------- the shipped data


def test_every_data_file_loads_and_is_read() -> None:
    knowledge.check()
    files = {p.stem for p in knowledge.DATA_DIR.glob("*.toml")}
    assert files == set(knowledge.ENTITY_TOPICS) | set(knowledge.OTHER_FILES)
    for topic in knowledge.ENTITY_TOPICS:
        assert knowledge.entities(topic), topic


def test_the_data_ships_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "assistant*" in config["packages"]["find"]["include"]
    assert config["package-data"]["assistant.knowledge"] == ["data/*.toml"]


def test_no_alias_is_claimed_by_two_entities_of_a_topic() -> None:
    for topic in knowledge.ENTITY_TOPICS:
        owners: dict[str, set[str]] = defaultdict(set)
        for row in knowledge.entities(topic):
            for name in row.names():
                owners[name.casefold()].add(row.name)
        assert {a: o for a, o in owners.items() if len(o) > 1} == {}, topic


def test_codes_are_unique_and_written_without_brackets() -> None:
    codes = [code for row in knowledge.instruments() for code in row.codes]
    assert len(codes) == len(set(codes)) == len(knowledge.by_code())
    assert not [c for c in codes if "<" in c or ">" in c or " " in c]


@pytest.mark.parametrize(
    ("code", "name", "asset_class"),
    [
        (".STI", "Straits Times Index", "index"),
        ("<.STI>", "Straits Times Index", "index"),
        (".SPX", "S&P 500", "index"),
        (".MIAPJ0000PUS", "MSCI Asia ex-Japan", "index"),
        (".SX8P", "STOXX Europe 600 Technology", "sector"),
        (".SPLRCT", "S&P 500 Information Technology", "sector"),
        (".SOX", "Philadelphia Semiconductor Index", "sector"),
        ("LCOc1", "Brent crude", "commodity"),
        ("HGc1", "Copper", "commodity"),
        ("XAU=", "Gold", "commodity"),
        ("US10YT=RR", "U.S. 10-year Treasury", "bond"),
        (".DXY", "U.S. dollar index", "currency"),
        ("JPY=", "Japanese yen", "currency"),
        ("BTC=", "Bitcoin", "crypto"),
    ],
)
def test_instruments_by_code(code: str, name: str, asset_class: str) -> None:
    row = knowledge.instrument_by_code(code)
    assert row is not None and (row.name, row.asset_class) == (name, asset_class)


def test_codes_are_case_sensitive() -> None:
    assert knowledge.instrument_by_code(".sti") is None
    assert knowledge.instrument_by_code("lcoc1") is None


# ------------------------------------------------------------------------------------- broken data files


def test_a_typo_in_a_row_names_the_file_the_row_and_the_key(data: Path) -> None:
    append(data / "indexes.toml", '[[row]]\nname = "Test Index"\nalias = ["TI"]\n')
    with pytest.raises(KnowledgeError) as err:
        knowledge.entities("indexes", data)
    message = str(err.value)
    assert message.startswith("indexes.toml: row ")
    assert '("Test Index")' in message and "alias" in message


def test_a_wrong_type_names_the_file(data: Path) -> None:
    append(data / "commodities.toml", "extra = 1\n")  # after the row array: a new top-level key
    with pytest.raises(KnowledgeError, match=r"^commodities\.toml: extra: Extra inputs"):
        knowledge.entities("commodities", data)


def test_text_that_is_not_toml_names_the_file(data: Path) -> None:
    append(data / "banks.toml", "[[row]\nname = \n")
    with pytest.raises(KnowledgeError, match=r"^banks\.toml: not valid TOML"):
        knowledge.entities("banks", data)


def test_a_missing_file_is_named(data: Path) -> None:
    (data / "verbs.toml").unlink()
    with pytest.raises(KnowledgeError, match=r"^verbs\.toml: no such data file"):
        knowledge.verbs(data)


def test_an_alias_of_two_rows_is_an_error_unless_shared(data: Path) -> None:
    row = '[[row]]\nname = "Nasdaq Other"\naliases = ["tech-heavy Nasdaq"]\nlexicon = false\n'
    append(data / "indexes.toml", row)
    with pytest.raises(KnowledgeError, match=r"indexes\.toml: 'tech-heavy nasdaq' names both"):
        knowledge.entities("indexes", data)
    text = (data / "indexes.toml").read_text()
    (data / "indexes.toml").write_text(
        text.replace("lexicon = true\n", 'lexicon = true\nshared_aliases = ["tech-heavy Nasdaq"]\n', 1)
    )
    assert knowledge.entities("indexes", data)[-1].name == "Nasdaq Other"


def test_a_code_of_two_files_names_both(data: Path) -> None:
    append(data / "bonds.toml", "")
    text = (data / "bonds.toml").read_text().replace('codes = ["US2YT=RR"]', 'codes = [".STI"]')
    (data / "bonds.toml").write_text(text)
    with pytest.raises(KnowledgeError, match=r"code '\.STI'.*indexes\.toml"):
        knowledge.by_code(data)


def test_references_to_companies_are_checked(data: Path) -> None:
    append(data / "groups.toml", '[[row]]\nname = "Odd Pair"\nmembers = ["Apple", "Applesauce"]\n')
    with pytest.raises(KnowledgeError, match=r"groups\.toml: 'Odd Pair' refers to 'Applesauce'"):
        knowledge.entities("groups", data)
    text = (data / "firms.toml").read_text().replace('"UBS"', '"UBS Group"')
    (data / "firms.toml").write_text(text)
    with pytest.raises(KnowledgeError, match=r"firms\.toml: .*UBS Group"):
        knowledge.firms(data)


def test_vocabulary_names_and_patterns_are_checked(data: Path) -> None:
    append(data / "vocabulary.toml", "[[rule]]\npattern = '\\bsmall(\\b'\n")
    with pytest.raises(KnowledgeError, match=r"vocabulary\.toml: rule \d+ .*not a regular expression"):
        knowledge.vocabulary(data)


def test_word_files_are_validated(data: Path) -> None:
    append(data / "verbs.toml", '[[set]]\npolarity = 2\npart = "verb"\nwords = ["zoomed"]\n')
    with pytest.raises(KnowledgeError, match=r"verbs\.toml: set 8: polarity"):
        knowledge.verbs(data)
    text = (data / "calendar.toml").read_text().replace('{ name = "May", number = 5 },', "")
    (data / "calendar.toml").write_text(text)
    with pytest.raises(KnowledgeError, match=r"calendar\.toml: .*months must be numbered 1 to 12"):
        knowledge.calendar(data)


# ------------------------------------------------------------------------------ numbers, calendar, verbs


def test_numbers() -> None:
    numbers = knowledge.numbers()
    words = {w.word: w.value for w in numbers.words}
    assert (words["one"], words["nineteen"], words["ninety"], words["hundred"]) == (1, 19, 90, 100)
    scales = numbers.multipliers()
    assert scales["k"] == 1_000 and scales["mln"] == scales["mn"] == scales["m"] == 1_000_000
    assert scales["bn"] == scales["b"] == 10**9 and scales["tn"] == scales["t"] == 10**12


def test_calendar() -> None:
    calendar = knowledge.calendar()
    months = {a: m.number for m in calendar.months for a in (m.name, *m.abbreviations)}
    assert (months["Sept"], months["Sep"], months["May"], len(calendar.months)) == (9, 9, 5, 12)
    assert {d.name: d.number for d in calendar.weekdays}["Monday"] == 0
    assert {r.word: r.offset for r in calendar.relative_days} == {"today": 0, "yesterday": -1, "tomorrow": 1}


def test_verbs() -> None:
    table = {(v.word, v.part): v.polarity for v in knowledge.verbs()}
    for word in ("rose", "rallied", "edged up", "ticked up", "strengthened", "rebounded", "added"):
        assert table[(word, "verb")] == 1, word
    for word in ("fell", "slid", "shed", "tanked", "skidded", "eased", "retreated"):
        assert table[(word, "verb")] == -1, word
    assert table[("gain", "noun")] == 1 and table[("slump", "noun")] == -1
    assert table[("higher", "adverb")] == 1 and table[("off", "adverb")] == -1
    assert {w for (w, _part), p in table.items() if p == 0} >= {"flat", "unchanged", "steady"}


# ---------------------------------------------------------------------- the users of the data, unchanged

SENTENCES = {
    "The S&P 500 rose 1.2% and the tech-heavy Nasdaq gained 2%, while the small-cap Russell 2000 slipped; "
    "gold and Brent crude fell as the Fed held rates.": [
        ("S&P 500", "S&P 500", "index"),
        ("tech-heavy Nasdaq", "Nasdaq Composite", "index"),
        ("small-cap Russell 2000", "Russell 2000", "index"),
        ("gold", "Gold", "asset"),
        ("Brent crude", "Brent crude", "asset"),
        ("Fed", "Federal Reserve", "bank"),
    ],
    "Nvidia (NASDAQ: NVDA) and Acme Widgets Corp (NYSE: ACME) led the Magnificent Seven higher; Azure "
    "helped Microsoft, and consumer staples lagged the STOXX 600.": [
        ("Nvidia (NASDAQ: NVDA)", "Nvidia", "company"),
        ("Acme Widgets Corp (NYSE: ACME)", "Acme Widgets", "company"),
        ("Magnificent Seven", "Magnificent Seven", "group"),
        ("Azure", "Microsoft Azure", "product"),
        ("Microsoft", "Microsoft", "company"),
        ("consumer staples", "Consumer Staples", "sector"),
        ("STOXX 600", "Stoxx 600", "index"),
    ],
    # the new rows (Straits Times, currencies, bonds, sector indexes) stay out of extraction for now
    "Singapore stocks <.STI> rose, the euro <EUR=> firmed and the U.S. 10-year Treasury yield <US10YT=RR> "
    "eased; the Straits Times Index and the Hang Seng China Enterprises index were mixed, bitcoin <BTC=> "
    "slid.": [
        ("Hang Seng", "Hang Seng", "index"),
        ("bitcoin", "Bitcoin", "asset"),
        ("BTC", "Bitcoin", "asset"),
    ],
}


@pytest.mark.parametrize("sentence", list(SENTENCES))
def test_the_lexicon_finds_the_same_mentions(sentence: str) -> None:
    lexicon = Lexicon()
    lexicon.learn_listings(sentence)
    found = [(sentence[m.start : m.end], m.name, m.kind) for m in lexicon.mentions(sentence)]
    assert found == SENTENCES[sentence]


def test_only_lexicon_rows_feed_the_tables() -> None:
    in_tables = {(e.kind, e.name) for e in names.ALL_ENTITIES}
    rows = [row for row in knowledge.instruments() if row.lexicon]
    assert in_tables == {(row.kind, row.name) for row in rows} and len(names.ALL_ENTITIES) == len(rows)
    assert {e.kind for e in names.ALL_ENTITIES} == {
        "index",
        "sector",
        "company",
        "group",
        "asset",
        "bank",
        "product",
    }
    assert names.find("Straits Times") is None and names.find("euro") is None
    assert {firm.name for firm in knowledge.firms()} == names.FIRMS and "T. Rowe Price" in names.FIRMS


@pytest.mark.parametrize(
    "name",
    [
        "S&P 500",
        "S&P500",
        "S&P 400",
        "S&P 600",
        "S&P 100",
        "S&P 1500",
        "S&P/ASX 200",
        "S&P/ASX 100",
        "Russell 1000",
        "Russell 2000",
        "Russell 3000",
        "FTSE 100",
        "FTSE 250",
        "FTSE 350",
        "Stoxx 600",
        "Stoxx 50",
        "STOXX 600",
        "STOXX 50",
        "Euro Stoxx 50",
        "Nikkei 225",
        "Nasdaq 100",
        "Nasdaq-100",
        "NASDAQ-100",
        "CAC 40",
        "DAX 40",
        "ASX 200",
        "Nifty 50",
        "NIFTY 50",
        "KOSPI 200",
        "TSX 60",
        "Fortune 500",
        "Fortune 100",
        "Magnificent 7",
        "Mag 7",
        "Dow 30",
        "G7",
        "G-7",
        "G8",
        "G-10",
        "G20",
        "G-20",
        "CSI 300",
    ],
)
def test_verification_ignores_digits_of_index_names(name: str) -> None:
    assert [n.text for n in numbers_in(f"The {name} rose 2% on the day.")] == ["2%"]


def test_vocabulary_rules_come_from_the_data() -> None:
    written = re.findall(r"^\[\[rule\]\]", (knowledge.DATA_DIR / "vocabulary.toml").read_text("utf-8"), re.M)
    assert len(RULES) == len(knowledge.vocabulary()) == len(written) >= 19
    assert set(MAG7) == {"Alphabet", "Amazon", "Apple", "Meta Platforms", "Microsoft", "Nvidia", "Tesla"}
    assert expand("How did small caps do?").entities == ["Russell 2000"]
    hyperscalers = expand("What do hyperscalers spend?")
    assert hyperscalers.entities == [
        "Big Four hyperscalers",
        "Alphabet",
        "Amazon",
        "Meta Platforms",
        "Microsoft",
    ]
    assert hyperscalers.text.endswith("Meta Platforms Microsoft Oracle")
