"""Broadcast throughput: N subscribers whose briefings fall due at the same minute, delivered
through the real application to the fake Bot API, which enforces an overall rate limit
(429 with retry_after above it). Prints the achieved rate beside the limit, messages lost
and sent twice, and how many digests were computed. Exits 1 below 95% of the limit or on
any loss or repeat.

    .venv/bin/python bench/broadcast.py [--subscribers 10000] [--limit 30] [--zones 1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the fake Bot API of the tests
from bot.app import build_application
from bot.service import DigestCache, ingest_files
from bot.settings import Settings, load_topics
from storage.db import open_database
from storage.subscribers import ensure_subscriber, set_topics, update_subscriber
from tests.fake_telegram import FakeTelegram

TOPIC_SETS = (["kursk"], ["donetsk"], ["kursk", "donetsk"])


def zone_due_now(now: datetime, hours: int) -> tuple[str, str]:
    """A fixed-offset zone (UTC+hours) and the local HH:MM of a minute ago there."""
    local = now + timedelta(hours=hours)
    name = "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return name, (local - timedelta(minutes=1)).strftime("%H:%M")


class CountingCache(DigestCache):
    built = 0

    def get_or_build(self, db, key, now, build):  # type: ignore[no-untyped-def]
        def counted():  # type: ignore[no-untyped-def]
            CountingCache.built += 1
            return build()

        return super().get_or_build(db, key, now, counted)


async def run(subscribers: int, limit: float, zones: int, seeds: Path) -> int:
    topics = load_topics()
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp())
    db = open_database(folder / "broadcast.db")
    if seeds.is_dir():
        list(ingest_files(db, [str(seeds)], topics, now))
    # Spread over `zones` offsets that are all at their hour now (-11..+12 covers 24).
    offsets = [((h + 11) % 24) - 11 for h in range(zones)]
    for n in range(subscribers):
        chat_id = 10_000 + n
        ensure_subscriber(db, chat_id, "private", now)
        set_topics(db, chat_id, add=TOPIC_SETS[n % 3], remove=[])
        zone, at = zone_due_now(now, offsets[n % zones])
        update_subscriber(db, chat_id, timezone=zone, send_at=at)

    server = await FakeTelegram(rate_limit=limit).start()
    settings = Settings(
        db_path=str(folder / "broadcast.db"),
        topics=topics,
        token="1:BENCH",
        api_base_url=server.url,
        broadcast_rate=limit * 0.97,
    )
    application = build_application(settings, db=db)
    application.bot_data["sitrep"].digests = CountingCache()
    start = time.monotonic()
    async with application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        await server.wait_for(
            lambda: len(server.sent()) >= subscribers,
            timeout=subscribers / limit * 3 + 60,
            what="every briefing",
        )
        first_to_last = time.monotonic() - start
        await asyncio.sleep(2)  # room for a repeat to show
        await application.stop()
    await server.stop()

    per_chat = Counter(int(m["chat_id"]) for m in server.sent())
    lost = subscribers - len(per_chat)
    twice = sum(1 for c in per_chat.values() if c > 1)
    rate = subscribers / first_to_last
    print(f"{subscribers} subscribers in {zones} zone(s), fake Bot API limit {limit:g}/s")
    print(
        f"achieved {rate:.1f} messages/s = {rate / limit:.0%} of the limit "
        f"({first_to_last:.1f} s from start to the last message)"
    )
    print(
        f"lost {lost}, sent twice {twice}, digests computed {CountingCache.built} "
        f"(per subscriber it would be {subscribers * 4 // 3})"
    )
    ok = rate >= 0.95 * limit and lost == 0 and twice == 0
    print("ok" if ok else "MISS")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=30.0)
    parser.add_argument("--zones", type=int, default=1)
    parser.add_argument(
        "--seeds", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared/seeds"
    )
    args = parser.parse_args()
    return asyncio.run(run(args.subscribers, args.limit, args.zones, args.seeds))


if __name__ == "__main__":
    sys.exit(main())
