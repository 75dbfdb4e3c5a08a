"""Digests as text for a terminal (Telegram HTML rendering lives beside it)."""

from __future__ import annotations

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
