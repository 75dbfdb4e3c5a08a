"""Sentence and word splitting for English news prose, with no NLTK data.

sumy's own tokenizer loads NLTK's punkt model, which has to be downloaded at
run time. `NewsTokenizer` gives sumy the same interface (`to_sentences`,
`to_words`, `language`) from the rules below, so nothing is fetched.
"""

from __future__ import annotations

import re

# Abbreviations that never end a sentence when followed by a capitalised name.
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "maj",
        "col",
        "lt",
        "capt",
        "sgt",
        "cpl",
        "pvt",
        "adm",
        "brig",
        "cmdr",
        "cdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "mt",
        "ft",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "messrs",
        "mmes",
        "jr",
        "sr",
    ]
)
# Abbreviations that do not end a sentence before a number ("Jan. 5", "No. 2").
_BEFORE_NUMBER = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "nos",
        "vol",
        "art",
        "p",
        "pp",
        "fig",
        "ch",
        "sec",
    ]
)
# Abbreviations that rarely end a sentence, whatever follows.
_NEVER_END = frozenset(["e.g", "i.e", "vs", "cf", "approx", "est", "incl"])
# Words that, after an ambiguous abbreviation such as "U.S." or "Inc.", start a new sentence.
_SENTENCE_STARTERS = frozenset(
    [
        "the",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "but",
        "and",
        "so",
        "yet",
        "however",
        "meanwhile",
        "in",
        "on",
        "at",
        "for",
        "after",
        "before",
        "when",
        "while",
        "if",
        "as",
        "russia",
        "russian",
        "ukraine",
        "ukrainian",
        "moscow",
        "kyiv",
    ]
)

_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"

# A candidate boundary: terminal punctuation, optional closing quotes or brackets,
# whitespace, then something that can start a sentence.
_BOUNDARY = re.compile(
    r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)(?=[" + re.escape(_OPENERS) + r"]*[A-Z0-9])"
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_WORD = re.compile(r"[^\W_]+(?:[-'’.,][^\W_]+)*")


def _is_boundary(before: str, punct: str, closers: str, after: str) -> bool:
    """Decide whether the period at the end of `before` ends a sentence."""
    if punct != "." or closers:
        return True
    match = _TOKEN_BEFORE.search(before)
    if match is None:
        return True
    token = match.group(1).lstrip(_OPENERS)
    bare = token.lower()
    next_word = re.match(r"[" + re.escape(_OPENERS) + r"]*([\w.]+)", after)
    following = next_word.group(1) if next_word else ""
    if bare in _NEVER_END:
        return False
    if bare in _TITLES:  # "Gen. Smith", but "talks with Hun Sen. In a letter ..."
        return following.lower() in _SENTENCE_STARTERS
    if bare in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    # A single initial ("J. Smith") or a dotted acronym ("U.S.", "U.N.").
    if re.fullmatch(r"[A-Za-z]", token) or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):
        return following.lower() in _SENTENCE_STARTERS
    return True


def split_sentences(text: str) -> list[str]:
    """Split one paragraph of prose into sentences, keeping quotes with their sentence."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start(1)]
        after = text[match.end() :]
        if _is_boundary(before, match.group(1), match.group(2), after):
            end = match.end(2)
            sentences.append(text[start:end].strip())
            start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_words(text: str) -> list[str]:
    """Words of a sentence: letters and digits, keeping inner hyphens and apostrophes."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(split_words(text))


class NewsTokenizer:
    """A sumy-compatible tokenizer that needs no downloaded data."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(split_words(sentence))
