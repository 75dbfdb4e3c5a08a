"""What every front end (command line, Telegram, console chat) calls: ingest and digests."""

from __future__ import annotations

import asyncio
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


# How a digest is made: called where the database lives, it reads the articles and
# returns the summarizing step, which needs no database and may run in another thread.
Build = Callable[[], Callable[[], Digest]]


async def build_off_loop(build: Build) -> Digest:
    """Read on the event loop, summarize in a worker thread: replies keep flowing meanwhile."""
    return await asyncio.to_thread(build())


class DigestCache:
    """Digests by their inputs and the state of the articles table: a new or pruned
    article changes the version, so a stale digest is never served."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._digests: dict[tuple[object, ...], Digest] = {}
        self._building: dict[tuple[object, ...], asyncio.Future[Digest]] = {}

    def get_or_build(
        self, db: Database, key: tuple[object, ...], now: datetime, build: Build
    ) -> Digest:
        full_key = (*key, articles_version(db))
        digest = self._digests.get(full_key) or self._keep(full_key, build()())
        return replace(digest, generated_at=now.isoformat(timespec="seconds"))

    async def get_or_build_off_loop(
        self, db: Database, key: tuple[object, ...], now: datetime, build: Build
    ) -> Digest:
        """As get_or_build, summarizing in a worker thread, once for all who ask meanwhile."""
        full_key = (*key, articles_version(db))
        digest = self._digests.get(full_key)
        if digest is None:
            building = self._building.get(full_key)
            if building is None:
                building = self._building[full_key] = asyncio.ensure_future(build_off_loop(build))
                building.add_done_callback(lambda _: self._building.pop(full_key, None))
            digest = self._keep(full_key, await asyncio.shield(building))
        return replace(digest, generated_at=now.isoformat(timespec="seconds"))

    def _keep(self, key: tuple[object, ...], digest: Digest) -> Digest:
        if key not in self._digests and len(self._digests) >= self.size:
            self._digests.pop(next(iter(self._digests)))
        self._digests[key] = digest
        return digest


def _topic_build(
    db: Database, topic: Topic, now: datetime, since: datetime | None, max_words: int, days: float
) -> tuple[tuple[object, ...], Build]:
    """The cache key of a topic digest and how to build it."""

    def read() -> Callable[[], Digest]:
        if since is not None:
            documents = window_documents(db, topic.name, iso(since))
        else:
            newest = latest_topic_time(db, topic.name)
            documents = []
            if newest is not None:
                start = datetime.fromisoformat(newest) - timedelta(days=days)
                documents = window_documents(db, topic.name, iso(start), newest)
        return lambda: build_digest(documents, now=now, topic=topic, max_words=max_words)

    return ("topic", topic.name, since, max_words, days), read


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
    key, build = _topic_build(db, topic, now, since, max_words, window_days)
    return build()() if cache is None else cache.get_or_build(db, key, now, build)


async def topic_digest_off_loop(
    db: Database, topic: Topic, now: datetime, cache: DigestCache, window_days: float = 3.0
) -> Digest:
    """The latest digest of `topic` as `topic_digest` makes it, summarized off the loop."""
    key, build = _topic_build(db, topic, now, None, DEFAULT_MAX_WORDS, window_days)
    return await cache.get_or_build_off_loop(db, key, now, build)


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
