"""Peak memory of `sitrep run` on a corpus database: the bot runs as a subprocess against
the fake Bot API, answers 20 /kursk and /donetsk, then stops; its peak RSS is read from
the kernel. Exits 1 above 200 MB.

    .venv/bin/python bench/run_memory.py /tmp/c100k.db
"""

from __future__ import annotations

import asyncio
import resource
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the fake Bot API of the tests
from tests.fake_telegram import FakeTelegram, start_sitrep_run

LIMIT_MB = 200


async def run(db: Path) -> int:
    server = await FakeTelegram().start()
    bot = await start_sitrep_run(
        db, server, asyncio.subprocess.DEVNULL, TELEGRAM_BOT_TOKEN="1:MEMORY"
    )
    for n in range(20):
        before = len(server.sent(7))
        await server.send_text(7, "/kursk" if n % 2 else "/donetsk")
        await server.wait_for(lambda b=before: len(server.sent(7)) > b, timeout=120)
    bot.send_signal(signal.SIGTERM)
    await bot.wait()
    await server.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of `sitrep run`: {peak_mb:.0f} MB (limit {LIMIT_MB} MB), 20 digests answered")
    return 0 if peak_mb <= LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run(Path(sys.argv[1]))))
