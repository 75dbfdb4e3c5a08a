"""Subscribers, their topics and the delivery log of daily briefings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.db import iso


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    chat_type: str
    active: bool
    timezone: str
    send_at: str  # "HH:MM" local time
    topics: tuple[str, ...]
    last_briefing_at: str | None


def ensure_subscriber(db: Database, chat_id: int, chat_type: str, now: datetime) -> None:
    """Create the chat's row if new; a returning chat that had blocked the bot is active again."""
    table = db.table("subscribers")
    if table.count_where("chat_id = ?", [chat_id]):
        table.update(chat_id, {"active": 1, "chat_type": chat_type})
    else:
        table.insert({"chat_id": chat_id, "chat_type": chat_type, "created_at": iso(now)})


def get_subscriber(db: Database, chat_id: int) -> Subscriber | None:
    rows = list(db.table("subscribers").rows_where("chat_id = ?", [chat_id]))
    if not rows:
        return None
    row = rows[0]
    topics = tuple(
        r[0]
        for r in db.execute(
            "select topic from subscriptions where chat_id = ? order by topic", [chat_id]
        )
    )
    return Subscriber(
        chat_id=row["chat_id"],
        chat_type=row["chat_type"] or "private",
        active=bool(row["active"]),
        timezone=row["timezone"],
        send_at=row["send_at"],
        topics=topics,
        last_briefing_at=row["last_briefing_at"],
    )


def subscribed(db: Database) -> list[Subscriber]:
    """Active chats with at least one topic."""
    ids = [
        r[0]
        for r in db.execute(
            "select distinct s.chat_id from subscribers s join subscriptions t"
            " on t.chat_id = s.chat_id where s.active = 1 order by s.chat_id"
        )
    ]
    return [s for s in (get_subscriber(db, i) for i in ids) if s is not None]


def set_topics(db: Database, chat_id: int, add: list[str], remove: list[str]) -> None:
    with db.conn:
        for topic in remove:
            db.execute(
                "delete from subscriptions where chat_id = ? and topic = ?", [chat_id, topic]
            )
        db.table("subscriptions").insert_all(
            ({"chat_id": chat_id, "topic": t} for t in add), ignore=True
        )


def update_subscriber(db: Database, chat_id: int, **fields: object) -> None:
    db.table("subscribers").update(chat_id, fields)


def move_chat(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its subscription follows it to the new id."""
    ids = [new_id, old_id]
    with db.conn:
        rows = list(db.table("subscribers").rows_where("chat_id = ?", [old_id]))
        if rows and not db.table("subscribers").count_where("chat_id = ?", [new_id]):
            db.table("subscribers").insert({**rows[0], "chat_id": new_id})
        db.execute("update or ignore subscriptions set chat_id = ? where chat_id = ?", ids)
        db.execute("update or ignore deliveries set chat_id = ? where chat_id = ?", ids)
        for table in ("subscriptions", "deliveries", "subscribers"):
            db.execute(f"delete from {table} where chat_id = ?", [old_id])


# The delivery log. A row is written as 'sending' before the message goes out and as
# 'sent' once Telegram accepted it; 'failed' and 'skipped' close it otherwise.


def delivery_status(db: Database, chat_id: int, day: str) -> str | None:
    row = db.execute(
        "select status from deliveries where chat_id = ? and day = ?", [chat_id, day]
    ).fetchone()
    return row[0] if row else None


def begin_delivery(db: Database, chat_id: int, day: str, now: datetime) -> bool:
    """Claim (chat, day); False when a briefing for that day was already attempted."""
    with db.conn:
        cursor = db.execute(
            "insert or ignore into deliveries (chat_id, day, status, started_at)"
            " values (?, ?, 'sending', ?)",
            [chat_id, day, iso(now)],
        )
    return cursor.rowcount == 1


def finish_delivery(
    db: Database, chat_id: int, day: str, status: str, now: datetime, error: str | None = None
) -> None:
    with db.conn:
        db.execute(
            "update deliveries set status = ?, finished_at = ?, error = ?"
            " where chat_id = ? and day = ?",
            [status, iso(now), error, chat_id, day],
        )
        if status == "sent":  # to the minute: chats served together share their next window
            db.execute(
                "update subscribers set last_briefing_at = ? where chat_id = ?",
                [iso(now.replace(second=0, microsecond=0)), chat_id],
            )


def release_delivery(db: Database, chat_id: int, day: str) -> None:
    """Forget a claim whose message certainly did not go out, so it is tried again."""
    with db.conn:
        db.execute("delete from deliveries where chat_id = ? and day = ?", [chat_id, day])


def close_in_flight(db: Database, now: datetime) -> int:
    """At start: claims still 'sending' were in flight when the process died."""
    with db.conn:
        cursor = db.execute(
            "update deliveries set status = 'unknown', finished_at = ?,"
            " error = 'in flight when the bot stopped' where status = 'sending'",
            [iso(now)],
        )
    return cursor.rowcount


def deliveries_on(db: Database, day: str) -> dict[str, int]:
    return dict(
        db.execute(
            "select status, count(*) from deliveries where day = ? group by status", [day]
        ).fetchall()
    )
