from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import load_topics
from ingest.article import Article, build_article
from ingest.clean import clean_text
from storage.articles import save_article, window_documents
from storage.db import MIGRATIONS, open_database
from storage.errors import DatabaseUnavailable

NOW = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)
TEXT = (
    " date 2025-03-11 Shelling near Sudzha\n\n"
    "Russian artillery shelled positions near Sudzha in the Kursk region on Tuesday, "
    "the regional command said.\n\n"
    "Separately, officials said the road to Pokrovsk remained open for supply convoys "
    "despite drone attacks, and that evacuations of civilians continued in the Donetsk region."
)


def make_article() -> Article:
    return build_article(clean_text(TEXT), load_topics(), source="test.txt", outlet="Example")


def test_open_creates_schema_in_wal_mode_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = open_database(path)
    assert db.journal_mode == "wal"
    assert {
        "articles",
        "sentences",
        "sentence_topics",
        "subscribers",
        "deliveries",
        "feeds",
    } <= set(db.table_names())
    assert [r["name"] for r in db.table("_migrations").rows] == [name for name, _ in MIGRATIONS]
    again = open_database(path)
    assert again.table("_migrations").count == len(MIGRATIONS)


def test_article_is_stored_once_with_tagged_sentences(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.db")
    article = make_article()
    assert save_article(db, article, NOW) is True
    assert save_article(db, article, NOW) is False
    row = db.table("articles").get(article.id)
    assert row == {
        "id": article.id,
        "url": None,
        "outlet": "Example",
        "title": "Shelling near Sudzha",
        "published": "2025-03-11",
        "ingested_at": "2025-03-12T09:30:00+00:00",
        "sort_time": "2025-03-11T00:00:00+00:00",
        "source": "test.txt",
        "word_count": 41,
        "text": article.text,
    }
    tags = db.execute(
        "select s.position, t.topic from sentence_topics t join sentences s on s.id = t.sentence_id"
        " order by s.position, t.topic"
    ).fetchall()
    assert tags == [(0, "kursk"), (1, "donetsk")]
    fts = "select rowid from sentences_fts where sentences_fts match 'convoys'"
    assert [r[0] for r in db.execute(fts)] == [2]


def test_window_returns_whole_articles_on_the_topic(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.db")
    save_article(db, make_article(), NOW)
    [document] = window_documents(db, "donetsk", "2025-03-10T00:00:00+00:00")
    assert [s.topics for s in document.sentences] == [("kursk",), ("donetsk",)]
    assert window_documents(db, "donetsk", "2025-03-12T00:00:00+00:00") == []


def test_database_in_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        open_database(tmp_path / "missing" / "s.db")


def test_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not SQLite " * 100)
    with pytest.raises(DatabaseUnavailable, match="cannot"):
        open_database(path)


def test_window_reads_only_the_newest_articles(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.db")
    for day in (3, 5, 7, 9):
        text = TEXT.replace("2025-03-11", f"2025-03-0{day}").replace("Tuesday", f"day {day}")
        save_article(db, build_article(clean_text(text), load_topics(), source=f"{day}"), NOW)
    newest = window_documents(db, "kursk", "2025-03-01T00:00:00+00:00", limit=2)
    assert [d.published for d in newest] == ["2025-03-07", "2025-03-09"]
