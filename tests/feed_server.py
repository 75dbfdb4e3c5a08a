"""A local web server for feed tests: feeds and article pages built at test time from the
seed articles, and feeds that fail in every way the web does."""

from __future__ import annotations

import asyncio
import gzip
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


@dataclass
class Page:
    slug: str
    title: str
    outlet: str | None
    published: str
    paragraphs: list[str]
    summary: str


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    etag: str | None = None
    last_modified: str | None = None
    never_answer: bool = False
    redirect_to: str | None = None
    gzip: bool = False


def seed_pages(seeds: Path) -> list[Page]:
    """One page per seed: its raw lines as paragraphs, captions and bylines included."""
    manifest = json.loads((seeds / "manifest.json").read_text())["articles"]
    pages = []
    for number, entry in enumerate(manifest):
        lines = [line.strip() for line in (seeds / entry["file"]).read_text().splitlines()]
        lines = [line for line in lines if line]
        if lines[0].startswith("date "):
            lines[0] = lines[0].split(" ", 2)[2]
        title = f"Seed story {number}: the fronts in early January"
        pages.append(
            Page(
                slug=f"seed-{number}",
                title=title,
                outlet=entry["outlet"],
                published=entry["date_line"] or "2025-01-06",
                paragraphs=lines,
                summary=" ".join(lines[1:4]),
            )
        )
    return pages


def page_html(page: Page) -> str:
    site = (
        f'<meta property="og:site_name" content="{html.escape(page.outlet)}">'
        if page.outlet
        else ""
    )
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
    return (
        f"<html><head><title>{html.escape(page.title)}</title>{site}"
        f'<meta property="article:published_time" content="{page.published}T09:00:00Z">'
        "</head><body><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(page.title)}</h1>\n{body}</article>"
        "<footer>Copyright the sample site</footer></body></html>"
    )


def rss(base: str, pages: list[Page], ttl: int | None = None, link_suffix: str = "") -> bytes:
    items = "".join(
        f"<item><title>{html.escape(p.title)}</title>"
        f"<link>{base}/article/{p.slug}{html.escape(link_suffix)}</link>"
        f"<guid isPermaLink='false'>guid-{p.slug}{html.escape(link_suffix)}</guid>"
        f"<pubDate>{p.published}T09:00:00Z</pubDate>"
        f"<description>{html.escape(p.summary)}</description></item>"
        for p in reversed(pages)
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Sample</title><link>{base}</link><description>d</description>{ttl_tag}"
        f"{items}</channel></rss>"
    ).encode()


def atom(base: str, pages: list[Page]) -> bytes:
    entries = "".join(
        f"<entry><title>{html.escape(p.title)}</title><id>urn:sample:{p.slug}</id>"
        f'<link href="{base}/article/{p.slug}"/><updated>{p.published}T09:00:00Z</updated>'
        f"<summary>{html.escape(p.summary)}</summary></entry>"
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Sample</title><id>urn:sample</id><updated>2025-01-07T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


@dataclass
class FeedServer:
    pages: dict[str, Page] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    broken_pages: set[str] = field(default_factory=set)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/article/{slug}", self._article)
        app.router.add_get("/{name:.+}", self._route)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    async def _article(self, request: web.Request) -> web.StreamResponse:
        slug = request.match_info["slug"]
        self.requests.append((request.path, dict(request.headers)))
        if slug in self.broken_pages or slug not in self.pages:
            return web.Response(status=404, text="not found")
        return web.Response(text=page_html(self.pages[slug]), content_type="text/html")

    async def _route(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="no such feed")
        if route.never_answer:
            await asyncio.sleep(3600)
        if route.redirect_to:
            raise web.HTTPFound(route.redirect_to)
        headers: dict[str, Any] = {}
        if route.etag:
            headers["ETag"] = route.etag
            if request.headers.get("If-None-Match") == route.etag:
                return web.Response(status=304, headers=headers)
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        body = route.body
        if route.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return web.Response(
            body=body, status=route.status, headers=headers, content_type=route.content_type
        )
