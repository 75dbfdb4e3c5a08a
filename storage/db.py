"""Opening the one database file and applying named migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from storage.errors import DatabaseUnavailable

Migration = Callable[[Database], None]


def _m001_articles(db: Database) -> None:
    db.table("articles").create(
        {
            "id": str,
            "url": str,
            "outlet": str,
            "title": str,
            "published": str,
            "ingested_at": str,
            "sort_time": str,
            "source": str,
            "word_count": int,
            "text": str,
        },
        pk="id",
        not_null={"title", "ingested_at", "sort_time", "text"},
    )
    db.table("articles").create_index(["sort_time"])
    db.table("articles").create_index(["url"])
    db.table("sentences").create(
        {"id": int, "article_id": str, "position": int, "paragraph": int, "text": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "text"},
    )
    db.table("sentences").create_index(["article_id", "position"], unique=True)
    db.table("sentence_topics").create(
        {"topic": str, "sort_time": str, "sentence_id": int},
        pk=("topic", "sort_time", "sentence_id"),
        foreign_keys=[("sentence_id", "sentences", "id")],
    )
    db.table("sentence_topics").create_index(["sentence_id"])
    db.table("sentences").enable_fts(["text"], fts_version="FTS5", create_triggers=True)


def _m002_bot(db: Database) -> None:
    db.table("subscribers").create(
        {
            "chat_id": int,
            "chat_type": str,
            "active": int,
            "timezone": str,
            "send_at": str,
            "created_at": str,
            "last_briefing_at": str,
        },
        pk="chat_id",
        defaults={"active": 1, "timezone": "UTC", "send_at": "08:00"},
    )
    db.table("subscriptions").create(
        {"chat_id": int, "topic": str},
        pk=("chat_id", "topic"),
        foreign_keys=[("chat_id", "subscribers", "chat_id")],
    )
    db.table("deliveries").create(
        {
            "chat_id": int,
            "day": str,
            "status": str,
            "started_at": str,
            "finished_at": str,
            "error": str,
        },
        pk=("chat_id", "day"),
    )
    db.table("feeds").create(
        {
            "url": str,
            "outlet": str,
            "topics": str,
            "interval_s": int,
            "etag": str,
            "last_modified": str,
            "last_success": str,
            "last_error": str,
            "failures": int,
            "next_check": str,
            "disabled": int,
        },
        pk="url",
        defaults={"failures": 0, "disabled": 0, "interval_s": 600},
    )


def _m003_feed_entries(db: Database) -> None:
    feeds = db.table("feeds")
    feeds.add_column("items", int, not_null_default=0)
    feeds.add_column("removed", int, not_null_default=0)
    feeds.add_column("last_checked", str)
    db.table("feed_entries").create(
        {"feed_url": str, "guid": str, "url": str, "article_id": str, "seen_at": str},
        pk=("feed_url", "guid"),
    )
    db.table("feed_entries").create_index(["url"])


def _m004_retention(db: Database) -> None:
    db.table("articles").create_index(["ingested_at"])


def _m005_fts_merge(db: Database) -> None:
    # Merge full-text segments less eagerly: inserts into a large index stay fast
    # (searches, which are rare, read a few more segments).
    db.execute("insert into sentences_fts(sentences_fts, rank) values ('automerge', 16)")


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("001_articles", _m001_articles),
    ("002_bot", _m002_bot),
    ("003_feed_entries", _m003_feed_entries),
    ("004_retention", _m004_retention),
    ("005_fts_merge", _m005_fts_merge),
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The one timestamp format stored: UTC, seconds, with offset."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def migrate(db: Database) -> list[str]:
    """Apply the migrations not applied yet, in order; return their names."""
    db.table("_migrations").create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db.table("_migrations").rows}
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            migration(db)
            db.table("_migrations").insert({"name": name, "applied_at": iso(utc_now())})
        applied.append(name)
    return applied


def open_database(path: str | Path | None) -> Database:
    """Open (creating if needed) the database at `path`, in WAL mode, migrated."""
    if path is None:
        db = Database(memory=True)
    else:
        file = Path(path)
        if not file.parent.is_dir():
            raise DatabaseUnavailable(
                f"cannot create database {file}: folder {file.parent} does not exist"
            )
        if file.is_dir():
            raise DatabaseUnavailable(f"cannot open database {file}: it is a folder")
        try:
            db = Database(file)
            db.enable_wal()
        except sqlite3.DatabaseError as error:
            raise DatabaseUnavailable(f"cannot open database {file}: {error}") from None
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable at checkpoints
        db.execute("PRAGMA busy_timeout = 5000")
        migrate(db)
    except sqlite3.DatabaseError as error:
        raise DatabaseUnavailable(f"cannot use database {path}: {error}") from None
    return db
