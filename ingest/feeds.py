"""RSS/Atom feeds and article pages over one shared `httpx.AsyncClient`.

Fetching is bounded every way the web can break: a per-request timeout and an overall
deadline, a body size limit enforced while streaming (after gzip), at most five
redirects, at most two requests at a time per host, conditional GET with ETag and
Last-Modified. A failed article page falls back to the entry's summary.
"""

from __future__ import annotations

import asyncio
import codecs
import html
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from xml.sax import SAXException

import feedparser
import httpx
from sqlite_utils import Database

from ingest.article import Article, build_article
from ingest.clean import clean_lines
from ingest.errors import IngestError, NoArticleText
from ingest.feed_policy import (
    canonical_url,
    domain_outlet,
    next_check,
    poll_interval,
    should_disable,
)
from ingest.files import extract_html
from storage.articles import save_article
from storage.db import iso
from storage.feeds import FeedState, entry_seen, mark_entry, record_poll
from summarize.topics import Topic

log = logging.getLogger(__name__)
USER_AGENT = "sitrep/0.1 (news digest bot; feed reader)"
TIMEOUT = 15.0
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_PAGE_BYTES = 3 * 1024 * 1024
MAX_REDIRECTS = 5
PER_HOST = 2


class FetchError(IngestError):
    """A URL could not be fetched (status, network, timeout, size, redirects)."""


class FeedError(IngestError):
    """A fetched body is not a feed, or not one that can be read."""


def make_client(timeout: float = TIMEOUT) -> httpx.AsyncClient:
    """The one HTTP client: redirects bounded, gzip, a clear User-Agent."""
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT},
    )


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


@dataclass
class Fetcher:
    """Bounded GETs over a shared client."""

    client: httpx.AsyncClient
    timeout: float = TIMEOUT
    per_host: int = PER_HOST
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def _slot(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.per_host)
        return self._hosts[host]

    async def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int = MAX_FEED_BYTES,
    ) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._slot(url):
            try:
                return await asyncio.wait_for(
                    self._get(url, headers, max_bytes), timeout=self.timeout * 2
                )
            except TimeoutError:
                raise FetchError(
                    f"{url}: no complete answer within {self.timeout * 2:.0f} s"
                ) from None
            except httpx.TooManyRedirects:
                raise FetchError(
                    f"{url}: redirect loop (more than {MAX_REDIRECTS} redirects)"
                ) from None
            except httpx.TimeoutException:
                raise FetchError(f"{url}: timed out after {self.timeout:.0f} s") from None
            except httpx.HTTPError as error:
                raise FetchError(f"{url}: {type(error).__name__}: {error}") from None

    async def _get(self, url: str, headers: dict[str, str], max_bytes: int) -> Fetched:
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(
                    304,
                    b"",
                    str(response.url),
                    headers.get("If-None-Match"),
                    headers.get("If-Modified-Since"),
                )
            if response.status_code >= 400:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: body of {declared} bytes is over the {max_bytes} limit")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: body is over the {max_bytes} byte limit")
            return Fetched(
                response.status_code,
                bytes(body),
                str(response.url),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
                response.headers.get("Content-Type", ""),
            )


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[Any, ...]
    ttl_minutes: int | None


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom document, or a FeedError saying why not."""
    parsed = feedparser.parse(body)
    if not parsed.get("version"):
        if parsed.get("bozo"):
            raise FeedError(f"{url}: malformed feed XML ({parsed.get('bozo_exception')})")
        raise FeedError(f"{url}: not an RSS or Atom feed (an HTML page?)")
    problem = parsed.get("bozo_exception")
    if isinstance(problem, SAXException):  # read leniently, but entries may be cut short
        raise FeedError(f"{url}: malformed feed XML ({problem})")
    ttl = str(parsed.feed.get("ttl", "")).strip()
    return ParsedFeed(tuple(parsed.entries), int(ttl) if ttl.isdigit() else None)


def _entry_date(entry: Any) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    year, month, day, hour, minute, second = stamp[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()


def _html_text(fragment: str) -> list[str]:
    """Paragraph lines of an HTML fragment (a feed summary)."""
    text = re.sub(r"(?i)<\s*(?:br|/p|/div|/li|/h\d)\s*/?>", "\n", fragment)
    return [html.unescape(line) for line in re.sub(r"<[^>]+>", " ", text).splitlines()]


def entry_guid(entry: Any) -> str:
    return str(entry.get("id") or entry.get("link") or entry.get("title") or "")


async def entry_article(
    fetcher: Fetcher, entry: Any, outlet: str | None, topics: Sequence[Topic]
) -> Article:
    """The article behind an entry: its page through trafilatura, else the entry's summary."""
    link = entry.get("link")
    published = _entry_date(entry)
    title = entry.get("title") or None
    if link:
        try:
            page = await fetcher.get(link, max_bytes=MAX_PAGE_BYTES)
            text = page.body.decode(_charset(page.content_type), errors="replace")
            clean, site = extract_html(text, url=page.url)
            return build_article(
                clean,
                topics,
                source=link,
                outlet=outlet or site or domain_outlet(page.url),
                url=canonical_url(page.url),
                published=clean.published or (published[:10] if published else None),
            )
        except IngestError as error:
            log.info("article page failed, using the feed summary: %s", error)
    summary = entry.get("summary") or ""
    contents = entry.get("content") or []
    if contents:
        summary = max((c.get("value", "") for c in contents), key=len, default=summary)
    clean = clean_lines(_html_text(summary), title=title)
    return build_article(
        clean,
        topics,
        source=link or "feed entry",
        outlet=outlet or (domain_outlet(link) if link else None),
        url=canonical_url(link) if link else None,
        published=published[:10] if published else None,
    )


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    try:
        return "utf-8" if not match else codecs.lookup(match.group(1)).name
    except LookupError:
        return "utf-8"


@dataclass
class PollReport:
    url: str
    added: list[str] = field(default_factory=list)
    duplicates: int = 0
    rejected: int = 0
    not_modified: bool = False
    error: str | None = None


async def ingest_entries(
    fetcher: Fetcher,
    db: Database,
    feed_url: str,
    entries: Sequence[Any],
    outlet: str | None,
    topics: Sequence[Topic],
    now: datetime,
    report: PollReport,
) -> None:
    """Store the entries not seen before (by GUID, canonical URL, then content)."""
    for entry in reversed(entries):  # oldest first, as feeds list newest first
        guid = entry_guid(entry)
        link = canonical_url(entry["link"]) if entry.get("link") else None
        if not guid or entry_seen(db, feed_url, guid, link):
            report.duplicates += 1
            continue
        try:
            article = await entry_article(fetcher, entry, outlet, topics)
        except NoArticleText as error:
            log.info("%s: entry %s rejected: %s", feed_url, guid, error)
            report.rejected += 1
            mark_entry(db, feed_url, guid, link, None, now)
            continue
        if save_article(db, article, now):
            report.added.append(article.id)
        else:
            report.duplicates += 1
        mark_entry(db, feed_url, guid, link, article.id, now)


async def poll_feed(
    fetcher: Fetcher, db: Database, feed: FeedState, topics: Sequence[Topic], now: datetime
) -> PollReport:
    """Poll one feed, store what is new, and record its health and next check."""
    report = PollReport(feed.url)
    interval = timedelta(seconds=feed.interval_s)
    started = time.monotonic()
    try:
        fetched = await fetcher.get(feed.url, feed.etag, feed.last_modified)
        ttl = None
        if fetched.status == 304:
            report.not_modified = True
        else:
            parsed = parse_feed(fetched.body, feed.url)
            ttl = parsed.ttl_minutes
            await ingest_entries(
                fetcher, db, feed.url, parsed.entries, feed.outlet, topics, now, report
            )
    except IngestError as error:
        failures = feed.failures + 1
        report.error = str(error)
        record_poll(
            db,
            feed.url,
            failures=failures,
            last_error=str(error),
            last_checked=iso(now),
            next_check=iso(next_check(now, interval, failures)),
            disabled=int(should_disable(failures)),
        )
        log.warning("feed failed (%d in a row): %s", failures, error)
        return report
    record_poll(
        db,
        feed.url,
        failures=0,
        last_error=None,
        last_success=iso(now),
        last_checked=iso(now),
        etag=fetched.etag if fetched.status != 304 else feed.etag,
        last_modified=fetched.last_modified if fetched.status != 304 else feed.last_modified,
        items=feed.items + len(report.added),
        next_check=iso(next_check(now, poll_interval(interval, ttl), 0)),
    )
    log.info(
        "feed %s: %d new, %d seen, %.1f s",
        feed.url,
        len(report.added),
        report.duplicates,
        time.monotonic() - started,
    )
    return report


async def poll_feeds(
    fetcher: Fetcher,
    db: Database,
    feeds: Sequence[FeedState],
    topics: Sequence[Topic],
    now: datetime,
) -> list[PollReport]:
    """Poll feeds concurrently (each host at most `per_host` at a time)."""
    return list(await asyncio.gather(*(poll_feed(fetcher, db, f, topics, now) for f in feeds)))
