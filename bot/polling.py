"""Feed polling on the job queue, in the bot (`sitrep run`) or alone (`sitrep poll`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database
from telegram.ext import ContextTypes, JobQueue

from bot.settings import Settings
from ingest.errors import IngestError
from ingest.feed_policy import canonical_url
from ingest.feeds import (
    FeedError,
    Fetcher,
    PollReport,
    entry_article,
    ingest_entries,
    parse_feed,
    poll_feeds,
)
from storage.articles import save_article
from storage.feeds import add_feed, due_feeds
from summarize.topics import Topic

log = logging.getLogger(__name__)
CHECK_EVERY = 30.0  # seconds between looks for due feeds


def sync_feed_config(db: Database, settings: Settings) -> None:
    """Register the configured feeds that the database does not know yet."""
    for feed in settings.feeds:
        add_feed(db, feed.url, feed.outlet, feed.topics, feed.interval_minutes * 60, revive=False)


async def poll_due(state: Any) -> list[PollReport]:
    """Poll every feed whose next check has come."""
    now = state.now()
    feeds = due_feeds(state.db, now)
    if not feeds:
        return []
    return await poll_feeds(state.fetcher, state.db, feeds, state.settings.topics, now)


async def feeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Poll the feeds that are due."""
    await poll_due(context.bot_data["sitrep"])


def schedule_polling(job_queue: JobQueue[Any], every: float = CHECK_EVERY) -> None:
    job_queue.run_repeating(
        feeds_job,
        interval=every,
        first=1.0,
        name="feeds",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


async def ingest_url(
    fetcher: Fetcher,
    db: Database,
    url: str,
    topics: Sequence[Topic],
    now: datetime,
    outlet: str | None = None,
) -> PollReport:
    """One URL, once: a feed's new entries, or a single article page."""
    report = PollReport(url)
    try:
        fetched = await fetcher.get(url)
        try:
            parsed = parse_feed(fetched.body, url)
        except FeedError:
            parsed = None
        if parsed is not None:
            await ingest_entries(fetcher, db, url, parsed.entries, outlet, topics, now, report)
            return report
        entry = {"link": fetched.url, "id": canonical_url(fetched.url)}
        article = await entry_article(fetcher, entry, outlet, topics)
        if save_article(db, article, now):
            report.added.append(article.id)
        else:
            report.duplicates += 1
    except IngestError as error:
        report.error = str(error)
    return report
