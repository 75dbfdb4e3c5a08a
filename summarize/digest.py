"""Multi-source digests: candidates, statements, concept-coverage selection, attribution.

The pipeline, pure from documents to digest:
1. every sentence (on the topic) is trimmed of parentheticals and leading connectives;
2. sentences that cannot stand alone are dropped, or joined to the sentence they lean on
   ("It also said ..." after "The Russian defence ministry said ...");
3. near-identical sentences across articles become one statement, worded by its most
   complete version and attributed to every article that makes it;
4. statements are chosen by the concepts they cover within the word budget, so
   nothing is said twice (see `summarize.concepts`), corroboration and recency raising
   their weight where asked;
5. the chosen statements read most important first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from summarize.concepts import (
    ConceptSettings,
    Unit,
    concept_weights,
    fill_to_cut,
    select_units,
    unit_weight,
)
from summarize.model import Digest, DigestItem, Document, SourceRef
from summarize.rank import content_terms, similarity
from summarize.topics import Topic

DEFAULT_MAX_WORDS = 120
DEFAULT_MAX_ITEMS = 6
SAME_STATEMENT = 0.5  # shared-term ratio (Jaccard) at which two sentences say the same thing
TOO_CLOSE = 0.5  # in a digest, two sentences sharing more of the shorter's terms repeat each other
MIN_WORDS, MAX_WORDS = 8, 55  # a standalone sentence's length
PAIR_MAX_WORDS = 70

_QUOTES = "\"'“‘«"
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_CONNECTIVE = re.compile(
    r"^(?:But|And|However|Also|Meanwhile|In addition|Still|Yet|So|Separately)\s*,?\s+"
)
# Who a sentence may name only after an earlier sentence has said who it is.
_REFERENCE = (
    r"(?:it|he|she|they|this|that|these|those|his|her|its|their|such|"
    r"the (?:ministry|president|official|officials|spokesperson|spokesman|agency|group|"
    r"channel|reports?|statement|minister|commander|analyst|blogger|council|army|military|"
    r"company|governor|leader|general))"
)
_IMPERSONAL = r"(?! (?:is|was) (?:not )?(?:clear|unclear|expected|likely|unlikely)\b)"
# Openings that lean on an earlier sentence, also after an opening clause ("Advancing ..., they").
_DANGLING = re.compile(
    # "The governor of Russia's Kursk region" names its governor: "of" resolves it.
    rf"^(?:{_REFERENCE}\b(?!\s+of\b){_IMPERSONAL}|[^,“”\"]{{3,80}},\s+(?:it|he|she|they)\b)",
    re.IGNORECASE,
)
# A claim whose speaker is only a pronoun or "the ministry": "..., he said."
_UNNAMED_SPEAKER = re.compile(
    rf"\b{_REFERENCE}\s+(?:said|says|added|told|wrote|stated|noted|explained|announced)\b",
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


def trim(text: str) -> str:
    """A sentence without parentheticals or a leading connective."""
    trimmed = _CONNECTIVE.sub("", _PARENTHETICAL.sub("", text)).strip()
    return trimmed[:1].upper() + trimmed[1:]


def words_of(text: str) -> int:
    return len(text.split())


def usable(text: str) -> bool:
    """Long enough to say something, short enough to read, not a note from the newsroom."""
    return (
        MIN_WORDS <= words_of(text) <= MAX_WORDS
        and not text.endswith(":")
        and not _NEWSROOM.search(text)
    )


def leans_on_previous(text: str) -> bool:
    """Whether the sentence needs the one before it to say who or what it means."""
    bare = text.lstrip(_QUOTES)
    if _DANGLING.match(bare) or _UNNAMED_SPEAKER.search(text):
        return True
    # A quotation with no speaker in the same sentence.
    return text[:1] in _QUOTES and not _SPEECH.search(text)


@dataclass(frozen=True)
class Candidate:
    document: Document
    position: int
    text: str
    terms: frozenset[str]


@dataclass
class Statement:
    """One statement: the sentences (in any article) that make it, and the chosen wording."""

    members: list[Candidate]
    text: str = ""

    @property
    def documents(self) -> list[Document]:
        return list({id(m.document): m.document for m in self.members}.values())

    @property
    def corroboration(self) -> int:
        """Distinct outlets carrying the statement (an article of unknown outlet counts alone)."""
        return len({d.outlet or f"article:{d.id}" for d in self.documents})


def _candidates(document: Document, topic: Topic | None) -> list[Candidate]:
    """The sentences of `document` that can stand in a digest, joined to what they lean on."""
    texts = [trim(s.text) for s in document.sentences]
    on_topic = [topic is None or topic.name in s.topics for s in document.sentences]
    found = []
    for i, text in enumerate(texts):
        if not on_topic[i] or not usable(text):
            continue
        if not leans_on_previous(text):
            found.append(Candidate(document, i, text, content_terms(text)))
            continue
        previous = texts[i - 1] if i > 0 else ""
        joined = f"{previous} {text}"
        if (
            previous
            and usable(previous)
            and not leans_on_previous(previous)
            and words_of(joined) <= PAIR_MAX_WORDS
        ):
            found.append(Candidate(document, i - 1, joined, content_terms(joined)))
    return [c for c in found if c.terms]


def group_statements(documents: Sequence[Document], topic: Topic | None) -> list[Statement]:
    """Candidate sentences grouped by the statement they make, oldest article first."""
    statements: list[Statement] = []
    having: dict[str, list[int]] = defaultdict(list)  # term -> statements whose first has it
    sizes: list[int] = []  # terms of each statement's first sentence
    for document in sorted(documents, key=lambda d: d.sort_time):
        for candidate in _candidates(document, topic):
            shared: Counter[int] = Counter()
            for term in candidate.terms:
                shared.update(having[term])
            size = len(candidate.terms)
            match = next(
                (
                    n
                    for n in sorted(shared)  # Jaccard from the count of shared terms
                    if shared[n] >= SAME_STATEMENT * (size + sizes[n] - shared[n])
                ),
                None,
            )
            if match is None:
                for term in candidate.terms:
                    having[term].append(len(statements))
                sizes.append(size)
                statements.append(Statement([candidate]))
            else:
                statements[match].members.append(candidate)
    return statements


def _recency(documents: Sequence[Document]) -> dict[str, float]:
    """Weight of each document by age relative to the newest: 0.8 a day older."""
    times = {}
    for d in documents:
        try:
            times[d.id] = datetime.fromisoformat(d.sort_time)
        except ValueError:
            continue
    if not times:
        return {}
    newest = max(times.values())
    return {i: 0.8 ** ((newest - t).total_seconds() / 86400) for i, t in times.items()}


def summarize_documents(
    documents: Sequence[Document],
    *,
    topic: Topic | None = None,
    max_words: int = DEFAULT_MAX_WORDS,
    max_items: int | None = DEFAULT_MAX_ITEMS,
    newsworthiness: bool = True,
    fill: bool = False,
    settings: ConceptSettings | None = None,
) -> list[Statement]:
    """The statements of a digest, most important first.

    `newsworthiness` lets recency and corroboration raise a statement's weight and keeps
    out any two sentences that share most of their terms (both off for benchmarks).
    `fill` writes for a reader who cuts the text at `max_words` (benchmark convention):
    one more statement comes last, past the budget (see `summarize.concepts.fill_to_cut`).
    """
    settings = settings or ConceptSettings()
    order = {d.id: n for n, d in enumerate(documents)}
    boost = _recency(documents) if newsworthiness else {}
    pool = [
        Unit(trim(s.text), order[d.id], s.position, 0, boost.get(d.id, 1.0))
        for d in documents
        for s in d.sentences
        if topic is None or topic.name in s.topics
    ]
    weights = concept_weights(pool, settings)
    statements = group_statements(documents, topic)
    units: list[Unit] = []
    owner: list[int] = []
    groups: list[range] = []
    for number, statement in enumerate(statements):
        bonus = 0.5 * (statement.corroboration - 1) if newsworthiness else 0.0
        groups.append(range(len(units), len(units) + len(statement.members)))
        for member in statement.members:
            units.append(
                Unit(
                    member.text,
                    order[member.document.id],
                    member.position,
                    words_of(member.text),
                    bonus=bonus,
                )
            )
            owner.append(number)
    exclusive: list[Sequence[int]] = list(groups)
    if newsworthiness:
        terms = [content_terms(u.text) for u in units]
        exclusive += [
            (i, j)
            for i in range(len(units))
            for j in range(i + 1, len(units))
            if owner[i] != owner[j] and similarity(terms[i], terms[j]) > TOO_CLOSE
        ]
    chosen = select_units(units, weights, max_words, max_items, exclusive=exclusive)
    chosen.sort(key=lambda j: unit_weight(units[j], weights), reverse=True)
    if fill:
        chosen = fill_to_cut(units, chosen, weights, max_words, lambda i, j: owner[i] == owner[j])
    result = []
    for j in chosen:
        statement = statements[owner[j]]
        statement.text = units[j].text  # the wording that covers most in fewest words
        result.append(statement)
    return result


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
    chosen = summarize_documents(documents, topic=topic, max_words=max_words, max_items=max_items)
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
