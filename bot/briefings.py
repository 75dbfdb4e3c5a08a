"""Daily briefings: what each subscriber gets, when, and delivery that never repeats.

Guarantee: each (chat, local day) is claimed in the delivery log ('sending') right
before its message goes on the wire, and closed ('sent') as soon as Telegram accepts
it. Sending is paced here (a rate and a bound on requests in flight), so a claim never
waits in a queue: it is followed at once by the request. A restart finds every claim:
closed ones are never sent again; one still 'sending' was in flight when the process
died, is marked 'unknown' and not sent again (Telegram has most likely received it); a
chat with no claim for today whose hour has passed is served at start.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes, JobQueue

from bot.render import digest_blocks, pack_blocks
from bot.service import DigestCache, build_off_loop
from storage.articles import documents_ingested_since
from storage.db import iso
from storage.subscribers import (
    Subscriber,
    begin_delivery,
    close_in_flight,
    delivery_status,
    finish_delivery,
    get_subscriber,
    move_chat,
    release_delivery,
    subscribed,
    update_subscriber,
)
from summarize.digest import build_digest
from summarize.model import Digest
from summarize.topics import Topic, find_topic

log = logging.getLogger(__name__)


class Pacer:
    """Fewer than `rate` sends in any one second (2% fewer), `in_flight` requests at once.

    Telegram counts messages a second, so a send that starts late (the event loop was
    busy) may be made up for at once, as long as no one-second window holds more than
    `allowed`; sends stay at least half an interval apart, so no window fills in a burst.
    """

    MARGIN = 0.98  # of the rate: room for sends that arrive closer than they left

    def __init__(self, rate: float = 30.0, in_flight: int = 16) -> None:
        self.allowed = max(1, int(rate * self.MARGIN))
        self.window = max(1.0, self.allowed / rate)  # a second, or one send's share of it
        self.spacing = self.window / self.allowed / 2
        self._starts: deque[float] = deque(maxlen=self.allowed)
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(in_flight)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._lock:
                now = asyncio.get_running_loop().time()
                start = now
                if self._starts:
                    start = max(start, self._starts[-1] + self.spacing)
                if len(self._starts) == self.allowed:
                    start = max(start, self._starts[0] + self.window)
                if start > now:
                    await asyncio.sleep(start - now)
                self._starts.append(asyncio.get_running_loop().time())  # when it really left
            yield


FIRST_BRIEFING_LOOKBACK = timedelta(hours=24)
CATCH_UP_WITHIN = timedelta(hours=12)
MAX_ATTEMPTS = 5
# Thousands of briefings fall due at the same minute and start late in turn: the
# scheduler must run a late job rather than skip it (its default grace is one second).
LATE_IS_FINE: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}


def parse_hhmm(text: str) -> time | None:
    """'07:30' as a time, or None when it is not a valid 24-hour HH:MM."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


def last_due(timezone: str, send_at: str, now: datetime) -> datetime:
    """The latest moment at or before `now` when a briefing at local `send_at` fell due.
    Its local date names the briefing: one sent at 00:01 for 23:59 is the earlier day's."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    at = parse_hhmm(send_at) or time(8, 0)
    due = datetime.combine(local.date(), at, tzinfo=zone)
    return due if due <= local else datetime.combine(due.date() - timedelta(days=1), at, zone)


def briefing_day(subscriber: Subscriber, now: datetime) -> str:
    return last_due(subscriber.timezone, subscriber.send_at, now).date().isoformat()


async def briefing_messages(
    db: Database,
    subscriber: Subscriber,
    topics: Sequence[Topic],
    now: datetime,
    cache: DigestCache | None = None,
) -> list[str]:
    """The briefing as Telegram HTML messages: per topic, what is new since the last one."""
    # A first briefing looks back a day, from the hour: chats served together share it.
    first = (now - FIRST_BRIEFING_LOOKBACK).replace(minute=0, second=0, microsecond=0)
    since = subscriber.last_briefing_at or iso(first)
    zone = ZoneInfo(subscriber.timezone)
    when = datetime.fromisoformat(since).astimezone(zone).strftime("%d %b %H:%M")
    blocks = [f"<b>Your sitrep briefing</b> · {now.astimezone(zone):%A %d %B}"]
    for name in subscriber.topics:
        topic = find_topic(name, topics)
        if topic is None:
            continue

        def read(topic: Topic = topic) -> Callable[[], Digest]:
            documents = documents_ingested_since(db, topic.name, since)
            return lambda: build_digest(documents, now=now, topic=topic)

        # Subscribers served at the same time share their window: computed once for all.
        digest = (
            await cache.get_or_build_off_loop(db, ("briefing", topic.name, since), now, read)
            if cache
            else await build_off_loop(read)
        )
        if digest.items:
            blocks += digest_blocks(digest)
        else:
            blocks.append(f"<b>{topic.title}</b>: nothing new since {when}.")
    return pack_blocks(blocks)


async def send_html(
    bot: Bot, chat_id: int, text: str, pacer: Pacer, claim: Callable[[], bool] | None = None
) -> bool:
    """Send one message, each attempt in its own pacer slot: flood limits are waited out
    (however often), network errors retried a few times. `claim`, called right before the
    first attempt, may call the send off (False)."""
    failures = 0
    while True:
        async with pacer.slot():
            if claim is not None and not claim():
                return False
            claim = None
            try:
                await bot.send_message(
                    chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
                )
                return True
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.info("flood limit for chat %s: waiting %.1f s", chat_id, seconds)
            except TimedOut:
                raise  # the message may have arrived: do not send it twice
            except (Forbidden, BadRequest, ChatMigrated):
                raise
            except NetworkError as error:
                failures += 1
                if failures == MAX_ATTEMPTS:
                    raise
                seconds = 2.0**failures
                log.warning("network error for chat %s (%s); retrying", chat_id, error)
        await asyncio.sleep(seconds)


async def deliver_briefing(
    bot: Bot,
    db: Database,
    chat_id: int,
    topics: Sequence[Topic],
    now: datetime,
    pacer: Pacer | None = None,
    cache: DigestCache | None = None,
) -> str:
    """Send today's briefing to one chat unless it was already attempted; return the outcome."""
    pacer = pacer or Pacer()
    subscriber = get_subscriber(db, chat_id)
    if subscriber is None or not subscriber.active or not subscriber.topics:
        return "skipped"
    day = briefing_day(subscriber, now)
    if delivery_status(db, chat_id, day) is not None:
        return "already"
    messages = await briefing_messages(db, subscriber, topics, now, cache)
    try:
        for number, text in enumerate(messages):
            claim = (lambda: begin_delivery(db, chat_id, day, now)) if number == 0 else None
            if not await send_html(bot, chat_id, text, pacer, claim):
                return "already"
    except Forbidden as error:
        update_subscriber(db, chat_id, active=0)
        finish_delivery(db, chat_id, day, "failed", now, f"blocked: {error.message}")
        return "blocked"
    except ChatMigrated as error:
        move_chat(db, chat_id, error.new_chat_id)
        release_delivery(db, error.new_chat_id, day)
        return await deliver_briefing(bot, db, error.new_chat_id, topics, now, pacer, cache)
    except BadRequest as error:
        log.error("briefing to chat %s refused: %s", chat_id, error.message)
        finish_delivery(db, chat_id, day, "failed", now, error.message)
        return "failed"
    except TimedOut:
        finish_delivery(db, chat_id, day, "unknown", now, "timed out waiting for Telegram")
        return "unknown"
    except NetworkError as error:
        log.error("briefing to chat %s not sent: %s", chat_id, error.message)
        release_delivery(db, chat_id, day)  # certainly not delivered: the next start retries
        return "retry"
    finish_delivery(db, chat_id, day, "sent", now)
    return "sent"


def job_name(chat_id: int) -> str:
    return f"briefing:{chat_id}"


async def briefing_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliver the daily briefing of the job's chat."""
    state = context.bot_data["sitrep"]
    chat_id = context.job.chat_id if context.job else None
    if chat_id is not None:
        await deliver_briefing(
            context.bot,
            state.db,
            chat_id,
            state.settings.topics,
            state.now(),
            state.pacer,
            state.digests,
        )


def schedule_briefing(job_queue: JobQueue[Any], subscriber: Subscriber) -> None:
    """(Re)schedule a chat's daily job at its local hour; no topics, no job. The job's id
    is the chat's, so finding or replacing it costs the same with 10 chats or 10,000."""
    name = job_name(subscriber.chat_id)
    at = parse_hhmm(subscriber.send_at) or time(8, 0)
    if subscriber.active and subscriber.topics:
        job_queue.run_daily(
            briefing_job,
            time=at.replace(tzinfo=ZoneInfo(subscriber.timezone)),
            name=name,
            chat_id=subscriber.chat_id,
            job_kwargs={**LATE_IS_FINE, "id": name, "replace_existing": True},
        )
    elif job_queue.scheduler.get_job(name) is not None:
        job_queue.scheduler.remove_job(name)


def recover(db: Database, now: datetime) -> list[int]:
    """After a restart: close in-flight claims, and list chats whose last briefing fell due
    within the catch-up window and was never attempted."""
    close_in_flight(db, now)
    return [
        s.chat_id
        for s in subscribed(db)
        if now - last_due(s.timezone, s.send_at, now) <= CATCH_UP_WITHIN
        and delivery_status(db, s.chat_id, briefing_day(s, now)) is None
    ]


def schedule_all(job_queue: JobQueue[Any], db: Database, now: datetime) -> int:
    """Jobs for every subscribed chat, plus an immediate run for overdue ones."""
    subscribers = subscribed(db)
    for subscriber in subscribers:
        schedule_briefing(job_queue, subscriber)
    for chat_id in recover(db, now):
        job_queue.run_once(
            briefing_job,
            when=0,
            chat_id=chat_id,
            name=f"catch-up:{chat_id}",
            job_kwargs=LATE_IS_FINE,
        )
    return len(subscribers)
