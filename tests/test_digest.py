"""Digest quality on the seed articles and the summarizer's parts, without a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import load_topics
from ingest.files import load_file
from summarize.concepts import (
    Concept,
    ConceptSettings,
    Unit,
    concept_weights,
    fill_to_cut,
    select_units,
)
from summarize.digest import build_digest, leans_on_previous, summarize_documents
from summarize.model import Digest, DocSentence, Document
from summarize.sentences import split_sentences
from summarize.topics import find_topic

NOW = datetime(2025, 1, 8, 8, 0, tzinfo=UTC)
TOPICS = load_topics()
SPEECH = re.compile(r"\b(said|says|told|wrote|stated|according to|reported|claims?)\b")
UNRESOLVED = re.compile(
    r"^[“\"']?(it|he|she|they|his|her|its|their|this|these|those|the ministry)\b", re.I
)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower().replace("’", "'")) if len(w) > 3}


def seed_digest(seeds: Path, topic: str) -> tuple[Digest, dict[str, str]]:
    documents, texts = [], {}
    for path in sorted(seeds.glob("*.txt")):
        published = "2025-01-06" if path.name.startswith("001_") else None
        article = load_file(path, TOPICS, published=published)
        if article.published and article.published < "2025-01-04":
            continue  # outside the three days before the newest article, as `sitrep digest`
        documents.append(article.as_document())
        texts[article.title] = " ".join(path.read_text().split())
    chosen = find_topic(topic, TOPICS)
    return build_digest(documents, now=NOW, topic=chosen), texts


@pytest.mark.parametrize("topic", ["kursk", "donetsk"])
def test_no_two_digest_sentences_say_the_same_thing(seeds: Path, topic: str) -> None:
    digest, _ = seed_digest(seeds, topic)
    assert len(digest.items) >= 3
    texts = [words(item.text) for item in digest.items]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert len(a & b) / min(len(a), len(b)) <= 0.6


@pytest.mark.parametrize("topic", ["kursk", "donetsk"])
def test_no_sentence_leans_on_one_that_is_not_there(seeds: Path, topic: str) -> None:
    digest, _ = seed_digest(seeds, topic)
    for item in digest.items:
        assert not UNRESOLVED.match(item.text), item.text
        # A pronoun speaker is resolved only by an earlier sentence of the same item.
        first = split_sentences(item.text)[0]
        assert not re.search(r"\b(he|she|they) (said|wrote|added)\b", first), item.text


@pytest.mark.parametrize("topic", ["kursk", "donetsk"])
def test_claims_keep_their_speaker(seeds: Path, topic: str) -> None:
    digest, texts = seed_digest(seeds, topic)
    for item in digest.items:
        for source in item.sources:
            article = texts[source.title]
            start = article.lower().find(item.text[:40].lower())
            if start < 0:
                continue
            end = article.find(". ", start + len(item.text) - 2)
            original = article[start : end if end > 0 else None]
            if SPEECH.search(original):
                assert SPEECH.search(item.text), (item.text, original)


def test_wire_statement_carried_by_several_articles_appears_once(seeds: Path) -> None:
    digest, _ = seed_digest(seeds, "kursk")
    troops = [item for item in digest.items if "11,000" in item.text]
    assert len(troops) == 1
    [item] = troops
    # Two Reuters articles in the window carry it: both are named as sources, and
    # corroboration counts outlets, so one.
    assert len(item.sources) >= 2
    assert {s.outlet for s in item.sources} == {"Reuters"}
    assert item.corroboration == 1


def document(doc_id: str, outlet: str | None, *sentences: str) -> Document:
    return Document(
        id=doc_id,
        title=doc_id,
        outlet=outlet,
        sort_time="2025-01-05T00:00:00+00:00",
        sentences=tuple(DocSentence(i, s, ("kursk",)) for i, s in enumerate(sentences)),
    )


def test_same_statement_in_two_outlets_is_shown_once_with_both() -> None:
    shared = "Russian forces captured the village of Berdin near Sudzha on Sunday, the ministry of defence in Moscow said."
    documents = [
        document(
            "a",
            "Outlet A",
            shared,
            "Kyiv said its troops were still holding positions north of Sudzha on Sunday evening.",
        ),
        document(
            "b",
            "Outlet B",
            shared.replace("on Sunday", "on Sunday morning"),
            "Shelling continued around Sudzha through the night, local officials in the region said.",
        ),
        document(
            "c",
            None,
            "Evacuation buses left Sudzha for Kursk city on Monday, the regional governor said in a statement.",
        ),
    ]
    digest = build_digest(documents, now=NOW, topic=find_topic("kursk", TOPICS))
    berdin = [i for i in digest.items if "Berdin" in i.text]
    assert len(berdin) == 1
    assert berdin[0].corroboration == 2
    assert [s.outlet for s in berdin[0].sources] == ["Outlet A", "Outlet B"]


def test_same_statement_spelled_the_british_or_american_way_is_one_statement() -> None:
    documents = [
        document(
            "a",
            "Outlet A",
            "Zelenskiy met defence chiefs at the Kiev command centre to discuss armoured units in Kursk.",
        ),
        document(
            "b",
            "Outlet B",
            "Zelenskyy met defense chiefs at the Kyiv command center to discuss armored units in Kursk.",
        ),
    ]
    digest = build_digest(documents, now=NOW, topic=find_topic("kursk", TOPICS))
    assert len(digest.items) == 1
    assert digest.items[0].corroboration == 2


def test_dangling_sentence_is_joined_to_the_one_it_leans_on() -> None:
    documents = [
        document(
            "a",
            "Outlet A",
            "The Russian defence ministry said its forces had captured the town of Kurakhove in Donetsk.",
            "It also said it had captured Dachenske, a settlement within 8 km of Pokrovsk in the region.",
        )
    ]
    statements = summarize_documents(documents, max_words=200, newsworthiness=False)
    texts = [s.text for s in statements]
    assert all(not t.startswith("It also said") for t in texts)
    assert any("defence ministry said" in t and "It also said" in t for t in texts) or not any(
        "Dachenske" in t for t in texts
    )


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("It also said it had captured Dachenske.", True),
        ("“We will hold,” he said on Sunday evening.", True),
        ("“Two attacks were repelled.”", True),
        ("On Sunday, the ministry said its soldiers killed 340 members.", True),
        ("The Russian ministry said taking Kurakhove would help.", False),
        ("The governor of Russia's Kursk region said buses would leave on Tuesday.", False),
        ("It is not clear whether the talks will resume.", False),
        ("“We will hold,” Zelenskiy said on Sunday.", False),
    ],
)
def test_unresolved_references_are_recognised(sentence: str, leans: bool) -> None:
    assert leans_on_previous(sentence) is leans


def test_selection_respects_budget_count_and_exclusive_groups() -> None:
    units = [
        Unit(f"troops advanced near sudzha village {n} and kursk border town {n}", n, 0, 9)
        for n in range(6)
    ]
    weights = concept_weights(units, ConceptSettings(min_documents=1))
    chosen = select_units(units, weights, budget=30, max_units=2, exclusive=[[0, 1, 2]])
    assert len(chosen) == 2
    assert len({0, 1, 2} & set(chosen)) <= 1
    assert sum(units[j].words for j in chosen) <= 30


def test_fill_for_the_cut_trades_a_short_sentence_for_more_of_a_better_last_one() -> None:
    def unit(word: str, n: int, document: int) -> Unit:
        return Unit(" ".join(f"{word}{i}" for i in range(n)), document, 0, n)

    units = [unit("alpha", 60, 0), unit("beta", 30, 1), unit("gamma", 40, 2)]
    weights: dict[Concept, float] = {
        (f"{w}{i}",): v
        for w, n, v in [("alpha", 60, 1), ("beta", 30, 1), ("gamma", 40, 1.5)]
        for i in range(n)
    }
    # The program filled the budget with alpha and beta: 10 words of gamma would follow.
    # Without beta, all 40 words of gamma fit before the cut: 60 + 60 > 60 + 30 + 15.
    assert fill_to_cut(units, [0, 1], weights, 100, lambda i, j: False) == [0, 2]
    # A unit that repeats one already chosen is never the last.
    assert fill_to_cut(units, [0, 1], weights, 100, lambda i, j: {i, j} == {0, 2}) == [0, 1]
