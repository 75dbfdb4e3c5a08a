"""Digests as text for a terminal (Telegram HTML rendering lives beside it)."""

from __future__ import annotations

import html

from summarize.model import Digest, SourceRef


def outlet_names(sources: tuple[SourceRef, ...]) -> list[str]:
    """Distinct outlet names in order; sources of unknown outlet are named by title."""
    names: list[str] = []
    for source in sources:
        name = source.outlet or f"“{source.title}”"
        if name not in names:
            names.append(name)
    return names


def render_plain(digest: Digest) -> str:
    """The digest as a subscriber reads it, in plain text."""
    heading = digest.title
    if digest.newest:
        heading += f" — latest as of {digest.newest}"
    lines = [heading, ""]
    if not digest.items:
        lines.append("No news on this topic in the window.")
    for item in digest.items:
        names = outlet_names(item.sources)
        count = f" · {item.corroboration} outlets" if item.corroboration > 1 else ""
        lines.append(f"• {item.text} [{', '.join(names)}{count}]")
    lines += ["", f"From {digest.articles_considered} article(s)."]
    return "\n".join(lines)


MAX_MESSAGE = 4096


def _source_links(sources: tuple[SourceRef, ...], most: int = 8) -> str:
    links: list[str] = []
    seen: set[str] = set()
    for source in sources:
        if len(links) == most:
            return ", ".join(links) + f" and {len(sources) - most} more"
        name = source.outlet or source.title
        if name in seen:
            continue
        seen.add(name)
        label = html.escape(name if source.outlet else f"“{name}”")
        if source.url:
            links.append(f'<a href="{html.escape(source.url, quote=True)}">{label}</a>')
        else:
            links.append(label)
    return ", ".join(links)


def _pack(pieces: list[str], limit: int, joiner: str) -> list[str]:
    """Join pieces (each at most `limit` long) into as few strings of at most `limit` as fit."""
    packed: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(joiner) + len(piece) > limit:
            packed.append(current)
            current = piece
        else:
            current = f"{current}{joiner}{piece}" if current else piece
    if current:
        packed.append(current)
    return packed


def _split_plain(text: str, limit: int) -> list[str]:
    """Cut escaped text with no tags into pieces of at most `limit` characters at spaces."""
    words: list[str] = []
    for word in text.split(" "):
        while len(word) > limit:  # a single giant word: cut it, avoiding entity halves
            cut = word.rfind("&", 0, limit)
            cut = cut if cut > limit - 10 else limit
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    return _pack(words, limit, " ")


def pack_blocks(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join self-contained HTML blocks into messages of at most `limit` characters."""
    parts = [p for b in blocks for p in ([b] if len(b) <= limit else _split_plain(b, limit))]
    return _pack(parts, limit, "\n\n")


def digest_blocks(digest: Digest) -> list[str]:
    """The digest as self-contained HTML blocks: a heading, then one block per sentence."""
    heading = f"<b>{html.escape(digest.title)}</b>"
    if digest.newest:
        heading += f" — latest as of {html.escape(digest.newest)}"
    blocks = [heading]
    if not digest.items:
        blocks.append("No news on this topic in the window.")
    for item in digest.items:
        count = f" · {item.corroboration} outlets" if item.corroboration > 1 else ""
        text = html.escape(item.text, quote=False)
        sources = _source_links(item.sources)
        if len(text) + len(sources) + 20 > MAX_MESSAGE:
            blocks.append(f"• {text}")  # too long to keep whole: sources get a block of their own
            blocks.append(f"<i>{sources}{count}</i>")
        else:
            blocks.append(f"• {text} <i>— {sources}{count}</i>")
    return blocks


def render_digest(digest: Digest) -> list[str]:
    """Telegram HTML messages, outside text escaped, each under 4096 characters."""
    return pack_blocks(digest_blocks(digest))
