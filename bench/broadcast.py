"""Broadcast throughput: N subscribers whose briefings fall due at the same minute, delivered
through the real application to the fake Bot API (in its own process), which enforces an
overall rate limit (429 with retry_after above it). Prints the achieved rate beside the
limit, messages lost and sent twice, and how many digests were computed. With zones > 1
the subscribers are spread over that many UTC offsets, each at its own local hour, beside
others whose hour is the next one: each must be served in its own hour, the others not at
all. Exits 1 below 95% of the limit, on any loss or repeat, or off its hour.

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

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's packages
from bot.app import build_application
from bot.briefings import last_due
from bot.service import DigestCache, ingest_files
from bot.settings import Settings, load_topics
from storage.db import open_database
from storage.subscribers import ensure_subscriber, set_topics, update_subscriber
from tests.fake_telegram import zone_at

ROOT = Path(__file__).resolve().parent.parent
TOPIC_SETS = (["kursk"], ["donetsk"], ["kursk", "donetsk"])


def in_its_hour(at: float, zone: str, send_at: str) -> bool:
    """Whether the moment `at` falls in the hour from `send_at` in `zone`."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment - last_due(zone, send_at, moment) < timedelta(hours=1)


async def start_fake(limit: float) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fake_telegram",
        "--rate-limit",
        str(limit),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    url = (await process.stdout.readline()).decode().strip()
    return process, url


async def delivered(client: httpx.AsyncClient, url: str) -> list[tuple[int, float]]:
    return [(int(chat), at) for chat, at in (await client.get(f"{url}/_delivered")).json()]


class CountingCache(DigestCache):
    built = 0

    async def get_or_build_off_loop(self, db, key, now, build):  # type: ignore[no-untyped-def]
        def counted():  # type: ignore[no-untyped-def]
            CountingCache.built += 1
            return build()

        return await super().get_or_build_off_loop(db, key, now, counted)


async def run(subscribers: int, limit: float, zones: int, seeds: Path) -> int:
    topics = load_topics()
    now = datetime.now(UTC)
    folder = Path(tempfile.mkdtemp())
    db = open_database(folder / "broadcast.db")
    if seeds.is_dir():
        list(ingest_files(db, [str(seeds)], topics, now))
    # Offsets -11..+12 cover 24 zones. Due: local time a minute ago; next hour: an hour on.
    offsets = [((h + 11) % 24) - 11 for h in range(zones)]
    next_hour = subscribers // 10 if zones > 1 else 0
    where: dict[int, tuple[str, str]] = {}
    for n in range(subscribers + next_hour):
        chat_id = 10_000 + n
        ahead = timedelta(minutes=-1) if n < subscribers else timedelta(minutes=59)
        where[chat_id] = zone_at(now, offsets[n % zones], ahead)
        ensure_subscriber(db, chat_id, "private", now)
        set_topics(db, chat_id, add=TOPIC_SETS[n % 3], remove=[])
        update_subscriber(db, chat_id, timezone=where[chat_id][0], send_at=where[chat_id][1])

    fake, url = await start_fake(limit)
    settings = Settings(
        db_path=str(folder / "broadcast.db"),
        topics=topics,
        token="1:BENCH",
        api_base_url=url,
        broadcast_rate=limit,
    )
    application = build_application(settings, db=db)
    application.bot_data["sitrep"].digests = CountingCache()
    start = time.time()
    deadline = time.monotonic() + subscribers / limit * 3 + 60
    async with httpx.AsyncClient() as client, application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        while len(await delivered(client, url)) < subscribers and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # room for a repeat to show
        await application.stop()
        messages = await delivered(client, url)
    fake.terminate()
    await fake.wait()

    per_chat = Counter(chat for chat, _ in messages)
    lost = sum(1 for n in range(subscribers) if 10_000 + n not in per_chat)
    twice = sum(1 for c in per_chat.values() if c > 1)
    early = sum(per_chat[10_000 + n] for n in range(subscribers, subscribers + next_hour))
    off_hour = sum(1 for chat, at in messages if not in_its_hour(at, *where[chat]))
    times = sorted(at for _, at in messages)
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"{subscribers} subscribers in {zones} zone(s), fake Bot API limit {limit:g}/s")
    print(
        f"achieved {rate:.1f} messages/s = {rate / limit:.0%} of the limit from the first "
        f"message to the last; {times[-1] - start:.1f} s from start to the last message"
        if times
        else "nothing delivered"
    )
    print(
        f"lost {lost}, sent twice {twice}, digests computed {CountingCache.built} "
        f"(per subscriber it would be {subscribers * 4 // 3})"
    )
    if zones > 1:
        print(
            f"served outside their own hour {off_hour}; of {next_hour} whose hour is the "
            f"next one, served {early}"
        )
    ok = rate >= 0.95 * limit and lost == twice == off_hour == early == 0
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
