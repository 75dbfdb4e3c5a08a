"""The `Article` record that ingest hands to storage."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.clean import CleanText
from ingest.errors import NoArticleText
from summarize.model import DocSentence, Document
from summarize.sentences import split_sentences, word_count
from summarize.topics import Topic, tag_sentence

MIN_WORDS = 40

# Who published a text, judged from the text itself, strongest signal first.
_OUTLET_PATTERNS = (
    # "MOSCOW (Reuters):" dateline
    re.compile(r"^[A-Z][A-Z .,'’-]{1,40}\s*\(([A-Z][\w.]*(?: [A-Z][\w.]*)?)\)\s*[:\-–—]", re.M),
    # "The Epoch Times could not independently verify"
    re.compile(
        r"(?:^|[.!?]\s+|,\s+which\s+)((?:The\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})\s+"
        r"(?:could not|cannot|was unable to|has not been able to)\s+(?:independently\s+)?"
        r"(?:verify|confirm)",
        re.M,
    ),
    # "told Reuters", "obtained by Reuters" for the wire services
    re.compile(
        r"\b(?:told|obtained by|seen by|reviewed by)\s+(Reuters|AFP|the Associated Press)\b"
    ),
)
_NOT_OUTLETS = frozenset(
    {"It", "He", "She", "They", "We", "Officials", "Ukraine", "Russia", "Kyiv"}
)


@dataclass(frozen=True)
class SentenceRecord:
    position: int
    paragraph: int
    text: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One stored article: cleaned text, its sentences with topic tags, and provenance."""

    id: str
    title: str
    text: str
    outlet: str | None
    url: str | None
    published: str | None
    source: str
    sentences: tuple[SentenceRecord, ...]

    @property
    def word_count(self) -> int:
        return sum(word_count(s.text) for s in self.sentences)

    def as_document(self) -> Document:
        """The article as the summarizer reads it, without storing it."""
        return Document(
            id=self.id,
            title=self.title,
            sentences=tuple(DocSentence(s.position, s.text, s.topics) for s in self.sentences),
            outlet=self.outlet,
            url=self.url,
            published=self.published,
            sort_time=self.published or "",
        )


def content_id(text: str) -> str:
    """A stable id from the normalized content: the same story stores once."""
    normalized = re.sub(r"[^\w]+", " ", text.casefold()).strip()
    return hashlib.sha256(normalized.encode()).hexdigest()[:16]


def guess_outlet(raw_text: str) -> str | None:
    """The outlet a text names as its own, or None."""
    for pattern in _OUTLET_PATTERNS:
        for match in pattern.finditer(raw_text):
            name = match.group(1).strip()
            if name not in _NOT_OUTLETS:
                return "AP" if name == "the Associated Press" else name
    return None


def _fallback_title(paragraphs: Sequence[str]) -> str:
    first = split_sentences(paragraphs[0])[0]
    words = first.split()
    return first if len(words) <= 14 else " ".join(words[:14]) + "…"


def build_article(
    clean: CleanText,
    topics: Sequence[Topic],
    *,
    source: str,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
) -> Article:
    """Split, tag and identify a cleaned text; reject it when too little prose is left."""
    records: list[SentenceRecord] = []
    for number, paragraph in enumerate(clean.paragraphs):
        for sentence in split_sentences(paragraph):
            records.append(
                SentenceRecord(
                    position=len(records),
                    paragraph=number,
                    text=sentence,
                    topics=tuple(tag_sentence(sentence, topics)),
                )
            )
    words = sum(word_count(r.text) for r in records)
    if words < MIN_WORDS:
        raise NoArticleText(
            f"only {words} words of article text left after cleaning (at least {MIN_WORDS} needed)"
        )
    return Article(
        id=content_id(clean.text),
        title=clean.title or _fallback_title(clean.paragraphs),
        text=clean.text,
        outlet=outlet,
        url=url,
        published=published or clean.published,
        source=source,
        sentences=tuple(records),
    )
