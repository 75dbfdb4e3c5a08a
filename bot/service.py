"""What every front end (command line, Telegram, console chat) calls: ingest and digests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.polling import ingest_url
from ingest.errors import IngestError
from ingest.feeds import Fetcher, make_client
from ingest.files import expand_sources, load_file
from storage.articles import (
    articles_version,
    latest_topic_time,
    save_article,
    window_documents,
)
from storage.db import iso
from summarize.digest import DEFAULT_MAX_WORDS, build_digest
from summarize.errors import UnknownTopic
from summarize.model import Digest
from summarize.topics import Topic, find_topic


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one source: status is 'added', 'duplicate' or 'rejected'."""

    source: str
    status: str
    detail: str


def ingest_files(
    db: Database,
    paths: Sequence[str],
    topics: Sequence[Topic],
    now: datetime,
    outlet: str | None = None,
    published: str | None = None,
) -> Iterator[IngestOutcome]:
    """Read each file (folders expanded), store new articles, report each source."""
    for path in expand_sources(paths):
        try:
            article = load_file(path, topics, outlet=outlet, published=published)
        except IngestError as error:
            yield IngestOutcome(str(path), "rejected", str(error))
            continue
        tagged = sorted({t for s in article.sentences for t in s.topics})
        about = (
            f"{article.outlet or 'unknown outlet'}, {article.published or 'undated'}, "
            f"{len(article.sentences)} sentences, topics: {', '.join(tagged) or 'none'}"
        )
        if save_article(db, article, now):
            yield IngestOutcome(str(path), "added", f"{article.id} “{article.title}” ({about})")
        else:
            yield IngestOutcome(str(path), "duplicate", f"already stored as {article.id}")


def resolve_topic(name: str, topics: Sequence[Topic]) -> Topic:
    topic = find_topic(name, topics)
    if topic is None:
        known = ", ".join(t.name for t in topics)
        raise UnknownTopic(f"unknown topic {name!r} (known topics: {known})")
    return topic


class DigestCache:
    """Digests by their inputs and the state of the articles table: a new or pruned
    article changes the version, so a stale digest is never served."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._digests: dict[tuple[object, ...], Digest] = {}

    def get_or_build(
        self, db: Database, key: tuple[object, ...], now: datetime, build: Callable[[], Digest]
    ) -> Digest:
        full_key = (*key, articles_version(db))
        digest = self._digests.get(full_key)
        if digest is None:
            if len(self._digests) >= self.size:
                self._digests.pop(next(iter(self._digests)))
            digest = self._digests[full_key] = build()
        return replace(digest, generated_at=now.isoformat(timespec="seconds"))


def topic_digest(
    db: Database,
    topic: Topic,
    now: datetime,
    *,
    since: datetime | None = None,
    max_words: int = DEFAULT_MAX_WORDS,
    window_days: float = 3.0,
    cache: DigestCache | None = None,
) -> Digest:
    """The digest of `topic`: from `since` on, else the few days up to its newest article."""
    if cache is not None:
        key = ("topic", topic.name, since, max_words, window_days)
        return cache.get_or_build(
            db,
            key,
            now,
            lambda: topic_digest(
                db, topic, now, since=since, max_words=max_words, window_days=window_days
            ),
        )
    if since is not None:
        documents = window_documents(db, topic.name, iso(since))
    else:
        newest = latest_topic_time(db, topic.name)
        if newest is None:
            documents = []
        else:
            start = datetime.fromisoformat(newest) - timedelta(days=window_days)
            documents = window_documents(db, topic.name, iso(start), newest)
    return build_digest(documents, now=now, topic=topic, max_words=max_words)


async def ingest_urls(
    db: Database,
    urls: Sequence[str],
    topics: Sequence[Topic],
    now: datetime,
    outlet: str | None = None,
) -> list[IngestOutcome]:
    """Fetch each URL once (a feed's new entries or one article page) and store what is new."""
    outcomes = []
    async with make_client() as client:
        fetcher = Fetcher(client)
        for url in urls:
            report = await ingest_url(fetcher, db, url, topics, now, outlet)
            if report.error:
                outcomes.append(IngestOutcome(url, "rejected", report.error))
            elif report.added:
                detail = f"{len(report.added)} new article(s), {report.duplicates} already stored"
                outcomes.append(IngestOutcome(url, "added", detail))
            elif report.duplicates:
                outcomes.append(IngestOutcome(url, "duplicate", "nothing new"))
            else:
                outcomes.append(IngestOutcome(url, "rejected", "no article text found"))
    return outcomes
