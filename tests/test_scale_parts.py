"""Digest cache and retention: the cached digest is the uncached one, and old rows go."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import bot.service
from bench.corpus import build
from bot.service import DigestCache, ingest_files, topic_digest, topic_digest_off_loop
from bot.settings import load_topics
from storage.articles import article_count, prune_articles, search_sentences
from storage.db import iso, open_database
from summarize.topics import find_topic
from tests.conftest import run_cli

TOPICS = load_topics()
KURSK = find_topic("kursk", TOPICS)
NOW = datetime(2025, 1, 8, 8, 0, tzinfo=UTC)


def fresh_article(folder: Path, name: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(
        f" date 2025-01-08 Officials in Sudzha said {name} shelling hit the Kursk region "
        "overnight, cutting power to three villages and damaging a school near the centre.\n\n"
        "The regional governor said on Wednesday that repair crews would reach Sudzha once "
        f"the shelling stopped, and that buses would evacuate residents ({name})."
    )
    return path


def test_cached_digest_equals_uncached_and_follows_new_articles(
    tmp_path: Path, seeds: Path
) -> None:
    assert KURSK is not None
    db = open_database(tmp_path / "c.db")
    list(ingest_files(db, [str(seeds)], TOPICS, NOW))
    cache = DigestCache()
    plain = topic_digest(db, KURSK, NOW)
    first = topic_digest(db, KURSK, NOW, cache=cache)
    again = topic_digest(db, KURSK, NOW + timedelta(minutes=5), cache=cache)
    assert first == plain
    assert again.items == plain.items and again.generated_at != plain.generated_at
    list(ingest_files(db, [str(fresh_article(tmp_path, "morning"))], TOPICS, NOW, outlet="X"))
    updated = topic_digest(db, KURSK, NOW, cache=cache)
    assert updated == topic_digest(db, KURSK, NOW)
    assert updated.newest == "2025-01-08" and updated != first


async def test_digests_asked_for_at_once_are_summarized_once_in_a_worker_thread(
    tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert KURSK is not None
    db = open_database(tmp_path / "t.db")
    list(ingest_files(db, [str(seeds)], TOPICS, NOW))
    threads = []
    summarize = bot.service.build_digest

    def watched(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return summarize(*args, **kwargs)

    monkeypatch.setattr(bot.service, "build_digest", watched)
    cache = DigestCache()
    digests = await asyncio.gather(
        *(topic_digest_off_loop(db, KURSK, NOW, cache) for _ in range(20))
    )
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert all(d == topic_digest(db, KURSK, NOW) for d in digests)


def test_a_thousand_articles_cached_digests_and_dedup_hold(tmp_path: Path, seeds: Path) -> None:
    now = datetime.now(UTC)
    path = tmp_path / "thousand.db"
    build(path, 1_000, seeds, now)
    db = open_database(path)
    cache = DigestCache()
    first = [topic_digest(db, topic, now, cache=cache) for topic in TOPICS]
    assert first == [topic_digest(db, topic, now) for topic in TOPICS]
    assert all(digest.items for digest in first)
    build(path, 100, seeds, now, first=1_000)  # a hundred more arrive ...
    build(path, 100, seeds, now, first=1_000)  # ... and arrive again: nothing is stored twice
    assert article_count(db) == 1_100
    assert search_sentences(db, "Story 1099") or search_sentences(db, "Story 1098")
    after = [topic_digest(db, topic, now, cache=cache) for topic in TOPICS]
    assert after == [topic_digest(db, topic, now) for topic in TOPICS]
    assert after != first  # the newest articles changed the picture, and the cache saw it


def test_prune_removes_old_articles_with_their_sentences_and_index(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    old, new = fresh_article(tmp_path, "old"), fresh_article(tmp_path, "new")
    list(ingest_files(db, [str(old)], TOPICS, NOW - timedelta(days=40)))
    list(ingest_files(db, [str(new)], TOPICS, NOW))
    assert prune_articles(db, iso(NOW - timedelta(days=30))) == 1
    assert db.table("articles").count == 1
    texts = [r[0] for r in db.execute("select text from sentences")]
    assert texts and all("(new)" in t or "new shelling" in t for t in texts)
    matches = db.execute("select count(*) from sentences_fts where sentences_fts match 'old'")
    assert matches.fetchone()[0] == 0
    orphans = db.execute(
        "select count(*) from sentence_topics t left join sentences s on s.id = t.sentence_id"
        " where s.id is null"
    ).fetchone()[0]
    assert orphans == 0


def test_prune_command(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.db"
    db = open_database(db_path)
    list(ingest_files(db, [str(fresh_article(tmp_path, "old"))], TOPICS, NOW - timedelta(days=400)))
    db.conn.close()
    result = run_cli("--db", str(db_path), "prune", "--days", "30")
    assert result.returncode == 0 and result.stdout.startswith("removed 1 article(s)")
