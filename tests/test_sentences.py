import os
import subprocess
import sys

import pytest

from summarize.sentences import NewsTokenizer, split_sentences, split_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. said on Jan. 5 that Maj. Gen. Ivan Petrov was No. 2 in the unit. It grew.",
            [
                "The U.S. said on Jan. 5 that Maj. Gen. Ivan Petrov was No. 2 in the unit.",
                "It grew.",
            ],
        ),
        (
            "Output fell 3.5 percent in 2024. Prices rose 1.25 points.",
            ["Output fell 3.5 percent in 2024.", "Prices rose 1.25 points."],
        ),
        (
            'He said: "This is significant." The president gave no details.',
            ['He said: "This is significant."', "The president gave no details."],
        ),
        (
            "“Is it over?” he asked. Nobody answered.",
            ["“Is it over?” he asked.", "Nobody answered."],
        ),
        (
            "Aid came from the U.S. The ministry confirmed it. Mr. Smith agreed!",
            ["Aid came from the U.S.", "The ministry confirmed it.", "Mr. Smith agreed!"],
        ),
        (
            "Troops reached the river (about 2 km away.) Then they stopped.",
            ["Troops reached the river (about 2 km away.)", "Then they stopped."],
        ),
        ("  ", []),
        ("No closing punctuation", ["No closing punctuation"]),
    ],
)
def test_split_sentences_handles_news_prose(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_words_keeps_inner_hyphens_and_apostrophes() -> None:
    assert split_words("Russia's self-propelled gun, 11,000 troops—U.S. aid.") == [
        "Russia's",
        "self-propelled",
        "gun",
        "11,000",
        "troops",
        "U.S",
        "aid",
    ]


def test_tokenizer_speaks_sumy_interface() -> None:
    tokenizer = NewsTokenizer()
    assert tokenizer.language == "english"
    assert tokenizer.to_sentences("One here. Two there.") == ("One here.", "Two there.")
    assert tokenizer.to_words("Two there.") == ("Two", "there")


def test_summaries_need_no_nltk_data(tmp_path: object) -> None:
    """With NLTK's data path pointing nowhere, sumy ranking still works through our tokenizer."""
    code = (
        "import nltk\n"
        "try:\n"
        "    nltk.data.find('tokenizers/punkt_tab')\n"
        "    raise SystemExit('punkt data is reachable; the test proves nothing')\n"
        "except LookupError:\n"
        "    pass\n"
        "from summarize.rank import lexrank, sumy_ratings\n"
        "texts = ['Russian troops attacked Sudzha in Kursk.', 'Troops attacked Kursk again.',"
        " 'Ukraine said troops held Sudzha.', 'Kursk troops fought on.', 'Bananas are yellow.']\n"
        "r = sumy_ratings(lexrank(), texts)\n"
        "assert len(r) == 5 and max(r) == r[0] > r[4], r\n"
        "print('ok')\n"
    )
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr
