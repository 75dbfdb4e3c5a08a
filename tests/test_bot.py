"""The real PTB application against the fake Bot API; the test plays the users."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from bot.app import build_application
from bot.briefings import Pacer, deliver_briefing, job_name, last_due, recover
from bot.service import ingest_files
from bot.settings import Settings, load_topics
from storage.db import open_database
from storage.subscribers import ensure_subscriber, get_subscriber, set_topics, update_subscriber
from tests.fake_telegram import FakeTelegram, bad_request, too_many, zone_at

TOPICS = load_topics()
NOW = datetime(2025, 1, 8, 6, 0, tzinfo=UTC)


def settings_for(server: FakeTelegram, db_path: Path, **extra: Any) -> Settings:
    return Settings(
        db_path=str(db_path),
        topics=TOPICS,
        token="123456:TEST-TOKEN-never-logged",
        api_base_url=server.url,
        **extra,
    )


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "bot.db")


def ingest_seeds(db: Database, seeds: Path) -> None:
    undated = seeds / "001_c12fbe0480937a5d.txt"
    list(ingest_files(db, [str(undated)], TOPICS, NOW, published="2025-01-06"))
    list(ingest_files(db, [str(seeds)], TOPICS, NOW))


@asynccontextmanager
async def running(
    server: FakeTelegram, db: Database, now: Callable[[], datetime] = lambda: NOW, **extra: Any
) -> AsyncIterator[Any]:
    settings = settings_for(
        server, Path(db.conn.execute("pragma database_list").fetchone()[2]), **extra
    )
    application = build_application(settings, db=db, now=now)
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)  # type: ignore[misc]


async def test_start_then_topic_buttons_subscribe(telegram: FakeTelegram, db: Database) -> None:
    async with running(telegram, db) as app:
        await telegram.send_text(7, "/start")
        [welcome] = await telegram.replies(7)
        assert "sitrep" in welcome
        keyboard = telegram.sent(7)[-1]["reply_markup"]["inline_keyboard"]
        data = [b["callback_data"] for row in keyboard for b in row]
        assert data == ["toggle:kursk", "toggle:donetsk"]
        await telegram.press(7, telegram.sent(7)[-1] | {"message_id": 1}, "toggle:kursk")
        await telegram.wait_for(lambda: telegram.sent(method="editMessageText") != [])
        [answer] = telegram.sent(method="answerCallbackQuery")
        assert answer["text"] == "Subscribed to Kursk"
        edited = telegram.sent(method="editMessageText")[-1]
        assert "Daily briefing on <b>Kursk</b> at 08:00 (UTC)" in edited["text"]
        assert get_subscriber(db, 7).topics == ("kursk",)  # type: ignore[union-attr]
        assert app.job_queue.get_jobs_by_name(job_name(7))
        commands = telegram.sent(method="setMyCommands")[0]["commands"]
        assert {"kursk", "donetsk", "subscribe"} <= {c["command"] for c in commands}


async def test_topic_command_replies_with_sourced_digest(
    telegram: FakeTelegram, db: Database, seeds: Path
) -> None:
    ingest_seeds(db, seeds)
    async with running(telegram, db):
        await telegram.send_text(9, "/kursk")
        [digest] = await telegram.replies(9)
        assert digest.startswith("<b>Kursk</b> — latest as of 2025-01-07")
        assert digest.count("• ") >= 3 and "Reuters" in digest
        assert telegram.sent(9)[-1]["parse_mode"] == "HTML"
        # Addressed to the bot in a group, the same command works.
        await telegram.send_text(-100, "/donetsk@sitrep_test_bot", user_id=5, chat_type="group")
        [group_digest] = await telegram.replies(-100)
        assert group_digest.startswith("<b>Donetsk</b>")


async def test_search_and_sources_answer_from_the_archive(
    telegram: FakeTelegram, db: Database, seeds: Path, tmp_path: Path
) -> None:
    ingest_seeds(db, seeds)
    old = tmp_path / "old.txt"
    old.write_text(
        "Officials said North Korean troops had not been seen near the border, the regional "
        "governor told reporters on Monday, adding that the checkpoints stayed open all week.\n\n"
        "Local farmers said the roads to the district centre were clear and that buses ran "
        "to the regional capital twice a day despite the cold."
    )
    list(ingest_files(db, [str(old)], TOPICS, NOW, outlet="Old Wire", published="2024-11-01"))
    async with running(telegram, db):
        await telegram.send_text(9, "/search North Korean troops")
        [found] = await telegram.replies(9)
        await telegram.send_text(9, "/sources")
        [outlets] = await telegram.replies(9)
    hits = found.split("\n\n")
    assert len(hits) == 4 and all("North Korean troops" in hit for hit in hits)
    dates = re.findall(r", (\d{4}-\d\d-\d\d)</i>", found)
    assert dates == sorted(dates, reverse=True) and dates[-1] == "2024-11-01"
    assert outlets.splitlines() == [
        "Outlets of the 30 days to 2025-01-07:",
        "Reuters: 3 article(s), latest 2025-01-07",
        "The Epoch Times: 1 article(s), latest 2025-01-06",
        "unknown outlet: 1 article(s), latest 2025-01-05",
    ]


async def test_time_and_timezone_move_the_daily_job(telegram: FakeTelegram, db: Database) -> None:
    async with running(telegram, db) as app:
        await telegram.send_text(11, "/subscribe kursk")
        await telegram.replies(11)
        await telegram.send_text(11, "/timezone Europe/Kyyiv")
        [hint] = await telegram.replies(11)
        assert "Did you mean Europe/Kyiv" in hint
        await telegram.send_text(11, "/timezone Europe/Kyiv")
        await telegram.replies(11)
        await telegram.send_text(11, "/time 07:30")
        [reply] = await telegram.replies(11)
        assert "07:30 (Europe/Kyiv)" in reply
        [job] = app.job_queue.get_jobs_by_name(job_name(11))
        winter = job.job.trigger.get_next_fire_time(None, datetime(2026, 1, 15, tzinfo=UTC))
        assert winter.astimezone(UTC).strftime("%H:%M") == "05:30"
        summer = job.job.trigger.get_next_fire_time(None, datetime(2026, 7, 15, tzinfo=UTC))
        assert summer.astimezone(UTC).strftime("%H:%M") == "04:30"
        await telegram.send_text(11, "/time 25:99")
        [refused] = await telegram.replies(11)
        assert "HH:MM" in refused


def subscribe(db: Database, chat_id: int, *topics: str) -> None:
    ensure_subscriber(db, chat_id, "private", NOW)
    set_topics(db, chat_id, add=list(topics), remove=[])


async def test_briefing_sends_once_per_subscriber_with_only_new_items(
    telegram: FakeTelegram, db: Database, seeds: Path, tmp_path: Path
) -> None:
    ingest_seeds(db, seeds)
    for chat_id, topics in [(21, ["kursk"]), (22, ["donetsk"]), (23, ["kursk", "donetsk"])]:
        subscribe(db, chat_id, *topics)
    async with running(telegram, db) as app:
        outcomes = [
            await deliver_briefing(app.bot, db, c, TOPICS, NOW + timedelta(hours=2))
            for c in (21, 22, 23)
        ]
        assert outcomes == ["sent", "sent", "sent"]
        again = await deliver_briefing(app.bot, db, 21, TOPICS, NOW + timedelta(hours=3))
        assert again == "already"
        for chat_id in (21, 22, 23):
            assert len(telegram.sent(chat_id)) == 1
        assert (
            "Kursk" in telegram.sent(21)[0]["text"]
            and "Donetsk" not in telegram.sent(21)[0]["text"]
        )
        # The next day: one new article only, and it is all that is told.
        new = tmp_path / "new.txt"
        new.write_text(
            " date 2025-01-08 Fresh shelling hit Sudzha in the Kursk region overnight, "
            "the regional governor said on Wednesday, adding that power lines were down across "
            "three districts and repair crews were waiting for the shelling to stop.\n\n"
            "Officials said evacuation buses would leave Sudzha for the city of Kursk at noon."
        )
        list(ingest_files(db, [str(new)], TOPICS, NOW + timedelta(hours=20), outlet="Example News"))
        day_two = NOW + timedelta(days=1, hours=2)
        assert await deliver_briefing(app.bot, db, 21, TOPICS, day_two) == "sent"
        assert await deliver_briefing(app.bot, db, 22, TOPICS, day_two) == "sent"
        kursk = telegram.sent(21)[-1]["text"]
        assert "Example News" in kursk and "Reuters" not in kursk
        assert "nothing new since" in telegram.sent(22)[-1]["text"]


async def test_briefing_due_before_midnight_and_sent_after_it_is_that_day_s(
    telegram: FakeTelegram, db: Database
) -> None:
    # 10,000 briefings due at 23:59 take minutes: those sent after midnight must not
    # count as the next day's, or the next day's would never go.
    async with running(telegram, db) as app:
        subscribe(db, 61, "kursk")
        update_subscriber(db, 61, timezone="Europe/Kyiv", send_at="23:59")
        after_midnight = datetime(2025, 1, 8, 22, 0, 30, tzinfo=UTC)  # 00:00:30 in Kyiv
        assert recover(db, after_midnight) == [61]
        assert await deliver_briefing(app.bot, db, 61, TOPICS, after_midnight) == "sent"
        assert recover(db, after_midnight + timedelta(hours=1)) == []
        next_evening = datetime(2025, 1, 9, 21, 59, 10, tzinfo=UTC)  # 23:59:10 in Kyiv
        assert recover(db, next_evening) == [61]
        assert await deliver_briefing(app.bot, db, 61, TOPICS, next_evening) == "sent"
        assert len(telegram.sent(61)) == 2


async def test_flood_limit_is_waited_out(telegram: FakeTelegram, db: Database) -> None:
    subscribe(db, 31, "kursk")
    async with running(telegram, db) as app:
        # However many times in a row: a flood limit is a wait, never a failure.
        telegram.faults["sendMessage"] += [too_many(1)] * 6
        start = time.monotonic()
        assert await deliver_briefing(app.bot, db, 31, TOPICS, NOW) == "sent"
        assert time.monotonic() - start >= 1.0
        assert len(telegram.sent(31)) == 1


async def test_blocked_chat_is_deactivated_and_comes_back_with_start(
    telegram: FakeTelegram, db: Database
) -> None:
    subscribe(db, 41, "kursk")
    telegram.blocked.add(41)
    async with running(telegram, db) as app:
        assert await deliver_briefing(app.bot, db, 41, TOPICS, NOW) == "blocked"
        assert get_subscriber(db, 41).active is False  # type: ignore[union-attr]
        telegram.blocked.clear()
        await telegram.send_text(41, "/start")
        await telegram.replies(41)
        assert get_subscriber(db, 41).active is True  # type: ignore[union-attr]


async def test_refused_message_is_logged_and_the_broadcast_goes_on(
    telegram: FakeTelegram, db: Database
) -> None:
    subscribe(db, 51, "kursk")
    subscribe(db, 52, "kursk")
    async with running(telegram, db) as app:
        telegram.faults["sendMessage"].append(bad_request())
        assert await deliver_briefing(app.bot, db, 51, TOPICS, NOW) == "failed"
        assert await deliver_briefing(app.bot, db, 52, TOPICS, NOW) == "sent"


async def test_outside_text_arrives_escaped(
    telegram: FakeTelegram, db: Database, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        " date 2025-01-07 Officials in Sudzha said <b>shelling</b> & drone strikes hit the "
        "Kursk region overnight, damaging </a> power lines and a school near the town centre.\n\n"
        "Residents of Sudzha in the Kursk region were told to stay in shelters <script> until "
        "the morning, the regional governor said in a statement on Tuesday."
    )
    list(ingest_files(db, [str(hostile)], TOPICS, NOW, outlet="R&D <News>"))
    async with running(telegram, db):
        await telegram.send_text(61, "/kursk")
        [text] = await telegram.replies(61)
    assert "&lt;b&gt;shelling&lt;/b&gt; &amp; drone" in text
    assert "&lt;/a&gt;" in text and "&lt;script&gt;" in text
    assert "R&amp;D &lt;News&gt;" in text
    assert re.sub(r"</?(b|i|a)( [^>]*)?>", "", text).count("<") == 0


async def test_unknown_command_gets_a_plain_answer(telegram: FakeTelegram, db: Database) -> None:
    async with running(telegram, db):
        for command in ("/crimea", "/stats"):
            await telegram.send_text(71, command)
            [reply] = await telegram.replies(71)
            assert "I don't know that command" in reply


async def test_admin_gets_stats(telegram: FakeTelegram, db: Database) -> None:
    async with running(telegram, db, admin_ids=frozenset({72})):
        await telegram.send_text(72, "/stats")
        [reply] = await telegram.replies(72)
        assert "Subscribers with topics: 0" in reply and "Articles: 0" in reply


async def test_pacer_holds_the_rate() -> None:
    pacer = Pacer(rate=100)
    starts: list[float] = []

    async def one() -> None:
        async with pacer.slot():
            starts.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(250)))
    # Telegram's rule: no more than the rate in any one second.
    assert max(bisect.bisect_left(starts, t + 1.0) - n for n, t in enumerate(starts)) <= 100
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.004


def test_kyiv_winter_offset_is_what_the_test_assumes() -> None:
    assert datetime(2026, 1, 15, 7, 30, tzinfo=ZoneInfo("Europe/Kyiv")).utcoffset() == timedelta(
        hours=2
    )


async def test_admin_ingest_polls_the_feeds_now(
    telegram: FakeTelegram, db: Database, seeds: Path
) -> None:
    from bot.settings import FeedConfig
    from tests.feed_server import FeedServer, Route, rss, seed_pages

    site = await FeedServer().start()
    try:
        site.pages = {p.slug: p for p in seed_pages(seeds)}
        site.routes["/rss.xml"] = Route(rss(site.url, list(site.pages.values())))
        feeds = (FeedConfig(f"{site.url}/rss.xml", outlet="Local Wire"),)
        async with running(telegram, db, admin_ids=frozenset({81}), feeds=feeds):
            await telegram.send_text(81, "/ingest")
            [reply] = await telegram.replies(81, timeout=30)
            assert reply.startswith("Polled 1 feed(s)") and "0 failed" in reply
            assert db.table("articles").count == 5
            await telegram.send_text(82, "/ingest")  # not an admin
            [refused] = await telegram.replies(82)
            assert "I don't know that command" in refused
    finally:
        await site.stop()


async def test_group_upgraded_to_supergroup_keeps_its_briefing(
    telegram: FakeTelegram, db: Database
) -> None:
    ensure_subscriber(db, -50, "group", NOW)
    set_topics(db, -50, add=["donetsk"], remove=[])
    telegram.faults["sendMessage"].append(
        {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -1009},
        }
    )
    async with running(telegram, db) as app:
        assert await deliver_briefing(app.bot, db, -50, TOPICS, NOW) == "sent"
    assert get_subscriber(db, -50) is None
    assert get_subscriber(db, -1009).topics == ("donetsk",)  # type: ignore[union-attr]
    assert len(telegram.sent(-1009)) == 1


async def test_five_hundred_briefings_due_at_once_are_all_sent_once_each_in_its_hour(
    telegram: FakeTelegram, db: Database
) -> None:
    now = datetime.now(UTC)
    due, next_hour = range(20_000, 20_500), range(30_000, 30_048)
    where = {}
    for n, chat_id in enumerate([*due, *next_hour]):
        subscribe(db, chat_id, *(["kursk"], ["donetsk"], ["kursk", "donetsk"])[n % 3])
        ahead = timedelta(minutes=-1 if chat_id in due else 59)
        where[chat_id] = zone_at(now, n % 24 - 11, ahead)  # 24 zones, UTC-11 to UTC+12
        update_subscriber(db, chat_id, timezone=where[chat_id][0], send_at=where[chat_id][1])
    async with running(telegram, db, now=lambda: datetime.now(UTC), broadcast_rate=1000.0):
        await telegram.wait_for(lambda: len(telegram.delivered) >= 500, timeout=60)
        await asyncio.sleep(0.5)
    assert Counter(chat for chat, _ in telegram.delivered) == Counter(due)
    for chat_id, at in telegram.delivered:
        moment = datetime.fromtimestamp(at, UTC)
        assert moment - last_due(*where[chat_id], moment) < timedelta(hours=1)
