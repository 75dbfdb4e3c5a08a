"""Local files as article sources: `.txt` in the project's raw format, `.html`/`.htm` pages."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ingest.article import Article, build_article, guess_outlet
from ingest.clean import CleanText, clean_lines, clean_text
from ingest.errors import NoArticleText, SourceNotFound, UnreadableSource
from summarize.topics import Topic

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_FILE_BYTES = 5 * 1024 * 1024


def expand_sources(paths: Sequence[str]) -> Iterator[Path]:
    """Each named file, and the supported files inside each named folder, in name order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield path


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 text of `data`, or a clear error for binary and other encodings."""
    if b"\x00" in data[:8192]:
        raise UnreadableSource(f"{what} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableSource(
            f"{what} is not UTF-8 text (invalid byte at position {error.start})"
        ) from None


def read_file(path: Path) -> bytes:
    if not path.exists():
        raise SourceNotFound(f"{path}: no such file or folder")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableSource(f"{path}: unsupported file type (use .txt, .html or .htm)")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableSource(f"{path}: {size} bytes is larger than {MAX_FILE_BYTES}")
        return path.read_bytes()
    except OSError as error:
        raise UnreadableSource(f"{path}: {error.strerror or error}") from None


_META = re.compile(
    r"<meta\s+(?=[^>]*?\b(?:property|name|itemprop)\s*=\s*[\"']([^\"']+)[\"'])"
    r"(?=[^>]*?\bcontent\s*=\s*[\"']([^\"']*)[\"'])[^>]*>",
    re.IGNORECASE,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TIME = re.compile(r"<time[^>]*\bdatetime\s*=\s*[\"'](\d{4}-\d\d-\d\d)", re.IGNORECASE)
_DATE_KEYS = (
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
)


def page_metadata(html: str) -> dict[str, str]:
    """Title, date and site name from a page's meta tags, the cheap way most pages allow."""
    meta: dict[str, str] = {}
    for key, value in _META.findall(html[:200_000]):
        meta.setdefault(key.lower(), htmllib.unescape(value).strip())
    found: dict[str, str] = {}
    title = meta.get("og:title") or meta.get("twitter:title")
    if not title and (match := _TITLE.search(html)):
        title = htmllib.unescape(" ".join(match.group(1).split()))
    if title:
        found["title"] = title
    date = next((meta[k] for k in _DATE_KEYS if re.match(r"\d{4}-\d\d-\d\d", meta.get(k, ""))), "")
    if not date and (match := _TIME.search(html)):
        date = match.group(1)
    if date:
        found["date"] = date[:10]
    if site := meta.get("og:site_name") or meta.get("application-name"):
        found["site"] = site
        for separator in (" - ", " | ", " – ", " — "):  # "Headline - Site" is the headline
            found["title"] = found.get("title", "").removesuffix(f"{separator}{site}")
    return {k: v for k, v in found.items() if v}


def extract_html(html: str, url: str | None = None) -> tuple[CleanText, str | None]:
    """Main text of a page through trafilatura, cleaned; also the site name if the page gives it.

    Title, date and site come from the meta tags when the page has them; trafilatura's own
    (much slower) metadata search runs only for a page that lacks a date or a title.
    """
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False
    )
    if document is None or not getattr(document, "text", None):
        return CleanText(title=None, published=None, paragraphs=()), None
    found = page_metadata(html)
    if "date" not in found or "title" not in found:
        metadata: Any = trafilatura.extract_metadata(html, default_url=url)
        if metadata is not None:
            for key, value in (
                ("title", metadata.title),
                ("date", metadata.date),
                ("site", metadata.sitename),
            ):
                if value and key not in found:
                    found[key] = value[:10] if key == "date" else value
    clean = clean_lines(document.text.splitlines(), title=found.get("title"))
    published = found.get("date")
    return CleanText(
        title=clean.title, published=published, paragraphs=clean.paragraphs
    ), found.get("site")


def load_file(
    path: Path,
    topics: Sequence[Topic],
    *,
    outlet: str | None = None,
    published: str | None = None,
) -> Article:
    """Read, clean, split and tag one local file."""
    text = decode_text(read_file(path), str(path))
    if path.suffix.lower() in HTML_SUFFIXES:
        clean, site = extract_html(text)
        named = site or guess_outlet(clean.text)
    else:
        clean = clean_text(text)
        named = guess_outlet(text)
    try:
        return build_article(
            clean,
            topics,
            source=str(path),
            outlet=outlet or named,
            published=published,
        )
    except NoArticleText as error:
        raise NoArticleText(f"{path}: {error}") from None
