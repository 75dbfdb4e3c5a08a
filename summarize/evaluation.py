"""Evaluation on DUC-style clusters: reading NIST SGML, baselines, ROUGE recall.

Scoring follows the convention of the shared evaluation README: ROUGE-1/2 recall
from `rouge-score` with stemming, peer and every reference cut to the first 100
words, averaged over the references.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rouge_score import rouge_scorer

from summarize.model import DocSentence, Document
from summarize.rank import STEMMER, STOP_WORDS, sumy_ratings
from summarize.sentences import split_sentences

_DOC = re.compile(r"<DOC>(.*?)</DOC>", re.S)
_DOCNO = re.compile(r"<DOCNO>\s*(.*?)\s*</DOCNO>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_TAG = re.compile(r"<[^>]+>")
# A wire dateline at the head of a story: "WASHINGTON (AP) --", "MOSCOW _".
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]+(?:\([A-Za-z ]+\))?\s*(?:--|_|—)\s*")


@dataclass(frozen=True)
class Cluster:
    name: str
    documents: tuple[Document, ...]
    references: tuple[str, ...]


def parse_duc_documents(sgml: str) -> list[Document]:
    """The documents of one NIST SGML file; text unwrapped and split into sentences."""
    documents = []
    for block in _DOC.findall(sgml):
        number = _DOCNO.search(block)
        body = _TEXT.search(block)
        if not number or not body:
            continue
        text = html.unescape(_TAG.sub(" ", body.group(1)))
        text = text.replace("``", "“").replace("''", "”")
        text = _WIRE_DATELINE.sub("", " ".join(text.split()))
        sentences = tuple(DocSentence(i, s) for i, s in enumerate(split_sentences(text)))
        documents.append(
            Document(
                id=number.group(1),
                title=number.group(1),
                sentences=sentences,
                sort_time=number.group(1)[3:],
            )
        )
    return documents


def truncate_words(text: str, limit: int) -> str:
    return " ".join(text.split()[:limit])


class RougeRecall:
    """ROUGE-1 and ROUGE-2 recall, peer and references cut to `limit` words."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def __call__(self, peer: str, references: Sequence[str]) -> tuple[float, float]:
        peer = truncate_words(peer, self.limit)
        r1 = r2 = 0.0
        for reference in references:
            scores = self._scorer.score(truncate_words(reference, self.limit), peer)
            r1 += scores["rouge1"].recall
            r2 += scores["rouge2"].recall
        return r1 / len(references), r2 / len(references)


Summarizer = Callable[[Sequence[Document], int], str]


def lead_baseline(documents: Sequence[Document], max_words: int) -> str:
    """The first `max_words` words of the newest document."""
    newest = max(documents, key=lambda d: d.sort_time)
    return truncate_words(" ".join(s.text for s in newest.sentences), max_words)


def sumy_baseline(summarizer_class: type) -> Summarizer:
    """A sumy summarizer over all sentences, best first until the word budget is full."""

    def summarize(documents: Sequence[Document], max_words: int) -> str:
        summarizer = summarizer_class(STEMMER)
        summarizer.stop_words = STOP_WORDS
        texts = [s.text for d in documents for s in d.sentences]
        ratings = sumy_ratings(summarizer, texts)
        ranked = sorted(range(len(texts)), key=lambda i: ratings[i], reverse=True)
        chosen: list[int] = []
        words = 0
        for i in ranked:
            if words >= max_words:
                break
            chosen.append(i)
            words += len(texts[i].split())
        return " ".join(texts[i] for i in sorted(chosen))

    return summarize
