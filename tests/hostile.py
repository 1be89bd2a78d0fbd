"""The hostile-input corpus (issue 11): files, folders, links, pipes, feeds and served bodies a hostile or
careless user could hand to `newsdesk ingest`, each with the outcome class it must end in.

Nothing here is committed as a binary file: `build(root)` writes the file, folder and feed cases under a
temporary folder at test time, and `Case.body()` makes the bodies the fixture HTTP server answers with
for the http cases.  Each case's name (``h01-empty`` ...) starts every file, folder and URL path it makes,
so the per-item lines of the CLI name the case they belong to.  tests/test_hostile.py runs the whole
corpus through the real CLI; docs/reliability.md (## Hostile inputs) records the cases and their outcomes.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf

from tests.pdfgen import make_pdf

# --- made-up prose (our own words; every company and place is fictional) ----------------------------------

PROSE = (
    "Quillmere Copper shares rose 3.5% on Tuesday after the miner said its northern smelter had restarted "
    "ahead of schedule, and that the repairs to the furnace lining cost less than the board had feared. "
    "The company kept its output guidance for the year unchanged at 210,000 tonnes.\n\n"
    "Analysts at a small regional broker said the stock still trades at a discount to its peers because "
    "investors doubt the life of the older open pit beyond the current decade. They added that a drilling "
    "campaign due to report in the autumn could settle the question either way, and that the balance sheet "
    "leaves room for a modest dividend."
)
PASSWD_MARK = "root:x:0:0"  # what /etc/passwd starts with: must appear nowhere in the library
OUTSIDE_MARK = "OUTSIDE-THE-CORPUS-7f3a"  # the text of a file a symbolic link points to: never ingested
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, a fetch is refused at once
ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x07\x9b1m\x85"  # OSC title, clear screen, colour, bell, 8-bit CSI, NEL

ARTICLE = "article"  # added: a clean article whose spans and facts check out
ERROR = "error"  # failed: one line naming the item, an anticipated reason (never "unexpected ... report")
SKIPPED = "skipped"  # skipped with a one-line reason
NONE = "none"  # no line at all: not an item (a pipe, a directory, a hidden file)


def prose(name: str) -> str:
    """The article prose with a closing line naming the case, so every case is a different article."""
    return f"{PROSE}\n\nDesk note {name}: figures as reported by the company."


def html_page(name: str, title: str | None = None, head: str = "", attrs: str = "") -> str:
    """A small article page holding the case's prose."""
    body = "".join(f"<p>{p}</p>" for p in prose(name).split("\n\n"))
    title_tag = f"<title>{title or 'Quillmere restarts smelter'}</title>"
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{title_tag}{head}</head>'
        f"<body{attrs}><main><article>{body}</article></main></body></html>"
    )


def pdf_lines(name: str) -> list[str]:
    """The prose cut into lines a one-page PDF can show (Latin-1, 90 characters)."""
    return [line for para in prose(name).split("\n\n") for line in re.findall(r".{1,90}(?:\s|$)", para)]


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of these numbered objects (1, 2, ...) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_text_ops(name: str) -> bytes:
    """A content stream showing the case's prose."""
    shown = " ".join(
        "({}) Tj T*".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in pdf_lines(name)
    )
    return f"BT /F1 10 Tf 12 TL 40 800 Td {shown} ET".encode("latin-1")


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>"
)


def pdf_bomb(name: str) -> bytes:
    """A one-page PDF whose Flate content stream inflates to 1 GiB of spaces after the text (about 1 MB)."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(_pdf_text_ops(name) + b"\n")]
    chunk = b" " * (1 << 20)
    parts += [packer.compress(chunk) for _ in range(1024)]
    parts.append(packer.flush())
    stream = b"".join(parts)
    contents = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _PAGE,
            contents,
            _FONT,
        ]
    )


def pdf_page_tree_loop(name: str) -> bytes:
    """A PDF whose page tree lists itself as its own kid (an endless tree to a naive walker)."""
    ops = _pdf_text_ops(name)
    contents = b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            _PAGE,
            contents,
            _FONT,
        ]
    )


def pypdf_bytes(writer: pypdf.PdfWriter) -> bytes:
    """What a pypdf writer writes."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(name: str, user: str, owner: str, algorithm: str) -> bytes:
    """The case's prose as a PDF encrypted by pypdf."""
    writer = pypdf.PdfWriter(
        clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(pdf_lines(name), title="Smelter")))
    )
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    return pypdf_bytes(writer)


def gzip_bomb(megabytes: int) -> bytes:
    """A gzip stream that inflates to megabytes MiB of zeros (about a thousandth of that on disk)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as packer:
        chunk = b"\0" * (1 << 20)
        for _ in range(megabytes):
            packer.write(chunk)
    return out.getvalue()


# --- feeds ----------------------------------------------------------------------------------------------


def rss(items: list[str], title: str = "Quillmere wire", doctype: str = "") -> bytes:
    """An RSS 2.0 feed of raw <item> bodies."""
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{CLOSED}/</link><description>wire</description>{body}</channel></rss>"
    ).encode()


def item(name: str, n: int, title: str = "Smelter restart", link: str | None = None, extra: str = "") -> str:
    """One feed item with the case's prose as its description (the page link is refused, the text is used)."""
    where = link if link is not None else f"{CLOSED}/{name}/{n}"
    return (
        f"<title>{title} {n}</title><link>{where}</link><guid>{CLOSED}/{name}/{n}</guid>"
        f"<description>{prose(f'{name} {n}')}{extra}</description>"
    )


LOL = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
BILLION_LAUGHS = f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LOL}]>'
XXE = (
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % remote SYSTEM "file:///etc/passwd">]>'
)


def billion_laughs(name: str) -> bytes:
    """The billion-laughs feed: nine levels of ten entity references, 10^9 'lol's if expanded."""
    return rss([item(name, 1, title="Laughs &lol9;", extra=" &lol9;")], doctype=BILLION_LAUGHS)


def xxe(name: str) -> bytes:
    """A feed whose title, item title and text reference an external entity naming /etc/passwd."""
    return rss([item(name, 1, title="Leak &xxe;", extra=" &xxe;")], title="Wire &xxe;", doctype=XXE)


def empty_entries(name: str, count: int = 1000) -> bytes:
    """A feed of count entries with no content and no link."""
    return rss(
        [
            f"<title>Empty {n}</title><guid>urn:{name}:{n}</guid><description></description>"
            for n in range(count)
        ]
    )


# --- the cases ------------------------------------------------------------------------------------------

Builder = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One hostile input: where it lies (or is served), how it is made and the outcome it must have."""

    name: str  # starts every path and URL the case makes, so its CLI lines can be told apart
    what: str  # one line for the docs
    expect: str  # ARTICLE, ERROR, SKIPPED or NONE (every line the case gives must have this class)
    path: str = ""  # where build() writes it under the root (corpus/ is walked as a folder); http: URL path
    data: bytes | Callable[[], bytes] | None = None  # the file's bytes (or the body served over HTTP)
    make: Builder | None = None  # writes something other than a plain file at the path (links, pipes, ...)
    source: str = "folder"  # folder: in corpus/; named: its path is given to ingest; http: served
    content_type: str = "text/html"  # for http cases
    status: int = 200  # for http cases
    headers: tuple[tuple[str, str], ...] = ()  # for http cases
    contains: str = ""  # for ARTICLE: text the stored article must hold
    xfail: str = ""  # a product failure this case still shows (kept as a strict xfail)
    only_if: Callable[[], bool] | None = None  # the case is meaningful only when this holds
    tolerate: tuple[str, ...] = ()  # classes some of its lines may have besides expect (NONE: all of them)
    budget: float = 0.0  # seconds: a case that must finish in time is run alone, under this timeout

    def body(self) -> bytes:
        """The case's bytes."""
        data = self.data() if callable(self.data) else self.data
        assert data is not None, self.name
        return data

    @property
    def applies(self) -> bool:
        """False when the case means nothing here (e.g. unreadable files when running as root)."""
        return self.only_if is None or self.only_if()


def _text(name: str, encoding: str, bom: bytes = b"") -> Callable[[], bytes]:
    """The case's prose in an encoding, with an optional byte-order mark."""
    return lambda: bom + prose(name).encode(encoding)


def _symlink(target: str | Callable[[Path], Path]) -> Builder:
    """A builder making a symbolic link at the path to target (a path, or one computed from the link)."""

    def make(path: Path) -> None:
        path.symlink_to(target(path) if callable(target) else target)

    return make


def _outside_file(path: Path) -> Path:
    """A file beside the corpus holding the outside marker: a link from inside points at it."""
    outside = _root_of(path) / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "h32-link-out-target.txt").write_text(f"{OUTSIDE_MARK} {PROSE}", encoding="utf-8")
    return outside / "h32-link-out-target.txt"


def _root_of(path: Path) -> Path:
    """The corpus root a case path lies under (the folder holding corpus/, feeds/, ...)."""
    for parent in path.parents:
        if parent.name == "corpus":
            return parent.parent
    raise AssertionError(path)


def _loop(path: Path) -> None:
    """A folder holding an article and two links pointing at each other."""
    path.mkdir()
    (path / "story.txt").write_text(prose(path.name), encoding="utf-8")
    (path / "loop-a.txt").symlink_to("loop-b.txt")
    (path / "loop-b.txt").symlink_to("loop-a.txt")


def _fifo(path: Path) -> None:
    """A named pipe nothing writes to: opening it for reading would block for ever."""
    os.mkfifo(path)


def _directory(path: Path) -> None:
    """A directory named like an article file."""
    path.mkdir()


def _unreadable(path: Path) -> None:
    """An article file without read permission."""
    path.write_text(prose(path.name[:3]), encoding="utf-8")
    path.chmod(0)


def _not_root() -> bool:
    """True unless running as root (root reads every file whatever its permissions)."""
    return os.geteuid() != 0


def _manifest_folder(entry: object, raw: str | None = None) -> Builder:
    """A folder holding one article file and a manifest.json with this entry for it (or raw text)."""

    def make(path: Path) -> None:
        path.mkdir()
        (path / "story.txt").write_text(prose(path.name), encoding="utf-8")
        text = raw if raw is not None else json.dumps({"story.txt": entry})
        (path / "manifest.json").write_text(text, encoding="utf-8")

    return make


def _front_matter(day: str) -> Callable[[], bytes]:
    """Markdown whose front matter dates it day, over prose with relative days and moves."""
    more = "The Russell 2000 fell 2% yesterday and will rise 1% next Monday, traders said."
    return lambda: (
        f"---\ntitle: Smelter at {day}\ndate: {day}\nsource: Desk\n---\n\n{prose(day)} {more}\n".encode()
    )


def _garbage() -> bytes:
    """64 KiB of seeded random bytes."""
    return random.Random(5).randbytes(65536)


def _png() -> bytes:
    """The start of a PNG image, padded with seeded random bytes."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(6).randbytes(4096)


def _long_text() -> bytes:
    """About 5 MB of prose paragraphs: over the article-length cap."""
    para = prose("h13") + "\n\n"
    return (para * (5_000_000 // len(para) + 1)).encode()


def _nested(depth: int) -> Callable[[], bytes]:
    """The article inside depth nested <div>s."""

    def build() -> bytes:
        page = html_page(f"nested {depth}")
        inner = page.split("<main>")[1].split("</main>")[0]
        return page.replace(inner, "<div>" * depth + inner + "</div>" * depth).encode()

    return build


def _script_only() -> bytes:
    """A page of script and style only (the prose sits inside the script)."""
    return (
        "<html><head><style>body{color:red}</style></head><body>"
        f"<script>var s = {json.dumps(prose('h15'))};document.write(s);</script>"
        "<noscript></noscript></body></html>"
    ).encode()


def _huge_attribute() -> bytes:
    """An article page whose body carries a 1 MB attribute."""
    return html_page("h16", attrs=f' data-x="{"A" * 1_000_000}"').encode()


def _many_moves() -> bytes:
    """10,000 sentences saying tin rose 3% in one paragraph (extraction must stay fast)."""
    return ("Quillmere wrap\n\n" + "Tin rose 3% on Tuesday. " * 10_000).encode()


def _many_lines() -> bytes:
    """30,000 short lines (line and sentence splitting must stay fast)."""
    return "\n".join(f"Tin up {n % 10}%." for n in range(30_000)).encode()


def _bidi() -> bytes:
    """Prose with right-to-left override and isolate characters around figures and names."""
    return (
        prose("h26")
        .replace("3.5%", "\u202e%5.3\u202c")
        .replace("Quillmere", "\u2067Quillmere\u2069")
        .encode()
    )


def _mixed() -> bytes:
    """A UTF-8 paragraph followed by a Windows-1252 one."""
    first, second = prose("h25").split("\n\n", 1)
    return (first + " Zürich €41.").encode() + b"\n\n" + (second + " Malmö £12.").encode("cp1252")


def _controls() -> bytes:
    """Prose laced with terminal escapes, C0 and C1 controls and DEL (in UTF-8)."""
    return (
        prose("h43")
        .replace("rose", f"rose{ESC}\x01\x7f")
        .replace("Analysts", "\x1b[1mAnalysts\x1b[0m")
        .encode()
    )


def _entity_controls() -> bytes:
    """A page whose title and text hold control characters written as character references."""
    page = html_page("h44", title="Smelter &#27;[31mred&#27;[0m &#x9b;1m &#7; news")
    return page.replace("Analysts", "&#0;&#x9b;&#x85;Analysts").encode()


def _file_links() -> bytes:
    """A page pointing its canonical link, refresh and frames at local files."""
    head = (
        '<link rel="canonical" href="file:///etc/passwd">'
        '<meta http-equiv="refresh" content="0;url=file:///etc/passwd">'
        '<meta property="og:url" content="javascript:alert(1)">'
    )
    page = html_page("h47", head=head)
    return page.replace("</article>", '<iframe src="file:///etc/passwd"></iframe></article>').encode()


def _huge_title() -> bytes:
    """A page whose <title> is 100,000 characters."""
    return html_page("h49", title="Smelter " * 12_500).encode()


def _js_url_front_matter() -> bytes:
    """Markdown whose front matter url is javascript: and title holds escapes."""
    return f"---\ntitle: Smelter{ESC} restart\nurl: javascript:alert(1)\n---\n\n{prose('h48')}\n".encode()


def _lone_surrogates() -> bytes:
    """UTF-8 prose with encoded lone surrogates and an overlong NUL (invalid UTF-8)."""
    return (
        prose("h46")
        .replace("furnace", "furn\udc80ace")
        .encode("utf-8", "surrogatepass")
        .replace(b"ace", b"ace\xc0\x80", 1)
    )


def _xml_as_html() -> bytes:
    """The XXE feed named .html: parsed as a page, its entity must stay unresolved."""
    return xxe("h50")


def _zero_pages() -> bytes:
    """A valid PDF with no pages."""
    return pypdf_bytes(pypdf.PdfWriter())


def _truncated_pdf() -> bytes:
    """The first 60% of a text PDF (cut inside its content stream, no cross-reference table)."""
    whole = make_pdf(pdf_lines("h08"), title="Cut")
    return whole[: len(whole) * 6 // 10]


def _utf16_html() -> bytes:
    """A page in UTF-16 LE without a byte-order mark."""
    return html_page("h24").replace('<meta charset="utf-8">', "").encode("utf-16-le")


# product failures the corpus found (issue 11), each kept as a strict xfail on its case until it is fixed
BUDGET = 30.0  # seconds for one long article through the CLI (start-up, about 6 s, included)
SLOW_MOVES = (
    "quadratic rules extraction: a move without a resolvable day joins every earlier sentence of its "
    "paragraph and rescans it for dates (rules/doc.py event_date -> dates.nearest_date); 10,000 sentences "
    "take ~230 s"
)
SLOW_LINES = (
    "quadratic rules extraction over many paragraphs: dedupe's _in_title scans every sentence per fact and "
    "quotes._paragraph_quotes every sentence per paragraph; 30,000 lines take ~50 s"
)
CASES: list[Case] = [
    Case("h01-empty", "empty file", ERROR, "corpus/h01-empty.txt", b""),
    Case("h02-blank", "whitespace only", ERROR, "corpus/h02-blank.txt", b"  \n\t\n\r\n   \n"),
    Case(
        "h03-one-word",
        "a one-word text file",
        ARTICLE,
        "corpus/h03-one-word.txt",
        b"Quillmere\n",
        contains="Quillmere",
    ),
    Case(
        "h04-nul",
        "text with NUL bytes",
        ERROR,
        "corpus/h04-nul.txt",
        lambda: prose("h04").replace("tonnes", "ton\0nes").encode(),
    ),
    Case("h05-garbage", "64 KiB of random bytes named .txt", ERROR, "corpus/h05-garbage.txt", _garbage),
    Case("h06-png", "PNG bytes named .html", ERROR, "corpus/h06-png.html", _png),
    Case(
        "h07-text-pdf",
        "plain text named .pdf",
        ERROR,
        "corpus/h07-text-pdf.pdf",
        lambda: prose("h07").encode(),
    ),
    Case("h08-truncated", "a text PDF cut at 60%", ERROR, "corpus/h08-truncated.pdf", _truncated_pdf),
    Case("h09-zero-pages", "a PDF with zero pages", ERROR, "corpus/h09-zero-pages.pdf", _zero_pages),
    Case(
        "h10-user-pw",
        "AES-256 PDF with a user password",
        ERROR,
        "corpus/h10-user-pw.pdf",
        lambda: encrypted_pdf("h10", "reader", "owner", "AES-256"),
    ),
    Case(
        "h11-owner-aes",
        "AES-128 PDF with an owner password only",
        ARTICLE,
        "corpus/h11-owner-aes.pdf",
        lambda: encrypted_pdf("h11", "", "owner", "AES-128"),
        contains="Desk note h11",
    ),
    Case(
        "h12-gzip-bomb",
        "gzip stream of 100 MiB of zeros (100 KB) named .html",
        ERROR,
        "corpus/h12-gzip-bomb.html",
        lambda: gzip_bomb(100),
    ),
    Case(
        "h13-5mb", "5 MB text file (over the 400,000-character cap)", ERROR, "corpus/h13-5mb.txt", _long_text
    ),
    Case(
        "h14-nested",
        "the article inside 100,000 nested <div>s",
        ERROR,
        "corpus/h14-nested.html",
        _nested(100_000),
    ),
    Case(
        "h15-script-only",
        "page of <script> and <style> only",
        ERROR,
        "corpus/h15-script-only.html",
        _script_only,
    ),
    Case(
        "h16-huge-attr",
        "article page with a 1 MB attribute",
        ARTICLE,
        "corpus/h16-huge-attr.html",
        _huge_attribute,
        contains="Desk note h16",
    ),
    Case(
        "h17-many-moves",
        '10,000 repeated "Tin rose 3% on Tuesday." sentences in one paragraph',
        ARTICLE,
        "timed/h17-many-moves.txt",
        _many_moves,
        source="named",
        contains="rose 3%",
        budget=BUDGET,
        xfail=SLOW_MOVES,
    ),
    Case(
        "h18-long-line",
        "one 1 MB line without spaces",
        ERROR,
        "corpus/h18-long-line.txt",
        lambda: b"x" * 1_000_000,
    ),
    Case(
        "h19-latin1",
        "Latin-1 text",
        ARTICLE,
        "corpus/h19-latin1.txt",
        lambda: (prose("h19") + " Zürich, Malmö, £12.").encode("latin-1"),
        contains="Zürich, Malmö, £12.",
    ),
    Case(
        "h20-utf16le-bom",
        "UTF-16 LE with BOM",
        ARTICLE,
        "corpus/h20-utf16le-bom.txt",
        _text("h20", "utf-16-le", codecs.BOM_UTF16_LE),
        contains="Desk note h20",
    ),
    Case(
        "h21-utf16be",
        "UTF-16 BE without BOM",
        ARTICLE,
        "corpus/h21-utf16be.txt",
        _text("h21", "utf-16-be"),
        contains="Desk note h21",
    ),
    Case(
        "h22-utf32le-bom",
        "UTF-32 LE with BOM",
        ARTICLE,
        "corpus/h22-utf32le-bom.md",
        _text("h22", "utf-32-le", codecs.BOM_UTF32_LE),
        contains="Desk note h22",
    ),
    Case(
        "h23-utf32be",
        "UTF-32 BE without BOM",
        ARTICLE,
        "corpus/h23-utf32be.txt",
        _text("h23", "utf-32-be"),
        contains="Desk note h23",
    ),
    Case(
        "h24-utf16-html",
        "HTML page in UTF-16 LE without BOM or charset",
        ARTICLE,
        "corpus/h24-utf16-html.html",
        _utf16_html,
        contains="Desk note h24",
    ),
    Case(
        "h25-mixed",
        "UTF-8 paragraph then a Windows-1252 one",
        ARTICLE,
        "corpus/h25-mixed.txt",
        _mixed,
        contains="Desk note h25",
    ),
    Case(
        "h26-bidi",
        "bidi override and isolate characters",
        ARTICLE,
        "corpus/h26-bidi.txt",
        _bidi,
        contains="Desk note h26",
    ),
    Case(
        "h27-year-0001",
        "Markdown front matter date 0001-01-01",
        ARTICLE,
        "corpus/h27-year-0001.md",
        _front_matter("0001-01-01"),
        contains="Desk note 0001-01-01",
    ),
    Case(
        "h28-year-9999",
        "Markdown front matter date 9999-12-31",
        ARTICLE,
        "corpus/h28-year-9999.md",
        _front_matter("9999-12-31"),
        contains="Desk note 9999-12-31",
    ),
    Case(
        "h29-not-yaml",
        "front matter that is not YAML",
        ARTICLE,
        "corpus/h29-not-yaml.md",
        lambda: f"---\n{{[ : : ]\n- - -\n\t!!python/object:os.system\n---\n{prose('h29')}".encode(),
        contains="Desk note h29",
    ),
    Case(
        "h30-escape-name",
        "file name with ANSI escapes and a newline",
        ARTICLE,
        "corpus/h30-escape-name\x1b[31mred\x1b]0;owned\x07\nnext.txt",
        lambda: prose("h30").encode(),
        contains="Desk note h30",
    ),
    Case(
        "h31-unicode-name",
        "file name with spaces and unicode",
        ARTICLE,
        "corpus/h31-unicode-name spaced ünï 株価 \u202etxt.md.txt",
        lambda: prose("h31").encode(),
        contains="Desk note h31",
    ),
    Case(
        "h32-link-out",
        "symlink to a file outside the folder",
        SKIPPED,
        "corpus/h32-link-out.txt",
        make=_symlink(_outside_file),
    ),
    Case(
        "h33-link-loop",
        "folder with an article and two symlinks pointing at each other",
        ARTICLE,
        "isolated/h33-link-loop",
        make=_loop,
        source="named",
        tolerate=(SKIPPED,),
        contains="Desk note h33",
    ),
    Case(
        "h34-dir.html",
        "a directory named h34-dir.html",
        NONE,
        "corpus/h34-dir.html",
        make=_directory,
        tolerate=(SKIPPED,),
    ),
    Case(
        "h35-fifo",
        "a named pipe (FIFO) named .txt in the folder",
        NONE,
        "corpus/h35-fifo.txt",
        make=_fifo,
        tolerate=(SKIPPED,),
    ),
    Case(
        "h36-unreadable",
        "a file without read permission (not as root)",
        ERROR,
        "corpus/h36-unreadable.txt",
        make=_unreadable,
        only_if=_not_root,
    ),
    Case(
        "h37-bad-manifest",
        "manifest.json that is not JSON",
        ARTICLE,
        "corpus/h37-bad-manifest",
        make=_manifest_folder(None, raw='{"story.txt": {"title": "x",,}'),
        contains="Desk note h37",
    ),
    Case(
        "h38-escape-manifest",
        "manifest with escapes in title and source, javascript: url",
        ARTICLE,
        "corpus/h38-escape-manifest",
        make=_manifest_folder(
            {
                "title": f"Smelter{ESC} restart",
                "source": f"Wire\x00{ESC}",
                "url": "javascript:alert(1)",
                "published": "2026-02-06",
            }
        ),
        contains="Desk note h38",
    ),
    Case(
        "h39-manifest-string",
        "manifest entry that is a string, not an object",
        ARTICLE,
        "isolated/h39-manifest-string",
        make=_manifest_folder("just a title"),
        source="named",
        contains="Desk note h39",
    ),
    Case(
        "h40-manifest-types",
        "manifest entry with a numeric title and a list url",
        ARTICLE,
        "isolated/h40-manifest-types",
        make=_manifest_folder({"title": 42, "url": ["http://x"], "published": 20260206}),
        source="named",
        contains="Desk note h40",
    ),
    Case(
        "h41-dev-zero",
        "symlink to /dev/zero named .txt",
        SKIPPED,
        "corpus/h41-dev-zero.txt",
        make=_symlink("/dev/zero"),
    ),
    Case(
        "h42-cr-only",
        "old Mac line endings (CR only)",
        ARTICLE,
        "corpus/h42-cr-only.txt",
        lambda: prose("h42").replace("\n", "\r").encode(),
        contains="Desk note h42",
    ),
    Case(
        "h43-controls",
        "text laced with ANSI/OSC escapes, C0/C1 controls and DEL",
        ARTICLE,
        "corpus/h43-controls.txt",
        _controls,
        contains="Desk note h43",
    ),
    Case(
        "h44-entity-controls",
        "HTML with ESC/BEL references in the title, NUL/C1 ones in the body",
        ARTICLE,
        "corpus/h44-entity-controls.html",
        _entity_controls,
        contains="Desk note h44",
    ),
    Case(
        "h45-bom-only",
        "a UTF-8 byte-order mark and nothing else",
        ERROR,
        "corpus/h45-bom-only.txt",
        codecs.BOM_UTF8,
    ),
    Case(
        "h46-bad-utf8",
        "UTF-8 with encoded lone surrogates and an overlong NUL",
        ARTICLE,
        "corpus/h46-bad-utf8.txt",
        _lone_surrogates,
        contains="Desk note h46",
    ),
    Case(
        "h47-file-links",
        "page with canonical, refresh and iframe pointing at file:///etc/passwd",
        ARTICLE,
        "corpus/h47-file-links.html",
        _file_links,
        contains="Desk note h47",
    ),
    Case(
        "h48-js-front-matter",
        "front matter with a javascript: url and escapes in the title",
        ARTICLE,
        "corpus/h48-js-front-matter.md",
        _js_url_front_matter,
        contains="Desk note h48",
    ),
    Case(
        "h49-huge-title",
        "page with a 100,000-character <title>",
        ARTICLE,
        "corpus/h49-huge-title.html",
        _huge_title,
        contains="Desk note h49",
    ),
    Case("h50-xxe-html", "the XXE feed named .html", ERROR, "corpus/h50-xxe-html.html", _xml_as_html),
    Case(
        "h51-pdf-bomb",
        "PDF whose content stream inflates to 1 GiB",
        ERROR,
        "corpus/h51-pdf-bomb.pdf",
        lambda: pdf_bomb("h51"),
    ),
    Case(
        "h52-pdf-loop",
        "PDF whose page tree contains itself",
        ERROR,
        "corpus/h52-pdf-loop.pdf",
        lambda: pdf_page_tree_loop("h52"),
    ),
    Case(
        "h53-hidden",
        "a hidden file (.name) in the folder",
        NONE,
        "corpus/.h53-hidden.txt",
        lambda: prose("h53").encode(),
    ),
    Case(
        "h54-feed-in-folder",
        "a feed file inside the folder",
        SKIPPED,
        "corpus/h54-feed-in-folder.xml",
        lambda: rss([item("h54-feed-in-folder", 1)]),
    ),
    Case(
        "h55-many-lines",
        "30,000 short lines",
        ARTICLE,
        "timed/h55-many-lines.txt",
        _many_lines,
        source="named",
        contains="Tin up 9%.",
        budget=BUDGET,
        xfail=SLOW_LINES,
    ),
    Case(
        "h56-fifo-named",
        "a named pipe given by name",
        ERROR,
        "isolated/h56-fifo-named.txt",
        make=_fifo,
        source="named",
    ),
    Case(
        "h57-entity-esc-body",
        "article page with one &#27; character reference in its body",
        ARTICLE,
        "corpus/h57-entity-esc-body.html",
        lambda: html_page("h57").replace("Analysts", "&#27;Analysts").encode(),
        contains="Desk note h57",
    ),
    # feeds, given by name (a folder walk skips them)
    Case(
        "h60-billion-laughs",
        "billion-laughs RSS feed (file)",
        ARTICLE,
        "feeds/h60-billion-laughs.xml",
        lambda: billion_laughs("h60-billion-laughs"),
        source="named",
        contains="Desk note h60",
    ),
    Case(
        "h61-xxe",
        "RSS feed with an external entity naming /etc/passwd (file)",
        ARTICLE,
        "feeds/h61-xxe.xml",
        lambda: xxe("h61-xxe"),
        source="named",
        contains="Desk note h61",
    ),
    Case(
        "h62-empty-entries",
        "RSS feed of 1000 entries without content or link",
        ERROR,
        "feeds/h62-empty-entries.xml",
        lambda: empty_entries("h62-empty-entries"),
        source="named",
    ),
    Case(
        "h63-js-links",
        "RSS entries with javascript: and file: links",
        ARTICLE,
        "feeds/h63-js-links.xml",
        lambda: rss(
            [
                item("h63-js-links", 1, link="javascript:alert(document.cookie)"),
                item("h63-js-links", 2, link="file:///etc/passwd"),
            ]
        ),
        source="named",
        contains="Desk note h63",
    ),
    Case(
        "h64-ansi-titles",
        "RSS entry and channel titles with ANSI escapes",
        ARTICLE,
        "feeds/h64-ansi-titles.xml",
        lambda: rss([item("h64-ansi-titles", 1, title=f"Smelter{ESC}")], title=f"Wire{ESC}"),
        source="named",
        contains="Desk note h64",
    ),
    Case(
        "h65-ansi-summary",
        "RSS summary starting with a terminal escape before its markup",
        ARTICLE,
        "feeds/h65-ansi-summary.xml",
        lambda: rss(
            [
                item("h65-ansi-summary", 1).replace(
                    "<description>", "<description>\x1b[31m&lt;b&gt;Alert&lt;/b&gt; "
                )
            ]
        ),
        source="named",
        contains="Desk note h65",
    ),
    Case(
        "h66-year-zero",
        "RSS entries dated in year 0 and year 10000 (UTC)",
        ARTICLE,
        "feeds/h66-year-zero.xml",
        lambda: rss(
            [
                item("h66-year-zero", 1) + "<pubDate>0000-01-01</pubDate>",
                item("h66-year-zero", 2) + "<pubDate>Fri, 9999/12/31 23:59:59 EDT</pubDate>",
            ]
        ),
        source="named",
        contains="Desk note h66",
    ),
    Case(
        "h67-not-a-feed",
        "random bytes named .xml",
        ERROR,
        "feeds/h67-not-a-feed.xml",
        _garbage,
        source="named",
    ),
    # served by the fixture HTTP server
    Case(
        "h70-http-billion-laughs",
        "billion-laughs feed over HTTP",
        ARTICLE,
        "/h70-http-billion-laughs.xml",
        lambda: billion_laughs("h70-http-billion-laughs"),
        source="http",
        content_type="application/rss+xml",
        contains="Desk note h70",
    ),
    Case(
        "h71-http-xxe",
        "XXE feed over HTTP",
        ARTICLE,
        "/h71-http-xxe.xml",
        lambda: xxe("h71-http-xxe"),
        source="http",
        content_type="application/rss+xml",
        contains="Desk note h71",
    ),
    Case(
        "h72-http-gzip-bomb",
        "page with Content-Encoding: gzip inflating to 1 GiB",
        ERROR,
        "/h72-http-gzip-bomb.html",
        lambda: gzip_bomb(1024),
        source="http",
        headers=(("Content-Encoding", "gzip"),),
    ),
    Case(
        "h73-http-utf16",
        "UTF-16 LE text served without a charset",
        ARTICLE,
        "/h73-http-utf16.txt",
        _text("h73", "utf-16-le"),
        source="http",
        content_type="text/plain",
        contains="Desk note h73",
    ),
    Case("h74-http-png", "PNG bytes served as text/html", ERROR, "/h74-http-png.html", _png, source="http"),
    Case(
        "h75-http-to-file",
        "redirect to file:///etc/passwd",
        ERROR,
        "/h75-http-to-file.html",
        b"",
        source="http",
        status=302,
        headers=(("Location", "file:///etc/passwd"),),
    ),
]


def build(root: Path) -> list[Case]:
    """Write every applicable file and folder case under root; return the cases built."""
    built = []
    for case in CASES:
        if not case.applies or case.source == "http":
            continue
        path = root / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if case.make is not None:
            case.make(path)
        else:
            path.write_bytes(case.body())
        built.append(case)
    return built
