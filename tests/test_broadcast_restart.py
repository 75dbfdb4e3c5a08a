"""A bot process killed in the middle of a broadcast, then restarted, serves everyone once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import open_database
from storage.subscribers import ensure_subscriber, set_topics, update_subscriber
from tests.fake_telegram import FakeTelegram, start_sitrep_run, zone_at

CHATS = list(range(1001, 1031))
KILL_AT = 10


async def start_bot(db: Path, server: FakeTelegram, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return await start_sitrep_run(
            db, server, output, TELEGRAM_BOT_TOKEN="123456:KILL-TEST", BROADCAST_RATE="20"
        )


async def test_killed_broadcast_resumes_without_repeats_or_gaps(tmp_path: Path) -> None:
    path = tmp_path / "broadcast.db"
    db = open_database(path)
    zone, at = zone_at(datetime.now(UTC), 0, timedelta(minutes=-1))
    for chat_id in CHATS:
        ensure_subscriber(db, chat_id, "private", datetime.now(UTC))
        set_topics(db, chat_id, add=["kursk"], remove=[])
        update_subscriber(db, chat_id, timezone=zone, send_at=at)
    db.conn.close()

    server = await FakeTelegram().start()
    log = tmp_path / "bot.log"
    try:
        first = await start_bot(path, server, log)

        def kill_midway(params: dict[str, object]) -> None:
            if len(server.sent()) == KILL_AT:
                os.kill(first.pid, signal.SIGKILL)

        server.on_send = kill_midway
        assert await asyncio.wait_for(first.wait(), 60) == -signal.SIGKILL, log.read_text()
        served_before = len(server.sent())
        assert KILL_AT <= served_before < len(CHATS)

        server.on_send = None
        second = await start_bot(path, server, log)
        try:
            await server.wait_for(
                lambda: {int(m["chat_id"]) for m in server.sent()} >= set(CHATS),
                timeout=60,
                what="every chat to be served",
            )
            await asyncio.sleep(1.0)  # room for any duplicate to show up
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), 30)
    finally:
        await server.stop()
    per_chat = Counter(int(m["chat_id"]) for m in server.sent())
    assert per_chat == Counter(CHATS), log.read_text()[-3000:]
    statuses = Counter(
        row[0] for row in open_database(path).execute("select status from deliveries")
    )
    assert statuses["sent"] + statuses["unknown"] == len(CHATS)
    assert "KILL-TEST" not in log.read_text()
