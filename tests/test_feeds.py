"""Feeds over real HTTP on 127.0.0.1, built at test time from the seed articles."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.settings import load_topics
from ingest.feed_policy import canonical_url, next_check, poll_interval, should_disable
from ingest.feeds import Fetcher, make_client, poll_feeds
from storage.db import open_database
from storage.feeds import add_feed, due_feeds, list_feeds
from tests.conftest import ROOT
from tests.feed_server import FeedServer, Page, Route, atom, rss, seed_pages

TOPICS = load_topics()
NOW = datetime(2025, 1, 8, 9, 0, tzinfo=UTC)


@pytest.fixture
async def server(seeds: Path) -> AsyncIterator[FeedServer]:
    feeds = await FeedServer().start()
    feeds.pages = {p.slug: p for p in seed_pages(seeds)}
    yield feeds
    await feeds.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with make_client(timeout=1.0) as client:
        yield Fetcher(client, timeout=1.0)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "feeds.db")


async def poll(fetcher: Fetcher, db: Database, now: datetime = NOW) -> dict[str, object]:
    reports = await poll_feeds(fetcher, db, due_feeds(db, now), TOPICS, now)
    return {r.url: r for r in reports}


def articles(db: Database) -> list[dict[str, object]]:
    return list(db.table("articles").rows_where(order_by="published"))


async def test_first_poll_ingests_the_seeds_then_conditional_get_adds_nothing(
    server: FeedServer, fetcher: Fetcher, db: Database
) -> None:
    pages = list(server.pages.values())
    server.routes["/rss.xml"] = Route(
        rss(server.url, pages), etag='"v1"', last_modified="Tue, 07 Jan 2025 10:00:00 GMT"
    )
    add_feed(db, f"{server.url}/rss.xml")
    first = await poll(fetcher, db)
    report = first[f"{server.url}/rss.xml"]
    assert report.error is None and len(report.added) == 5  # type: ignore[attr-defined]
    stored = {row["title"]: row for row in articles(db)}
    for page in pages:
        row = stored[page.title]
        assert row["outlet"] == (page.outlet or "127.0.0.1")  # no site name: the domain
        assert row["published"] == page.published
        assert row["url"] == f"{server.url}/article/{page.slug}"
    texts = " ".join(str(r["text"]) for r in stored.values())
    assert "Getty Images" not in texts and "via REUTERS" not in texts

    later = NOW + timedelta(minutes=11)
    second = await poll(fetcher, db, later)
    assert second[f"{server.url}/rss.xml"].not_modified  # type: ignore[attr-defined]
    headers = server.requests_to("/rss.xml")[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Tue, 07 Jan 2025 10:00:00 GMT"
    assert len(articles(db)) == 5


async def test_only_the_new_item_is_added_and_utm_copies_are_not(
    server: FeedServer, fetcher: Fetcher, db: Database
) -> None:
    pages = list(server.pages.values())
    server.routes["/rss.xml"] = Route(rss(server.url, pages))
    add_feed(db, f"{server.url}/rss.xml")
    await poll(fetcher, db)
    fresh = Page(
        "fresh",
        "Fresh shelling near Sudzha",
        "Example Wire",
        "2025-01-08",
        [
            "Russian artillery shelled Ukrainian positions near Sudzha in the Kursk region "
            "overnight, the regional command said on Wednesday.",
            "The command said two villages west of Sudzha lost power and that repair crews "
            "were waiting for the shelling to stop before going in.",
        ],
        "Russian artillery shelled Ukrainian positions near Sudzha.",
    )
    server.pages["fresh"] = fresh
    server.routes["/rss.xml"] = Route(rss(server.url, [*pages, fresh]))
    report = (await poll(fetcher, db, NOW + timedelta(minutes=11)))[f"{server.url}/rss.xml"]
    assert len(report.added) == 1 and report.duplicates == 5  # type: ignore[attr-defined]
    assert [r["title"] for r in articles(db)][-1] == "Fresh shelling near Sudzha"
    # The same stories again, under tracking-tagged URLs and new GUIDs, in another feed.
    server.routes["/other.xml"] = Route(
        rss(server.url, [*pages, fresh], link_suffix="?utm_source=tg&utm_medium=social")
    )
    add_feed(db, f"{server.url}/other.xml")
    other = (await poll(fetcher, db, NOW + timedelta(minutes=22)))[f"{server.url}/other.xml"]
    assert other.added == [] and other.error is None  # type: ignore[attr-defined]
    assert len(articles(db)) == 6
    # A feed that re-dates old items does not make them new.
    redated = [Page(**{**p.__dict__, "published": "2025-02-01"}) for p in pages]
    server.routes["/rss.xml"] = Route(rss(server.url, redated))
    report = (await poll(fetcher, db, NOW + timedelta(minutes=33)))[f"{server.url}/rss.xml"]
    assert report.added == []  # type: ignore[attr-defined]


async def test_atom_feed_ingests_with_the_feed_outlet(
    server: FeedServer, fetcher: Fetcher, db: Database
) -> None:
    server.routes["/atom.xml"] = Route(
        atom(server.url, list(server.pages.values())), content_type="application/atom+xml"
    )
    add_feed(db, f"{server.url}/atom.xml", outlet="Configured Outlet")
    report = (await poll(fetcher, db))[f"{server.url}/atom.xml"]
    assert len(report.added) == 5  # type: ignore[attr-defined]
    assert {r["outlet"] for r in articles(db)} == {"Configured Outlet"}


FAULTS = {
    "/500.xml": (Route(b"oops", status=500), "HTTP 500"),
    "/404.xml": (None, "HTTP 404"),
    "/slow.xml": (Route(never_answer=True), "timed out"),
    "/huge.xml": (Route(b"<rss>" + b" " * (6 * 1024 * 1024)), "over the"),
    "/broken.xml": (
        Route(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut'),
        "malformed feed XML",
    ),
    "/loop.xml": (Route(redirect_to="/loop.xml"), "redirect loop"),
    "/page.xml": (
        Route(b"<html><body><p>Welcome to our site</p></body></html>", content_type="text/html"),
        "not an RSS or Atom feed",
    ),
}


@pytest.mark.parametrize("path", list(FAULTS))
async def test_a_broken_feed_records_its_error_and_backs_off_while_others_ingest(
    server: FeedServer, fetcher: Fetcher, db: Database, path: str
) -> None:
    route, reason = FAULTS[path]
    if route is not None:
        server.routes[path] = route
    server.routes["/good.xml"] = Route(rss(server.url, list(server.pages.values())))
    add_feed(db, f"{server.url}/good.xml")
    add_feed(db, f"{server.url}{path}")
    reports = await poll(fetcher, db)
    assert len(reports[f"{server.url}/good.xml"].added) == 5  # type: ignore[attr-defined]
    bad = {f.url: f for f in list_feeds(db)}[f"{server.url}{path}"]
    assert bad.failures == 1 and reason in (bad.last_error or ""), bad.last_error
    assert bad.next_check == (NOW + timedelta(minutes=20)).isoformat()
    assert bad.url not in [f.url for f in due_feeds(db, NOW + timedelta(minutes=11))]


async def test_a_feed_in_another_encoding_is_read_right(
    server: FeedServer, fetcher: Fetcher, db: Database
) -> None:
    page = server.pages["seed-3"]
    title = "Київ: наступ у Курській області"  # declared and sent as windows-1251
    body = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
        "<title>t</title><link>x</link><description>d</description>"
        f"<item><title>{title}</title><link>{server.url}/article/{page.slug}</link>"
        f"<guid>cp1251-1</guid><description>{page.summary}</description></item>"
        "</channel></rss>"
    ).encode("windows-1251")
    server.routes["/cp1251.xml"] = Route(body)
    add_feed(db, f"{server.url}/cp1251.xml")
    report = (await poll(fetcher, db))[f"{server.url}/cp1251.xml"]
    assert report.error is None and len(report.added) == 1  # type: ignore[attr-defined]


async def test_entry_whose_page_fails_uses_the_summary(
    server: FeedServer, fetcher: Fetcher, db: Database
) -> None:
    page = server.pages["seed-4"]
    page.summary = " ".join(page.paragraphs[1:6])
    server.broken_pages.add(page.slug)
    server.routes["/rss.xml"] = Route(rss(server.url, [page]))
    add_feed(db, f"{server.url}/rss.xml", outlet="Summary Outlet")
    report = (await poll(fetcher, db))[f"{server.url}/rss.xml"]
    assert len(report.added) == 1  # type: ignore[attr-defined]
    [row] = articles(db)
    assert row["title"] == page.title and row["outlet"] == "Summary Outlet"
    assert str(row["text"]).startswith(page.paragraphs[1][:40])


async def test_gzip_bodies_are_read(server: FeedServer, fetcher: Fetcher, db: Database) -> None:
    server.routes["/gz.xml"] = Route(rss(server.url, list(server.pages.values())), gzip=True)
    add_feed(db, f"{server.url}/gz.xml")
    report = (await poll(fetcher, db))[f"{server.url}/gz.xml"]
    assert len(report.added) == 5  # type: ignore[attr-defined]


def test_feed_policy() -> None:
    assert canonical_url("HTTPS://Example.org:443/a/b/?utm_source=x&id=3&fbclid=z#top") == (
        "https://example.org/a/b?id=3"
    )
    assert poll_interval(None, None) == timedelta(minutes=10)
    assert poll_interval(None, 60) == timedelta(minutes=60)
    assert poll_interval(None, 100_000) == timedelta(hours=6)
    assert next_check(NOW, timedelta(minutes=10), 0) == NOW + timedelta(minutes=10)
    assert next_check(NOW, timedelta(minutes=10), 3) == NOW + timedelta(minutes=80)
    assert next_check(NOW, timedelta(minutes=10), 40) == NOW + timedelta(hours=24)
    assert not should_disable(3) and should_disable(12)


async def test_ingest_url_once_and_poll_stops_cleanly_on_sigint(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/rss.xml"] = Route(rss(server.url, list(server.pages.values())))
    path = tmp_path / "cli.db"
    once = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--db",
        str(path),
        "ingest",
        f"{server.url}/article/seed-0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await once.communicate()
    assert once.returncode == 0, err.decode()
    assert "1 added" in out.decode()

    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[[feeds]]\nurl = "{server.url}/rss.xml"\n')
    env = {**os.environ, "SITREP_FEEDS": str(feeds_file)}
    poller = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--db",
        str(path),
        "poll",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    for _ in range(300):
        await asyncio.sleep(0.1)
        count = sqlite3.connect(path).execute("select count(*) from articles").fetchone()[0]
        if count == 5:
            break
    poller.send_signal(signal.SIGINT)
    output, _ = await asyncio.wait_for(poller.communicate(), 30)
    assert poller.returncode == 0, output.decode()[-2000:]
    connection = sqlite3.connect(path)
    assert connection.execute("select count(*) from articles").fetchone()[0] == 5
    orphans = connection.execute(
        "select count(*) from articles a where not exists"
        " (select 1 from sentences s where s.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0
    listing = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--db",
        str(path),
        "feeds",
        "list",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    text, _ = await listing.communicate()
    assert f"ok       {server.url}/rss.xml" in text.decode()
    assert "items: 4" in text.decode()  # the fifth was already stored by `ingest URL`
