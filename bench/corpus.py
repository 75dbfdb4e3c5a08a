"""Build a benchmark database: N articles over N/200 days, on both fronts and on unrelated
news, recombined and re-dated from the seed sentences at run time (nothing copied into the
project), a fifth of them syndicated copies of an earlier story under another outlet.

    .venv/bin/python bench/corpus.py OUT.db [N] [SEEDS_DIR]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import load_topics
from ingest.article import build_article
from ingest.clean import CleanText
from ingest.files import load_file
from storage.articles import save_article
from storage.db import open_database

OUTLETS = [f"Outlet {chr(65 + i)}" for i in range(12)]


def seed_sentences(seeds: Path) -> tuple[list[str], list[str]]:
    """Seed sentences on a front, and those on neither (the 'unrelated news')."""
    topics = load_topics()
    on, off = [], []
    for path in sorted(seeds.glob("*.txt")):
        for sentence in load_file(path, topics, published="2025-01-01").sentences:
            (on if sentence.topics else off).append(sentence.text)
    return on, off


def build(out: Path, count: int, seeds: Path, now: datetime, first: int = 0) -> float:
    """Add `count` articles (numbered from `first`) to the database at `out`; seconds taken."""
    topics = load_topics()
    on, off = seed_sentences(seeds)
    rng = random.Random(2025 + first)
    db = open_database(out)
    days = max(1, count // 200)
    start = time.perf_counter()
    stories: list[CleanText] = []
    for n in range(first, first + count):
        published = now - timedelta(days=days * (first + count - n) / count)
        if stories and rng.random() < 0.2:  # a syndicated copy under another outlet
            story = rng.choice(stories[-50:])
            paragraphs = (*story.paragraphs, f"Distributed by {rng.choice(OUTLETS)} ({n}).")
        else:
            pool = on if rng.random() < 0.6 else off
            chosen = rng.sample(pool, k=min(10, len(pool)))
            paragraphs = (*chosen, f"Story {n} was filed on day {published:%j}.")
        clean = CleanText(title=f"Story {n}", published=None, paragraphs=paragraphs)
        stories.append(clean)
        article = build_article(
            clean,
            topics,
            source=f"bench:{n}",
            outlet=rng.choice(OUTLETS),
            published=published.date().isoformat(),
        )
        save_article(db, article, published)
    return time.perf_counter() - start


def main() -> int:
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    seeds = (
        Path(sys.argv[3])
        if len(sys.argv) > 3
        else Path(__file__).resolve().parents[2] / "shared/seeds"
    )
    seconds = build(out, count, seeds, datetime.now(UTC))
    size = out.stat().st_size
    print(
        f"{count} articles in {seconds:.1f} s ({count / seconds:.0f}/s); "
        f"{size / 1e6:.1f} MB, {size / count * 1000 / 1e6:.2f} MB per 1,000 articles"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
