"""Local files as article sources: `.txt` in the project's raw format, `.html`/`.htm` pages."""

from __future__ import annotations

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


def extract_html(html: str, url: str | None = None) -> tuple[CleanText, str | None]:
    """Main text of a page through trafilatura, cleaned; also the site name if the page gives it."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if document is None or not getattr(document, "text", None):
        return CleanText(title=None, published=None, paragraphs=()), None
    clean = clean_lines(document.text.splitlines(), title=document.title or None)
    published = (document.date or "")[:10] or None
    clean = CleanText(title=clean.title, published=published, paragraphs=clean.paragraphs)
    return clean, document.sitename or None


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
