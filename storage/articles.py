"""Articles and their topic-tagged sentences."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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
        first = db.execute("select coalesce(max(id), 0) + 1 from sentences").fetchone()[0]
        db.conn.executemany(
            "insert into sentences (id, article_id, position, paragraph, text)"
            " values (?, ?, ?, ?, ?)",
            [
                (first + n, article.id, s.position, s.paragraph, s.text)
                for n, s in enumerate(article.sentences)
            ],
        )
        db.conn.executemany(
            "insert into sentence_topics (topic, sort_time, sentence_id) values (?, ?, ?)",
            [
                (topic, when, first + n)
                for n, s in enumerate(article.sentences)
                for topic in s.topics
            ],
        )
    return True


def latest_topic_time(db: Database, topic: str) -> str | None:
    """The sort time of the newest article with a sentence on `topic`."""
    row = db.execute(
        "select max(sort_time) from sentence_topics where topic = ?", [topic]
    ).fetchone()
    return row[0] if row and row[0] else None


MAX_WINDOW_ARTICLES = 100  # a digest reads at most the newest this many articles


def window_documents(
    db: Database,
    topic: str | None,
    since: str,
    until: str | None = None,
    limit: int = MAX_WINDOW_ARTICLES,
) -> list[Document]:
    """The newest `limit` articles with since <= sort_time <= until (on `topic`, if given),
    with all their sentences."""
    upper = until or "9999"
    if topic is None:
        query = """select id from articles where sort_time >= ? and sort_time <= ?
            order by sort_time desc limit ?"""
        params: list[object] = [since, upper, limit]
    else:
        query = """select s.article_id from sentence_topics t
            join sentences s on s.id = t.sentence_id
            where t.topic = ? and t.sort_time >= ? and t.sort_time <= ?
            group by s.article_id order by max(t.sort_time) desc limit ?"""
        params = [topic, since, upper, limit]
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


def documents_ingested_since(
    db: Database, topic: str, since: str, limit: int = MAX_WINDOW_ARTICLES
) -> list[Document]:
    """The newest `limit` articles on `topic` stored after `since` (new to a reader)."""
    ids = [
        row[0]
        for row in db.execute(
            """select a.id from articles a
               where a.ingested_at > ? and exists (
                   select 1 from sentences s join sentence_topics t on t.sentence_id = s.id
                   where s.article_id = a.id and t.topic = ?)
               order by a.ingested_at desc limit ?""",
            [since, topic, limit],
        )
    ]
    return documents_by_id(db, ids)


def outlet_activity(db: Database, days: int) -> list[tuple[str, int, str]]:
    """(outlet, articles, newest sort time) for every outlet with articles in the `days`
    up to the newest article, newest first: read through the sort-time index, so it costs
    what the period holds, not the archive."""
    newest = db.execute("select max(sort_time) from articles").fetchone()[0]
    if newest is None:
        return []
    since = iso(datetime.fromisoformat(newest) - timedelta(days=days))
    return [
        (row[0], row[1], row[2])
        for row in db.execute(
            """select coalesce(outlet, 'unknown outlet'), count(*), max(sort_time)
               from articles where sort_time >= ? group by 1 order by 3 desc""",
            [since],
        )
    ]


SEARCH_DEPTH = 200  # the newest-stored matches a search orders by date


def search_sentences(db: Database, query: str, limit: int = 5) -> list[tuple[str, Document]]:
    """Newest sentences matching the words of `query` (full-text), with their article.
    Only the `SEARCH_DEPTH` matches stored last are ordered by date: a common word matches
    a large part of the archive, and sorting all of it would cost what the archive holds."""
    words = [w for w in re.findall(r"\w+", query) if len(w) > 1][:8]
    if not words:
        return []
    match = " ".join(f'"{w}"' for w in words)
    rows = db.execute(
        """select s.text, s.article_id from (
               select rowid from sentences_fts where sentences_fts match ?
               order by rowid desc limit ?
           ) f
           join sentences s on s.id = f.rowid join articles a on a.id = s.article_id
           order by a.sort_time desc, s.id desc limit ?""",
        [match, SEARCH_DEPTH, limit],
    ).fetchall()
    documents = {d.id: d for d in documents_by_id(db, list({r[1] for r in rows}))}
    return [(text, documents[article_id]) for text, article_id in rows]


def articles_version(db: Database) -> tuple[int, int]:
    """Changes whenever an article is added or pruned (rowids only grow)."""
    # Two subqueries: each is one index lookup, where max() and min() in one select scan.
    row = db.execute(
        "select coalesce((select max(rowid) from articles), 0),"
        " coalesce((select min(rowid) from articles), 0)"
    )
    low_high = row.fetchone()
    return int(low_high[0]), int(low_high[1])


def prune_batch(db: Database, ingested_before: str, batch: int = 200) -> int:
    """Delete up to `batch` articles stored before `ingested_before`, with their sentences
    and index rows, in one short transaction. Returns how many."""
    ids = [
        row[0]
        for row in db.execute(
            "select id from articles where ingested_at < ? limit ?", [ingested_before, batch]
        )
    ]
    if ids:
        marks = ",".join("?" * len(ids))
        with db.conn:
            db.execute(
                f"delete from sentence_topics where sentence_id in"
                f" (select id from sentences where article_id in ({marks}))",
                ids,
            )
            db.execute(f"delete from sentences where article_id in ({marks})", ids)
            db.execute(f"delete from articles where id in ({marks})", ids)
    return len(ids)


def prune_articles(db: Database, ingested_before: str) -> int:
    """Delete every article stored before `ingested_before`, a batch at a time."""
    removed = 0
    while batch := prune_batch(db, ingested_before):
        removed += batch
    return removed


def article_count(db: Database) -> int:
    return int(db.execute("select count(*) from articles").fetchone()[0])
