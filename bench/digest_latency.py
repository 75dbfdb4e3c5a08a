"""`/kursk` latency end to end (update in, sendMessage out) against the fake Bot API on a
corpus database (bench/corpus.py): p50/p99 over 200 warm requests (spaced to stay under
the bot's own 30 messages a second), the first request after a new article lands and a
/help from another chat meanwhile, beside a naive baseline (sumy LexRank over the window's
sentences, recomputed per request). Exits 1 when warm p99 > 50 ms or first > 1 s.

    .venv/bin/python bench/corpus.py /tmp/c10k.db 10000
    .venv/bin/python bench/digest_latency.py /tmp/c10k.db
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the fake Bot API of the tests
from sumy.summarizers.lex_rank import LexRankSummarizer

from bot.app import build_application
from bot.settings import Settings, load_topics
from ingest.article import build_article
from ingest.clean import CleanText
from storage.articles import latest_topic_time, save_article, window_documents
from storage.db import iso, open_database
from summarize.evaluation import sumy_baseline
from tests.fake_telegram import FakeTelegram

REQUESTS, COLD = 200, 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def one_request(server: FakeTelegram, chat_id: int, text: str = "/kursk") -> float:
    before = len(server.sent(chat_id))
    start = time.perf_counter()
    await server.send_text(chat_id, text)
    await server.wait_for(lambda: len(server.sent(chat_id)) > before, timeout=60)
    return time.perf_counter() - start


def naive_seconds(db_path: Path) -> float:
    """sumy LexRank over the 3-day window's sentences, no cache, no cap."""
    db = open_database(db_path)
    lexrank = sumy_baseline(LexRankSummarizer)
    newest = latest_topic_time(db, "kursk") or iso(datetime.now(UTC))
    start = time.perf_counter()
    documents = window_documents(
        db, "kursk", iso(datetime.fromisoformat(newest) - timedelta(days=3)), newest, limit=10**9
    )
    lexrank(documents, 120)
    return time.perf_counter() - start


async def run(db_path: Path) -> int:
    topics = load_topics()
    db = open_database(db_path)
    server = await FakeTelegram().start()
    settings = Settings(
        db_path=str(db_path), topics=topics, token="1:BENCH", api_base_url=server.url
    )
    application = build_application(settings, db=db)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        first = await one_request(server, 1)
        warm = []
        for _ in range(REQUESTS):
            warm.append(await one_request(server, 1))
            await asyncio.sleep(1 / settings.broadcast_rate)  # under the bot's own send limit
        cold, meanwhile = [], []
        for n in range(COLD):
            now = datetime.now(UTC)
            clean = CleanText(
                title=f"New {n}",
                published=None,
                paragraphs=(
                    f"Fresh shelling hit Sudzha in the Kursk region overnight, report {n} "
                    f"of {now:%H:%M:%S.%f} said, and officials in Kursk asked residents to "
                    "stay in shelters until the morning while repair crews waited for the "
                    "shelling to end, "
                    "the regional governor told reporters on Wednesday evening.",
                ),
            )
            assert save_article(
                db,
                build_article(
                    clean,
                    topics,
                    source=f"new{n}",
                    outlet="Fresh",
                    published=now.date().isoformat(),
                ),
                now,
            )
            rebuilding = asyncio.create_task(one_request(server, 1))
            await asyncio.sleep(0.02)  # another user asks for help while the digest is built
            meanwhile.append(await one_request(server, 2, "/help"))
            cold.append(await rebuilding)
            await asyncio.sleep(1 / settings.broadcast_rate)
        await application.updater.stop()
        await application.stop()
    await server.stop()
    naive = [naive_seconds(db_path)]  # minutes on a large window: once is enough
    articles = db.execute("select count(*) from articles").fetchone()[0]
    p50, p99 = percentile(warm, 0.5) * 1000, percentile(warm, 0.99) * 1000
    print(f"{articles} articles; /kursk end to end against the fake Bot API")
    print(f"warm ({REQUESTS} requests): p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(
        f"first after a new article ({COLD} times): max {max(cold) * 1000:.0f} ms, "
        f"median {statistics.median(cold) * 1000:.0f} ms; very first request {first * 1000:.0f} ms"
    )
    print(
        f"/help from another chat while that digest is built: "
        f"median {statistics.median(meanwhile) * 1000:.0f} ms, max {max(meanwhile) * 1000:.0f} ms"
    )
    print(
        f"naive baseline (LexRank over the whole window, per request): "
        f"median {statistics.median(naive) * 1000:.0f} ms"
    )
    ok = p99 <= 50 and max(cold) <= 1.0
    print("ok" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run(Path(sys.argv[1]))))
