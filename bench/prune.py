"""Retention on a large database (a copy of DB): pruning its oldest fifth of articles in
batches, beside the same deletion as one transaction. A reply waits at most one batch,
so the longest batch is the figure; it must stay under 100 ms. Exits 1 above that.

    .venv/bin/python bench/prune.py /tmp/c100k.db
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from storage.articles import article_count, prune_batch
from storage.db import open_database

LIMIT_MS = 100


def main() -> int:
    source = Path(sys.argv[1])
    folder = Path(tempfile.mkdtemp())
    batched, whole = folder / "batched.db", folder / "whole.db"
    shutil.copy(source, batched)
    shutil.copy(source, whole)
    os.sync()  # else the copies' write-back runs during the timing below
    db = open_database(batched)
    count = article_count(db)
    offset = count // 5
    cutoff = db.execute(
        "select ingested_at from articles order by ingested_at limit 1 offset ?", [offset]
    ).fetchone()[0]
    batches = []
    while True:
        start = time.perf_counter()
        if not prune_batch(db, cutoff):
            break
        batches.append(time.perf_counter() - start)
    removed = count - article_count(db)
    one = open_database(whole)
    start = time.perf_counter()
    prune_batch(one, cutoff, batch=count)
    in_one = time.perf_counter() - start
    longest = max(batches) * 1000
    print(f"pruning {removed} of {count} articles from {source.name}")
    print(
        f"in {len(batches)} batches: median {statistics.median(batches) * 1000:.0f} ms, "
        f"longest {longest:.0f} ms, {sum(batches):.1f} s in all"
    )
    print(f"as one transaction: {in_one:.1f} s during which no reply could be read or sent")
    shutil.rmtree(folder)
    print("ok" if longest <= LIMIT_MS else "MISS")
    return 0 if longest <= LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
