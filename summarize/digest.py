"""Multi-source digests: candidates, near-duplicate groups, ranking, selection, attribution."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from summarize.model import Digest, DigestItem, DocSentence, Document, SourceRef
from summarize.rank import content_terms, jaccard, lexrank, similarity, sumy_ratings
from summarize.sentences import word_count
from summarize.topics import Topic

DEFAULT_MAX_WORDS = 120
DEFAULT_MAX_ITEMS = 6
SAME_STATEMENT = 0.5  # shared-term ratio (Jaccard) at which two sentences state the same thing
TOO_SIMILAR = 0.5  # term overlap above which a second sentence adds too little

_QUOTES = "\"'“‘«"
# Openings that lean on an earlier sentence for who or what they mean.
_DANGLING = re.compile(
    r"^(?:it|he|she|they|this|that|these|those|his|her|its|their|such|there|also|but|and|so|"
    r"however|meanwhile|instead|still|yet|the (?:ministry|president|official|officials|"
    r"spokesperson|spokesman|agency|group|channel|reports?|statement|minister|commander|"
    r"analyst|blogger|council|army|military))\b",
    re.IGNORECASE,
)
_NEWSROOM = re.compile(
    r"\b(?:could not|cannot|was unable to) (?:independently )?(?:verify|confirm)\b|"
    r"\bcontributed to this report\b|\bdid not (?:immediately )?respond to (?:a )?request",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:said|says|wrote|told|stated|added|according to|announced|claimed)\b", re.IGNORECASE
)


def is_candidate(text: str) -> bool:
    """A sentence that can stand alone in a digest."""
    words = word_count(text)
    if not 6 <= words <= 60 or text.endswith(":"):
        return False
    if _DANGLING.match(text.lstrip(_QUOTES)) or _NEWSROOM.search(text):
        return False
    # A quotation with no speaker in the same sentence is an orphan.
    return not (text[0] in _QUOTES and not _SPEECH.search(text))


@dataclass
class Statement:
    """One statement and every sentence (in any article) that makes it."""

    text: str
    terms: frozenset[str]
    first_position: int
    documents: list[Document] = field(default_factory=list)

    def add(self, document: Document, sentence: DocSentence, terms: frozenset[str]) -> None:
        if document not in self.documents:
            self.documents.append(document)
        # The most complete wording represents the group.
        if len(terms) > len(self.terms):
            self.text, self.terms = sentence.text, terms
        self.first_position = min(self.first_position, sentence.position)

    @property
    def corroboration(self) -> int:
        """Distinct outlets carrying the statement (an article of unknown outlet counts alone)."""
        return len({d.outlet or f"article:{d.id}" for d in self.documents})


def group_statements(documents: Sequence[Document], topic: Topic | None = None) -> list[Statement]:
    """Candidate sentences (on `topic`, if given) grouped by the statement they make."""
    statements: list[Statement] = []
    for document in sorted(documents, key=lambda d: d.sort_time):
        for sentence in document.sentences:
            if topic is not None and topic.name not in sentence.topics:
                continue
            if not is_candidate(sentence.text):
                continue
            terms = content_terms(sentence.text)
            if not terms:
                continue
            match = next((s for s in statements if jaccard(terms, s.terms) >= SAME_STATEMENT), None)
            if match is None:
                match = Statement(sentence.text, terms, sentence.position)
                statements.append(match)
            match.add(document, sentence, terms)
    return statements


def score_statements(statements: Sequence[Statement]) -> list[float]:
    """Centrality (sumy LexRank) raised by corroboration and by a place near the top of a story."""
    ratings = sumy_ratings(lexrank(), [s.text for s in statements])
    return [
        rating * (1 + 0.5 * (s.corroboration - 1)) * (1 + 0.5 / (1 + s.first_position))
        for rating, s in zip(ratings, statements, strict=True)
    ]


def select_statements(
    statements: Sequence[Statement],
    scores: Sequence[float],
    max_words: int,
    max_items: int,
) -> list[Statement]:
    """Best first, skipping what repeats a chosen statement or overruns the word budget."""
    chosen: list[Statement] = []
    words_left = max_words
    ranked = sorted(range(len(statements)), key=lambda i: scores[i], reverse=True)
    for index in ranked:
        statement = statements[index]
        words = word_count(statement.text)
        if words > words_left:
            continue
        if any(similarity(statement.terms, c.terms) > TOO_SIMILAR for c in chosen):
            continue
        chosen.append(statement)
        words_left -= words
        if len(chosen) == max_items:
            break
    return chosen


def build_digest(
    documents: Sequence[Document],
    *,
    now: datetime,
    topic: Topic | None = None,
    max_words: int = DEFAULT_MAX_WORDS,
    max_items: int = DEFAULT_MAX_ITEMS,
    title: str | None = None,
) -> Digest:
    """The digest of `documents` (restricted to `topic`'s sentences when given)."""
    statements = group_statements(documents, topic)
    chosen = (
        select_statements(statements, score_statements(statements), max_words, max_items)
        if statements
        else []
    )
    considered = [
        d for d in documents if topic is None or any(topic.name in s.topics for s in d.sentences)
    ]
    dates = [d.published or d.sort_time[:10] for d in considered if d.published or d.sort_time]
    return Digest(
        topic=topic.name if topic else None,
        title=title or (topic.title if topic else "Summary"),
        generated_at=now.isoformat(timespec="seconds"),
        items=tuple(
            DigestItem(
                text=s.text,
                sources=tuple(SourceRef.of(d) for d in s.documents),
                corroboration=s.corroboration,
            )
            for s in chosen
        ),
        articles_considered=len({d.id for d in considered}),
        newest=max(dates) if dates else None,
    )
