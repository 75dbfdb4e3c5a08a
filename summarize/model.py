"""The records the summarizer reads and the digest it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocSentence:
    position: int
    text: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One article as the summarizer sees it."""

    id: str
    title: str
    sentences: tuple[DocSentence, ...]
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    sort_time: str = ""


@dataclass(frozen=True)
class SourceRef:
    outlet: str | None
    url: str | None
    title: str
    published: str | None

    @classmethod
    def of(cls, document: Document) -> SourceRef:
        return cls(document.outlet, document.url, document.title, document.published)


@dataclass(frozen=True)
class DigestItem:
    text: str
    sources: tuple[SourceRef, ...]
    corroboration: int


@dataclass(frozen=True)
class Digest:
    topic: str | None
    title: str
    generated_at: str
    items: tuple[DigestItem, ...]
    articles_considered: int
    newest: str | None = None
    window: tuple[str, str] | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of a digest."""
        return {
            "topic": self.topic,
            "title": self.title,
            "generated_at": self.generated_at,
            "items": [
                {
                    "text": item.text,
                    "sources": [
                        {
                            "outlet": s.outlet,
                            "url": s.url,
                            "title": s.title,
                            "published": s.published,
                        }
                        for s in item.sources
                    ],
                    "corroboration": item.corroboration,
                }
                for item in self.items
            ],
            "articles_considered": self.articles_considered,
        }
