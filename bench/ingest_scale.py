"""Adding 1,000 articles to a large database (a copy of DB) beside adding them to an empty
one: the rate must stay at 80% or more (indexes and dedup must not slow with size).

    .venv/bin/python bench/ingest_scale.py /tmp/c100k.db
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build

ADD = 1_000
ROUNDS = 5


def main() -> int:
    source = Path(sys.argv[1])
    seeds = Path(__file__).resolve().parents[2] / "shared/seeds"
    folder = Path(tempfile.mkdtemp())
    large = folder / "large.db"
    shutil.copy(source, large)
    os.sync()  # else the copy's write-back runs during the timing below
    now = datetime.now(UTC)
    build(folder / "warm.db", ADD, seeds, now, first=10**6)  # warm the process up first
    empty_rates, large_rates = [], []
    for round_ in range(ROUNDS):
        first = 10**6 * (round_ + 2)  # far from the corpus's own numbers: no copy is a duplicate
        empty_rates.append(ADD / build(folder / f"empty{round_}.db", ADD, seeds, now, first))
        large_rates.append(ADD / build(large, ADD, seeds, now, first))
    into_empty = statistics.median(empty_rates)
    into_large = statistics.median(large_rates)
    ratio = into_large / into_empty
    print(
        f"adding {ADD} articles (median of {ROUNDS}): into an empty database {into_empty:.0f}/s, "
        f"into {source.name} {into_large:.0f}/s ({ratio:.0%})"
    )
    print("ok" if ratio >= 0.8 else "MISS")
    shutil.rmtree(folder)
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
