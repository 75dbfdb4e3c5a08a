"""Topics and the tagging of single sentences with them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from summarize.errors import TopicConfigError

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_WORDS = re.compile(r"\w+")


def _fold(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes so variants match."""
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold()


@dataclass(frozen=True)
class Topic:
    """A front or theme: `name` is the command, `aliases` the place names that mark it."""

    name: str
    title: str
    aliases: tuple[str, ...]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _first_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alternatives = sorted(
            {_fold(a) for a in (self.title, *self.aliases)}, key=len, reverse=True
        )
        firsts = frozenset(_WORDS.findall(a)[0] for a in alternatives if _WORDS.search(a))
        object.__setattr__(self, "_first_words", firsts)
        body = "|".join(re.escape(a).replace(r"\ ", r"[\s-]+") for a in alternatives)
        object.__setattr__(self, "_pattern", re.compile(rf"(?<!\w)(?:{body})(?!\w)"))

    def mentioned_in(self, text: str) -> bool:
        return self.mentioned_in_folded(_fold(text))

    def mentioned_in_folded(self, folded: str, words: frozenset[str] | None = None) -> bool:
        if words is not None and words.isdisjoint(self._first_words):
            return False  # no alias can start here: skip the pattern
        return self._pattern.search(folded) is not None


def topics_from_config(config: Mapping[str, Any]) -> tuple[Topic, ...]:
    """Build topics from the parsed TOML mapping (`[topics.NAME]` tables)."""
    tables = config.get("topics")
    if not isinstance(tables, Mapping) or not tables:
        raise TopicConfigError("the topics file defines no [topics.NAME] tables")
    topics = []
    for name, table in tables.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name):
            raise TopicConfigError(f"topic name {name!r} must be lower-case letters, digits or _")
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise TopicConfigError(f"topic {name!r}: aliases must be a list of names")
        title = table.get("title", name.title())
        topics.append(Topic(name=name, title=str(title), aliases=tuple(aliases)))
    return tuple(topics)


def tag_sentence(text: str, topics: Iterable[Topic]) -> list[str]:
    """Names of the topics a sentence mentions, in configuration order."""
    folded = _fold(text)
    words = frozenset(_WORDS.findall(folded))
    return [topic.name for topic in topics if topic.mentioned_in_folded(folded, words)]


def find_topic(name: str, topics: Iterable[Topic]) -> Topic | None:
    """The topic called `name` (leading '/' and case ignored), or None."""
    wanted = name.strip().lstrip("/").lower()
    return next((t for t in topics if t.name == wanted), None)
