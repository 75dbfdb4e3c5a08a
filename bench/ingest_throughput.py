"""Ingest throughput: articles a second from local HTML pages through our whole pipeline
(trafilatura extraction, cleaning, splitting, tagging, SQLite storage), beside the rate of
bare `trafilatura.extract` on the same pages. Exits 1 below half the bare rate.

    .venv/bin/python bench/ingest_throughput.py [N_PAGES] [SEEDS_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from bot.settings import load_topics
from ingest.article import build_article
from ingest.files import extract_html
from storage.articles import save_article
from storage.db import open_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for the test page builder
from tests.feed_server import page_html, seed_pages


def page_chrome(n: int) -> tuple[str, str]:
    """What surrounds an article on a real news site (about 50 KB): menus, most-read lists,
    related stories, a state script, a footer."""
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(120))
    related = "".join(
        f'<li><a href="/story/{n}-{i}"><img src="/t/{i}.jpg" alt="">Related headline {i} about '
        f"the day's other news, updated</a><span>{i} min read</span></li>"
        for i in range(40)
    )
    state = "{" + ",".join(f'"k{i}": "value {i} {n}"' for i in range(900)) + "}"
    footer = "".join(f'<a href="/about/{i}">About link {i}</a> ' for i in range(80))
    before = (
        f"<header><nav><ul>{menu}</ul></nav><div class='ad'>Advertisement</div></header>"
        f"<script>window.__STATE__ = {state};</script>"
    )
    after = (
        f"<aside><h3>Most read</h3><ol>{related}</ol></aside>"
        "<section class='comments'><p>Comments are closed.</p></section>"
        f"<footer>{footer}<p>© Sample Media {n}</p></footer>"
    )
    return before, after


def pages(count: int, seeds: Path) -> list[str]:
    """`count` distinct news pages: a seed article in realistic page chrome, each copy with
    its own closing paragraph so that none is a duplicate."""
    base = seed_pages(seeds)
    built = []
    for n in range(count):
        page = base[n % len(base)]
        extra = f"Copy {n} of this story was filed for the ingest benchmark, run number {n}."
        copy = type(page)(**{**page.__dict__, "paragraphs": [*page.paragraphs, extra]})
        before, after = page_chrome(n)
        html = page_html(copy).replace("<body>", f"<body>{before}")
        built.append(html.replace("</body>", f"{after}</body>"))
    return built


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seeds = Path(sys.argv[2]) if len(sys.argv) > 2 else root.parent / "shared/seeds"
    documents = pages(count, seeds)
    topics = load_topics()

    start = time.perf_counter()
    for text in documents:
        trafilatura.extract(text, include_comments=False, include_tables=False)
    bare = count / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        now = datetime.now(UTC)
        start = time.perf_counter()
        stored = 0
        for number, text in enumerate(documents):
            clean, site = extract_html(text)
            article = build_article(clean, topics, source=f"page-{number}", outlet=site)
            stored += save_article(db, article, now)
        ours = count / (time.perf_counter() - start)
    assert stored == count, f"only {stored} of {count} pages stored"

    print(f"{count} pages")
    print(f"{'trafilatura.extract':22} {bare:8.1f} articles/s  (baseline: extraction only)")
    print(f"{'sitrep pipeline':22} {ours:8.1f} articles/s  ({ours / bare:.0%} of baseline)")
    ok = ours >= bare / 2
    print(f"{'ok  ' if ok else 'MISS'} pipeline at least half the bare extraction rate")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
