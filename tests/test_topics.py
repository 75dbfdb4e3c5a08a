import pytest

from bot.settings import load_topics
from summarize.errors import TopicConfigError
from summarize.topics import find_topic, tag_sentence, topics_from_config

TOPICS = load_topics()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Fighting raged near Sudzha overnight.", ["kursk"]),
        ("Troops held Bolshoye  Soldatskoye and Malaya-Loknya.", ["kursk"]),
        ("Russia said it captured Kurakhovo.", ["donetsk"]),
        ("Russia said it captured Kurakhove, near POKROVSK.", ["donetsk"]),
        ("Shelling hit Chasiv Yar while Kursk stayed calm.", ["kursk", "donetsk"]),
        ("Kurskaya street is in Moscow; Donetskiy is a surname.", []),
        ("The talks in Geneva ended without agreement.", []),
    ],
)
def test_each_sentence_is_tagged_by_the_places_it_names(sentence: str, expected: list[str]) -> None:
    assert tag_sentence(sentence, TOPICS) == expected


def test_shipped_topics_cover_both_fronts() -> None:
    names = {t.name for t in TOPICS}
    assert {"kursk", "donetsk"} <= names
    kursk = find_topic("/Kursk", TOPICS)
    assert kursk is not None and "Sudzha" in kursk.aliases
    assert find_topic("crimea", TOPICS) is None


def test_malformed_topic_config_is_refused_clearly() -> None:
    with pytest.raises(TopicConfigError, match=r"no \[topics\.NAME\]"):
        topics_from_config({})
    with pytest.raises(TopicConfigError, match="lower-case"):
        topics_from_config({"topics": {"Bad Name": {"aliases": ["x"]}}})
