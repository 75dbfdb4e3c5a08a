"""Articles and their topic-tagged sentences."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from ingest.article import Article
from storage.db import iso
from summarize.model import DocSentence, Document


def sort_time(published: str | None, ingested_at: datetime) -> str:
    """When an article counts as news: its publication date, else when we got it."""
    if published:
        moment = datetime.fromisoformat(published)
        return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return iso(ingested_at)


def save_article(db: Database, article: Article, now: datetime) -> bool:
    """Store an article with its sentences and tags; False when it is already stored."""
    if db.table("articles").count_where("id = ?", [article.id]):
        return False
    when = sort_time(article.published, now)
    with db.conn:
        db.table("articles").insert(
            {
                "id": article.id,
                "url": article.url,
                "outlet": article.outlet,
                "title": article.title,
                "published": article.published,
                "ingested_at": iso(now),
                "sort_time": when,
                "source": article.source,
                "word_count": article.word_count,
                "text": article.text,
            }
        )
        for sentence in article.sentences:
            sentence_id = (
                db.table("sentences")
                .insert(
                    {
                        "article_id": article.id,
                        "position": sentence.position,
                        "paragraph": sentence.paragraph,
                        "text": sentence.text,
                    }
                )
                .last_pk
            )
            db.table("sentence_topics").insert_all(
                {"topic": topic, "sort_time": when, "sentence_id": sentence_id}
                for topic in sentence.topics
            )
    return True


def latest_topic_time(db: Database, topic: str) -> str | None:
    """The sort time of the newest article with a sentence on `topic`."""
    row = db.execute(
        "select max(sort_time) from sentence_topics where topic = ?", [topic]
    ).fetchone()
    return row[0] if row and row[0] else None


def window_documents(
    db: Database, topic: str | None, since: str, until: str | None = None
) -> list[Document]:
    """Articles with since <= sort_time <= until (on `topic`, if given), with all sentences."""
    upper = until or "9999"
    if topic is None:
        query = "select id from articles where sort_time >= ? and sort_time <= ?"
        params: list[str] = [since, upper]
    else:
        query = """select distinct s.article_id from sentence_topics t
            join sentences s on s.id = t.sentence_id
            where t.topic = ? and t.sort_time >= ? and t.sort_time <= ?"""
        params = [topic, since, upper]
    ids = [row[0] for row in db.execute(query, params).fetchall()]
    return documents_by_id(db, ids)


def documents_by_id(db: Database, ids: list[str]) -> list[Document]:
    """The given articles as summarizer documents, oldest first."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    tags: dict[int, list[str]] = {}
    for sentence_id, topic in db.execute(
        f"""select t.sentence_id, t.topic from sentence_topics t
            join sentences s on s.id = t.sentence_id where s.article_id in ({marks})""",
        ids,
    ).fetchall():
        tags.setdefault(sentence_id, []).append(topic)
    sentences: dict[str, list[DocSentence]] = {}
    for sentence_id, article_id, position, text in db.execute(
        f"""select id, article_id, position, text from sentences
            where article_id in ({marks}) order by article_id, position""",
        ids,
    ).fetchall():
        sentences.setdefault(article_id, []).append(
            DocSentence(position, text, tuple(tags.get(sentence_id, ())))
        )
    rows = db.execute(
        f"""select id, title, outlet, url, published, sort_time from articles
            where id in ({marks}) order by sort_time, id""",
        ids,
    ).fetchall()
    return [
        Document(
            id=row[0],
            title=row[1],
            sentences=tuple(sentences.get(row[0], ())),
            outlet=row[2],
            url=row[3],
            published=row[4],
            sort_time=row[5],
        )
        for row in rows
    ]
