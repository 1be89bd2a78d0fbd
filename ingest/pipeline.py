"""The ingest pipeline: sources -> drafts -> articles + passages -> embeddings -> library, per item."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from assistant.errors import DuplicateArticleError, FetchError, NewsdeskError, SourceError
from assistant.extraction.run import FactExtraction, make_extraction
from assistant.facts import Fact
from assistant.models import Article, ArticleMeta, IngestOutcome, Passage
from assistant.settings import Settings
from ingest.chunk import chunk_spans
from ingest.clean import clean_meta, word_count
from ingest.extract import Draft, extract_plain, site_from_url
from ingest.feeds import FeedEntry, looks_like_feed, parse_feed
from ingest.fetch import FEED_TYPES, PDF_TYPES, TEXT_TYPES, Fetched, Fetcher
from ingest.files import (
    FEED_SUFFIXES,
    directory_files,
    draft_from_bytes,
    draft_from_file,
    manifest_meta,
    read_checked,
)
from ingest.overlap import Overlap
from ingest.policy import has_credentials, without_credentials
from vectorstore.doctor import Drift, heal
from vectorstore.library import Entry, Library

OUTSIDE_LINK = "a symbolic link out of the folder, not followed; give its target by name to ingest it"
T = TypeVar("T")
BATCH_ARTICLES = 48  # articles whose passages are embedded together: fewer, larger encode calls


@dataclass(frozen=True)
class TextSource:
    """Raw article text given directly (CLI --text or stdin)."""

    text: str
    label: str = "text"


Source = str | Path | TextSource


@dataclass(frozen=True)
class Job:
    """One item to ingest: a label, a loader for its draft and metadata that overrides the draft's."""

    item: str
    load: Callable[[], Draft]
    meta: ArticleMeta = field(default_factory=ArticleMeta)


class Progress(Protocol):
    """Receives the number of items found and each item's outcome."""

    def planned(self, count: int) -> None:
        """More items were found."""

    def started(self, item: str) -> None:
        """Work on an item (fetching, extracting) began."""

    def done(self, outcome: IngestOutcome) -> None:
        """One item finished."""


Report = Callable[[int, IngestOutcome], None]


class _Silent:
    """Progress that reports nothing."""

    def planned(self, count: int) -> None:
        """Ignore."""

    def started(self, item: str) -> None:
        """Ignore."""

    def done(self, outcome: IngestOutcome) -> None:
        """Ignore."""


@dataclass
class _Prepared:
    """An article ready to store."""

    job: Job
    article: Article
    passages: list[Passage]
    notes: list[str]
    position: int = 0
    facts: list[Fact] = field(default_factory=list)


def duplicate(item: str, exc: DuplicateArticleError) -> IngestOutcome:
    """A duplicate outcome pointing at the stored article."""
    return IngestOutcome(
        item=item, status="duplicate", message=str(exc), article_id=exc.article_id, title=exc.title
    )


def unexpected(item: str, exc: Exception) -> SourceError:
    """Wrap an error no newsdesk code anticipated, so it is reported like any other failure."""
    return SourceError(f"{item}: unexpected {type(exc).__name__} ({exc}); please report this item")


def failed(item: str, exc: Exception) -> IngestOutcome:
    """A failed outcome whose message names the item once."""
    message = str(exc)
    return IngestOutcome(item=item, status="failed", message=message.removeprefix(f"{item}: "))


class Ingestor:
    """Runs sources through extraction, chunking and embedding into a library, item by item."""

    def __init__(
        self,
        settings: Settings,
        library: Library,
        fetcher: Fetcher | None = None,
        extraction: FactExtraction | None = None,
    ) -> None:
        self.settings = settings
        self.library = library
        self.fetcher = fetcher or Fetcher(settings)
        self.extraction = extraction or make_extraction(settings)
        self.repaired = Drift()  # what the check at the start of the last run found and repaired
        self._prefetched: dict[str, Fetched | Exception] = {}  # URL sources fetched ahead by run

    def run(
        self,
        sources: Sequence[Source],
        overrides: ArticleMeta | None = None,
        progress: Progress | None = None,
    ) -> list[IngestOutcome]:
        """Ingest every source; one outcome per item, failures never stop the batch.  First the cheap
        catalog/index check: drift a killed process left behind is repaired before anything is added."""
        try:
            self.repaired = heal(self.library)
        except Exception:  # a store failing here fails each item below, with its own one-line message
            self.repaired = Drift()
        progress = progress or _Silent()
        overrides = overrides or ArticleMeta()
        results: dict[int, IngestOutcome] = {}

        def report(seq: int, outcome: IngestOutcome) -> None:
            results[seq] = outcome
            progress.done(outcome)

        overlap = Overlap(report)
        try:
            self._run(sources, overrides, progress, overlap)
        finally:
            overlap.close()
        return [results[seq] for seq in sorted(results)]

    def _run(
        self, sources: Sequence[Source], overrides: ArticleMeta, progress: Progress, overlap: Overlap
    ) -> None:
        """Expand the sources into jobs and ingest them in batches, one batch in flight at a time."""
        pending: list[tuple[int, Job]] = []
        seq = 0
        self._prefetched = self._fetch_all([s for s in sources if isinstance(s, str) and _is_url(s)])
        for source in sources:
            label = source.label if isinstance(source, TextSource) else without_credentials(str(source))
            progress.started(label)
            try:
                entries = list(self._expand(source))
            except Exception as exc:  # expansion errors newsdesk anticipates are outcomes already
                entries = [failed(label, unexpected(label, exc))]
            progress.planned(len(entries))
            for entry in entries:
                if isinstance(entry, IngestOutcome):
                    overlap.emit(seq, entry)
                else:
                    pending.append((seq, entry))
                seq += 1
                if len(pending) == BATCH_ARTICLES:
                    self._ingest_batch(pending, overrides, overlap, progress)
                    pending = []
        self._ingest_batch(pending, overrides, overlap, progress)

    def run_entry(self, entry: FeedEntry, item: str) -> IngestOutcome:
        """Ingest one parsed feed entry as `run` ingests a feed's (its page, else the feed's own text);
        subscriptions call it entry by entry, so they can stop between two items."""
        entry = _entry_without_credentials(entry)
        outcomes: dict[int, IngestOutcome] = {}
        job = Job(item, lambda: self._load_entry(entry, item))
        overlap = Overlap(outcomes.__setitem__, background=False)
        self._ingest_batch([(0, job)], ArticleMeta(), overlap, _Silent())
        overlap.close()
        return outcomes[0]

    # -- expansion: one source -> jobs (or immediate outcomes) ------------------------------------

    def _expand(self, source: Source) -> Iterator[Job | IngestOutcome]:
        """Turn a source into jobs: a directory into its files, a feed into its entries."""
        if isinstance(source, TextSource):
            yield Job(source.label, lambda: extract_plain(source.text, source.label))
            return
        label = str(source)
        if isinstance(source, str) and _is_url(source):
            yield from self._expand_url(source)
            return
        path = Path(source)
        if path.is_dir():
            files, skipped, links = directory_files(path)
            if not files:
                yield failed(
                    label, SourceError(f"{label}: no .html .htm .txt .md or .pdf files in the directory")
                )
            for file in files:
                yield self._file_job(file)
            for file in skipped:
                reason = (
                    "a feed file: give it by name to ingest its entries"
                    if file.suffix.lower() in FEED_SUFFIXES
                    else "not an article file type"
                )
                yield IngestOutcome(item=str(file), status="skipped", message=reason)
            for link in links:
                yield IngestOutcome(item=str(link), status="skipped", message=OUTSIDE_LINK)
        elif path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
            try:
                yield from self._feed_jobs(read_checked(path, self.settings), label)
            except NewsdeskError as exc:
                yield failed(label, exc)
        elif path.is_file():
            yield self._file_job(path)
        else:
            yield failed(
                label, SourceError(f"{label}: not a URL (http/https) nor an existing file or directory")
            )

    def _file_job(self, path: Path) -> Job:
        """A job for one article file, with its manifest metadata."""
        return Job(str(path), lambda: draft_from_file(path, self.settings), manifest_meta(path))

    def _expand_url(self, url: str) -> Iterator[Job | IngestOutcome]:
        """Fetch a URL once (fetched ahead by the pool): a feed becomes its entries, anything else one page
        job."""
        try:
            fetched = self._prefetched.pop(url, None) or self.fetcher.fetch(url)
            if isinstance(fetched, Exception):
                raise fetched
            if fetched.media_type in FEED_TYPES or looks_like_feed(fetched.body):
                yield from self._feed_jobs(fetched.body, url)
                return
        except NewsdeskError as exc:
            yield failed(without_credentials(url), exc)  # the policy refuses user:pass@; never shown
            return
        yield Job(url, lambda: draft_from_fetched(fetched))

    def _feed_jobs(self, body: bytes, label: str) -> Iterator[Job]:
        """One job per feed entry."""
        for n, entry in enumerate(map(_entry_without_credentials, parse_feed(body, label)), start=1):
            item = without_credentials(entry.link) if entry.link else f"{label}#{n}"
            yield Job(item, lambda entry=entry, item=item: self._load_entry(entry, item))  # type: ignore[misc]

    def _load_entry(self, entry: FeedEntry, item: str) -> Draft:
        """The entry's page, its gaps filled from the feed; else the entry's own text when long enough."""
        try:
            if entry.link is None:
                raise FetchError(f"{item}: the entry has no link")
            draft = draft_from_fetched(self.fetcher.fetch(entry.link))
            self._check_length(draft)
            return Draft(draft.text, draft.meta.filled_from(entry.meta), item)
        except SourceError as exc:
            if word_count(entry.content) >= self.settings.min_article_words:
                reason = str(exc).removeprefix(f"{item}: ")
                return Draft(
                    entry.content,
                    entry.meta,
                    item,
                    notes=[f"page unavailable ({reason}); used the feed's text"],
                )
            reason = str(exc).removeprefix(f"{item}: ")
            raise SourceError(f"{item}: {reason}; the feed's own text for it is too short to use") from exc

    # -- per batch: prepare, embed together, store one by one ---------------------------------------

    def _ingest_batch(
        self, jobs: Sequence[tuple[int, Job]], overrides: ArticleMeta, overlap: Overlap, progress: Progress
    ) -> None:
        """Prepare a batch of jobs, then put it in flight: its passages embedded in one call on the worker
        while the next batch is prepared, each article stored atomically when it lands."""
        report = overlap.emit
        ready: list[_Prepared] = []
        seen: set[str] = set()
        drafts = self._load_all([job for _seq, job in jobs])
        for (seq, job), draft in zip(jobs, drafts, strict=True):
            progress.started(job.item)
            try:
                if isinstance(draft, Exception):
                    raise draft
                prepared = self._prepare(job, draft, overrides, seq)
                if prepared.article.id in seen:
                    raise DuplicateArticleError(prepared.article.id, prepared.article.meta.title)
                existing = self.library.duplicate_of(prepared.article)
                if existing is not None:
                    raise DuplicateArticleError(existing.id, existing.meta.title)
                seen.add(prepared.article.id)
                prepared.notes.extend(self._same_url_notes(prepared.article))
                extracted = self.extraction.run(prepared.article)
                prepared.facts = extracted.facts
                prepared.notes.extend(extracted.notes)
                ready.append(prepared)
            except DuplicateArticleError as exc:
                report(seq, duplicate(job.item, exc))
            except NewsdeskError as exc:
                report(seq, failed(job.item, exc))
            except Exception as exc:  # a library bug on odd input must not sink the rest of the batch
                report(seq, failed(job.item, unexpected(job.item, exc)))
        if ready:
            progress.started(f"embedding {sum(len(r.passages) for r in ready)} passages")
            texts = [p.text for r in ready for p in r.passages]
            overlap.launch(
                lambda: self.library.embedder.embed_documents(texts),
                lambda vectors: self._store(ready, vectors, overlap.report),
            )

    def _pool(self, count: int) -> ThreadPoolExecutor:
        """A bounded pool for fetching and extracting (network-bound; lxml and pypdf release the GIL in
        places): at most NEWSDESK_FETCH_WORKERS at once."""
        return ThreadPoolExecutor(max_workers=max(1, min(self.settings.fetch_workers, count)))

    def _load_all(self, jobs: Sequence[Job]) -> list[Draft | Exception]:
        """Every job's draft (or the exception loading it raised), in order, loaded by the pool."""
        if len(jobs) <= 1:
            return [_attempt(job.load) for job in jobs]
        with self._pool(len(jobs)) as pool:
            return list(pool.map(lambda job: _attempt(job.load), jobs))

    def _fetch_all(self, urls: Sequence[str]) -> dict[str, Fetched | Exception]:
        """The given URLs fetched ahead by the pool (each result, or the exception it raised)."""
        if len(urls) <= 1:
            return {}
        with self._pool(len(urls)) as pool:
            fetched = pool.map(lambda url: _attempt(lambda: self.fetcher.fetch(url)), urls)
            return dict(zip(urls, fetched, strict=True))

    def _prepare(self, job: Job, draft: Draft, overrides: ArticleMeta, position: int) -> _Prepared:
        """Cut a job's loaded draft into an article and its passages."""
        self._check_size(draft)
        self._check_length(draft)
        meta = clean_meta(draft.meta.overridden_by(job.meta).overridden_by(overrides))
        meta = meta.filled_from(ArticleMeta(source=site_from_url(meta.url)))
        article = Article.create(draft.text, meta, datetime.now(UTC).replace(tzinfo=None))
        s = self.settings
        spans = chunk_spans(article.text, s.chunk_min_words, s.chunk_max_words, s.chunk_overlap_words)
        passages = [Passage.of(article, n, span) for n, span in enumerate(spans)]
        return _Prepared(job, article, passages, list(draft.notes), position)

    def _same_url_notes(self, article: Article) -> list[str]:
        """A note when other stored articles share this URL (a revised story is kept as a new version)."""
        if not article.meta.url:
            return []
        others = self.library.catalog.ids_with_url(article.meta.url)
        return [f"new version of {', '.join(others)} (same URL, different text)"] if others else []

    def _check_size(self, draft: Draft) -> None:
        """Refuse article text over the length cap before it is chunked and its facts extracted."""
        cap = self.settings.max_article_chars
        if len(draft.text) > cap:
            raise SourceError(
                f"{draft.item}: the article text is {len(draft.text):,} characters, over the {cap:,} limit "
                "(NEWSDESK_MAX_ARTICLE_CHARS); split it or raise the limit"
            )

    def _check_length(self, draft: Draft) -> None:
        """Refuse drafts too short to be an article."""
        words = word_count(draft.text)
        if draft.given_as_text:
            if words == 0:
                raise SourceError(f"{draft.item}: no text; give an article of at least one sentence")
            return
        if words < self.settings.min_article_words:
            raise SourceError(
                f"{draft.item}: only {words} words of article text (need {self.settings.min_article_words}); "
                "the page may be paywalled, rendered by script or not an article"
            )

    def _store(self, ready: list[_Prepared], vectors: list[list[float]] | Exception, report: Report) -> None:
        """Store each article of the batch with its vectors, or nothing of it (their vectors in one write);
        when embedding failed, every article of the batch fails."""
        if isinstance(vectors, Exception):
            embedding = SourceError(f"embedding failed ({vectors}); nothing was stored")
            for r in ready:
                report(r.position, failed(r.job.item, embedding))
            return
        entries, offset = [], 0
        for r in ready:
            entries.append(Entry(r.article, r.passages, vectors[offset : offset + len(r.passages)], r.facts))
            offset += len(r.passages)
        for r, error in zip(ready, self.library.add_all(entries), strict=True):
            if isinstance(error, DuplicateArticleError):
                report(r.position, duplicate(r.job.item, error))
            elif error is not None:
                report(r.position, failed(r.job.item, error))
            else:
                report(
                    r.position,
                    IngestOutcome(
                        item=r.job.item,
                        status="added",
                        article_id=r.article.id,
                        title=r.article.meta.title,
                        passages=len(r.passages),
                        facts=len(r.facts),
                        message="; ".join(r.notes),
                    ),
                )


def _entry_without_credentials(entry: FeedEntry) -> FeedEntry:
    """The entry with user:pass@ taken out of the URL it would store; its link still fails the policy."""
    if not entry.meta.url or not has_credentials(entry.meta.url):
        return entry
    return replace(entry, meta=entry.meta.model_copy(update={"url": without_credentials(entry.meta.url)}))


def draft_from_fetched(fetched: Fetched) -> Draft:
    """Extract the article from a fetched page, PDF or text file, decoded as files are."""
    item = fetched.requested_url
    if fetched.media_type in PDF_TYPES or fetched.body.startswith(b"%PDF"):
        kind = "pdf"
    else:
        kind = "text" if fetched.media_type in TEXT_TYPES else "html"
    draft = draft_from_bytes(fetched.body, kind, item, fetched.charset, url=fetched.url)
    return Draft(draft.text, draft.meta.filled_from(ArticleMeta(url=fetched.url)), item)


def _is_url(source: str) -> bool:
    """True for an http(s) URL source."""
    return source.startswith(("http://", "https://"))


def _attempt(load: Callable[[], T]) -> T | Exception:
    """The loader's result, or the exception it raised (re-raised later, in the item's own order)."""
    try:
        return load()
    except Exception as exc:  # handed back to the caller, which reports it against its item
        return exc
