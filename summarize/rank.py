"""sumy glue: our sentences as a sumy document, and the ratings a sumy summarizer gives them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from summarize.sentences import NewsTokenizer, split_words

TOKENIZER = NewsTokenizer()
STEMMER = Stemmer("english")
STOP_WORDS = frozenset(get_stop_words("english"))


# Outlets spell the same word differently: British and American spelling, and Russian
# and Ukrainian transliterations of names. One spelling each, so that the same statement
# in two outlets is seen as the same.
_VARIANTS = {
    "defence": "defense",
    "offence": "offense",
    "armour": "armor",
    "armoured": "armored",
    "centre": "center",
    "programme": "program",
    "neighbour": "neighbor",
    "neighbouring": "neighboring",
    "labour": "labor",
    "kiev": "kyiv",
    "zelensky": "zelenskyy",
    "zelenskiy": "zelenskyy",
    "kharkov": "kharkiv",
    "lugansk": "luhansk",
    "odessa": "odesa",
    "zaporozhye": "zaporizhzhia",
    "zaporizhzhya": "zaporizhzhia",
    "nikolaev": "mykolaiv",
    "mykolayiv": "mykolaiv",
    "avdeevka": "avdiivka",
    "kurakhovo": "kurakhove",
}


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """The stem of a lower-case word, whichever way the outlet spelled it."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    word = _VARIANTS.get(word, word)
    if word.endswith("isation"):
        word = word[: -len("isation")] + "ization"
    return str(STEMMER(word))


def sumy_document(paragraphs: Sequence[Sequence[str]]) -> Any:
    """A sumy document model from paragraphs of already split sentences."""
    return ObjectDocumentModel(
        [Paragraph([Sentence(text, TOKENIZER) for text in sentences]) for sentences in paragraphs]
    )


def sumy_ratings(summarizer: Any, texts: Sequence[str]) -> list[float]:
    """The rating `summarizer` gives each of `texts` (one paragraph each), in input order.

    sumy calls a callable sentence count with every sentence sorted by rating,
    which is how the ratings are read without private API.
    """
    document = sumy_document([[text] for text in texts])
    seen: dict[int, float] = {}

    def take_all(infos: Sequence[Any]) -> Sequence[Any]:
        for info in infos:
            seen[info.order] = float(info.rating)
        return infos

    summarizer(document, take_all)
    return [seen.get(order, 0.0) for order in range(len(texts))]


def lexrank(stop_words: frozenset[str] = STOP_WORDS) -> Any:
    summarizer = LexRankSummarizer(STEMMER)
    summarizer.stop_words = stop_words
    return summarizer


def content_terms(text: str) -> frozenset[str]:
    """Stemmed content words of a sentence, for similarity between sentences."""
    lowered = (word.lower() for word in split_words(text))
    return frozenset(stem(word) for word in lowered if word not in STOP_WORDS)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two term sets relative to the smaller one (1.0: one contains the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
