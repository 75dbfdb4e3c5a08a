"""Feeds, their health, and the entries already seen (by GUID and by canonical URL)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.db import iso


@dataclass(frozen=True)
class FeedState:
    url: str
    outlet: str | None
    topics: tuple[str, ...]
    interval_s: int
    etag: str | None
    last_modified: str | None
    failures: int
    next_check: str | None
    disabled: bool
    last_success: str | None
    last_error: str | None
    items: int
    last_checked: str | None


def _text(value: object) -> str | None:
    return str(value) if value else None


def _state(row: dict[str, object]) -> FeedState:
    return FeedState(
        url=str(row["url"]),
        outlet=_text(row["outlet"]),
        topics=tuple(json.loads(str(row["topics"] or "[]"))),
        interval_s=int(str(row["interval_s"] or 600)),
        etag=_text(row["etag"]),
        last_modified=_text(row["last_modified"]),
        failures=int(str(row["failures"] or 0)),
        next_check=_text(row["next_check"]),
        disabled=bool(row["disabled"]),
        last_success=_text(row["last_success"]),
        last_error=_text(row["last_error"]),
        items=int(str(row["items"] or 0)),
        last_checked=_text(row["last_checked"]),
    )


def add_feed(
    db: Database,
    url: str,
    outlet: str | None = None,
    topics: tuple[str, ...] = (),
    interval_s: int = 600,
    *,
    revive: bool = True,
) -> bool:
    """Register a feed; False when it was known. `revive` brings back a removed one."""
    table = db.table("feeds")
    existing = list(table.rows_where("url = ?", [url]))
    if existing:
        if revive and existing[0]["removed"]:
            table.update(url, {"removed": 0, "disabled": 0, "failures": 0, "next_check": None})
            return True
        return False
    table.insert(
        {
            "url": url,
            "outlet": outlet,
            "topics": json.dumps(list(topics)),
            "interval_s": interval_s,
            "failures": 0,
            "disabled": 0,
            "items": 0,
            "removed": 0,
        }
    )
    return True


def remove_feed(db: Database, url: str) -> bool:
    """Stop polling a feed (kept as removed, so the default list does not bring it back)."""
    table = db.table("feeds")
    if not table.count_where("url = ? and removed = 0", [url]):
        return False
    table.update(url, {"removed": 1})
    return True


def list_feeds(db: Database) -> list[FeedState]:
    return [_state(r) for r in db.table("feeds").rows_where("removed = 0", order_by="url")]


def due_feeds(db: Database, now: datetime) -> list[FeedState]:
    rows = db.table("feeds").rows_where(
        "removed = 0 and disabled = 0 and (next_check is null or next_check <= ?)",
        [iso(now)],
        order_by="next_check",
    )
    return [_state(r) for r in rows]


def record_poll(db: Database, url: str, **fields: object) -> None:
    db.table("feeds").update(url, fields)


def entry_seen(db: Database, feed_url: str, guid: str, url: str | None) -> bool:
    """Whether this entry (same GUID in this feed, or same canonical URL anywhere) is known."""
    if db.table("feed_entries").count_where("feed_url = ? and guid = ?", [feed_url, guid]):
        return True
    return bool(url) and bool(db.table("feed_entries").count_where("url = ?", [url]))


def mark_entry(
    db: Database, feed_url: str, guid: str, url: str | None, article_id: str | None, now: datetime
) -> None:
    db.table("feed_entries").insert(
        {
            "feed_url": feed_url,
            "guid": guid,
            "url": url,
            "article_id": article_id,
            "seen_at": iso(now),
        },
        replace=True,
    )
