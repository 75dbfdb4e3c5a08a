"""The command line, run as a subprocess on real files and a real database."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from bot.settings import load_topics
from tests.conftest import run_cli

UNDATED_SEED = "001_c12fbe0480937a5d.txt"
JUNK = re.compile(
    r"Getty Images|via REUTERS|File Photo|screen grab|Pilipey|^By [A-Z]|Adam Morrow|Updated:|"
    r"^\d+:\d\d$|Social Media/|contributed to this report",
)


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower().replace("’", "'")) if len(w) > 3}


@pytest.fixture
def seed_db(tmp_path: Path, seeds: Path) -> Path:
    db = tmp_path / "seeds.db"
    first = run_cli(
        "--db", str(db), "ingest", str(seeds / UNDATED_SEED), "--published", "2025-01-06"
    )
    assert first.returncode == 0, first.stderr
    rest = run_cli("--db", str(db), "ingest", str(seeds))
    assert rest.returncode == 0, rest.stderr
    assert rest.stdout.strip().endswith("4 added, 1 duplicate, 0 rejected")
    return db


def digest_json(db: Path, topic: str, *extra: str) -> dict[str, object]:
    result = run_cli("--db", str(db), "digest", topic, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_every_seed_ingests_once(tmp_path: Path, seeds: Path, seed_manifest: dict) -> None:
    db = tmp_path / "s.db"
    result = run_cli("--db", str(db), "ingest", str(seeds))
    assert result.returncode == 0, result.stderr
    added = [line for line in result.stdout.splitlines() if line.startswith("added")]
    assert len(added) == len(seed_manifest) == 5
    for line in added:
        name = re.search(r"(\d{3}_\w+\.txt)", line).group(1)  # type: ignore[union-attr]
        outlet = seed_manifest[name]["outlet"] or "unknown outlet"
        assert f"({outlet}, " in line
        assert f", {seed_manifest[name]['date_line'] or 'undated'}, " in line
    again = run_cli("--db", str(db), "ingest", str(seeds))
    assert again.returncode == 0
    assert again.stdout.strip().endswith("0 added, 5 duplicate, 0 rejected")


def test_no_caption_credit_or_byline_becomes_a_sentence(seed_db: Path) -> None:
    sentences = [row[0] for row in sqlite3.connect(seed_db).execute("select text from sentences")]
    assert len(sentences) > 100
    assert [s for s in sentences if JUNK.search(s)] == []
    title = "Russian Forces Repel Fresh Ukrainian Offensive in Kursk, Moscow Says"
    assert title not in sentences


@pytest.mark.parametrize(("topic", "other"), [("kursk", "donetsk"), ("donetsk", "kursk")])
def test_topic_digest_holds_only_its_topic_with_true_attribution(
    seed_db: Path, seeds: Path, seed_manifest: dict, topic: str, other: str
) -> None:
    digest = digest_json(seed_db, topic)
    items = digest["items"]
    assert isinstance(items, list) and 3 <= len(items) <= 6
    assert sum(len(i["text"].split()) for i in items) <= 130
    aliases = {t.name: t for t in load_topics()}
    for item in items:
        assert aliases[topic].mentioned_in(item["text"]), item["text"]
    # Every sentence stands in an article of each outlet it names.
    articles = {name: (seeds / name).read_text() for name in seed_manifest}
    flat = {name: " ".join(text.split()) for name, text in articles.items()}
    for item in items:
        carriers = []
        for source in item["sources"]:
            names = [
                n
                for n, entry in seed_manifest.items()
                if entry["outlet"] == source["outlet"]
                and (source["outlet"] or source["title"].rstrip("…")[:40] in flat[n])
            ]
            assert names, source
            best = max(
                len(words(item["text"]) & words(sentence)) / len(words(item["text"]))
                for n in names
                for sentence in re.split(r"(?<=[.!?”\"])\s+", flat[n])
            )
            assert best >= 0.5, (item["text"], source)
            carriers += names
        # Word for word, but for a dropped parenthetical or leading "But"/"Meanwhile,".
        bare = {n: re.sub(r"\s*\([^()]*\)", "", flat[n]).lower() for n in carriers}
        assert any(item["text"].lower() in bare[n] for n in carriers), item["text"]
        assert item["corroboration"] == len({s["outlet"] or s["title"] for s in item["sources"]})


def test_digest_json_has_the_documented_shape(seed_db: Path) -> None:
    digest = digest_json(seed_db, "kursk")
    assert set(digest) == {"topic", "title", "generated_at", "items", "articles_considered"}
    assert digest["topic"] == "kursk" and digest["title"] == "Kursk"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", str(digest["generated_at"]))
    assert digest["articles_considered"] == 4  # the window reaches three days back from Jan 7
    for item in digest["items"]:  # type: ignore[attr-defined]
        assert set(item) == {"text", "sources", "corroboration"}
        assert isinstance(item["corroboration"], int) and item["corroboration"] >= 1
        for source in item["sources"]:
            assert set(source) == {"outlet", "url", "title", "published"}


def test_since_and_max_words_narrow_the_digest(seed_db: Path) -> None:
    wide = digest_json(seed_db, "kursk", "--since", "2024-12-30")
    assert wide["articles_considered"] == 5
    short = digest_json(seed_db, "kursk", "--max-words", "40")
    assert sum(len(i["text"].split()) for i in short["items"]) <= 40  # type: ignore[attr-defined]
    later = digest_json(seed_db, "kursk", "--since", "2025-02-01")
    assert later["items"] == [] and later["articles_considered"] == 0


def test_plain_digest_reads_as_a_briefing(seed_db: Path) -> None:
    result = run_cli("--db", str(seed_db), "digest", "/Kursk")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kursk — latest as of 2025-01-07"
    bullets = [line for line in lines if line.startswith("• ")]
    assert bullets and all(line.endswith("]") for line in bullets)
    assert any("Reuters" in line for line in bullets)


def test_summarize_files_without_a_database(seeds: Path, tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "unused.db"), "summarize", str(seeds), "--json")
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)
    assert digest["topic"] is None and digest["articles_considered"] == 5
    assert 1 <= len(digest["items"]) <= 6
    assert not (tmp_path / "unused.db").exists()


def test_topics_lists_configured_topics() -> None:
    result = run_cli("topics", "--json")
    assert result.returncode == 0
    topics = {t["name"]: t for t in json.loads(result.stdout)}
    assert "Pokrovsk" in topics["donetsk"]["aliases"] and topics["kursk"]["title"] == "Kursk"


def one_line_error(result: object, fragment: str) -> None:
    assert result.returncode == 1, result.stdout  # type: ignore[attr-defined]
    err = result.stderr.strip()  # type: ignore[attr-defined]
    assert "Traceback" not in err
    assert fragment in err, err


def test_bad_input_gets_a_clear_error(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    one_line_error(run_cli("--db", db, "ingest", str(tmp_path / "nope.txt")), "no such file")
    (tmp_path / "empty.txt").write_text("")
    one_line_error(run_cli("--db", db, "ingest", str(tmp_path / "empty.txt")), "only 0 words")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    one_line_error(run_cli("--db", db, "ingest", str(tmp_path / "bin.txt")), "binary file")
    (tmp_path / "latin.txt").write_bytes("Kiev - café in Sudzha, naïve".encode("latin-1") * 20)
    one_line_error(run_cli("--db", db, "ingest", str(tmp_path / "latin.txt")), "not UTF-8")
    one_line_error(run_cli("--db", db, "digest", "crimea"), "unknown topic 'crimea'")
    missing = str(tmp_path / "no" / "such" / "s.db")
    one_line_error(run_cli("--db", missing, "digest", "kursk"), "does not exist")
    bad_date = run_cli("--db", db, "digest", "kursk", "--since", "yesterday")
    assert bad_date.returncode == 2 and "not an ISO 8601 time" in bad_date.stderr


def test_one_bad_source_does_not_stop_the_others(tmp_path: Path, seeds: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run_cli(
        "--db",
        str(tmp_path / "s.db"),
        "ingest",
        str(tmp_path / "empty.txt"),
        str(seeds / "003_e2fa1fa53cf27e21.txt"),
    )
    assert result.returncode == 0
    assert result.stdout.strip().endswith("1 added, 0 duplicate, 1 rejected")
    assert "rejected" in result.stderr and "empty.txt" in result.stderr


def test_html_page_is_extracted_and_cleaned(tmp_path: Path) -> None:
    body = "\n".join(
        f"<p>Paragraph {n}: Ukrainian units held positions near Sudzha in the Kursk region on "
        f"Sunday, the regional command said in its {n}th update of the day.</p>"
        for n in range(1, 5)
    )
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Units hold near Sudzha - Example Times</title>"
        '<meta property="og:site_name" content="Example Times">'
        '<meta property="article:published_time" content="2025-03-09T08:00:00Z"></head>'
        "<body><nav>Home | World | Sport</nav><article><h1>Units hold near Sudzha</h1>"
        "<p>By Jane Roe</p>\n"
        f"{body}</article><footer>© Example Times</footer></body></html>"
    )
    db = tmp_path / "s.db"
    result = run_cli("--db", str(db), "ingest", str(page))
    assert result.returncode == 0, result.stderr
    assert "(Example Times, 2025-03-09, 4 sentences, topics: kursk)" in result.stdout
    texts = [r[0] for r in sqlite3.connect(db).execute("select text from sentences")]
    assert texts[0].startswith("Paragraph 1: Ukrainian units held")
    assert not [t for t in texts if "Jane Roe" in t or "Home" in t]


def test_console_chat_answers_like_the_bot(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "c.db"), "chat"],
        input="/start\npress toggle:kursk\n/time 07:30\n/kursk\n/crimea\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[➕ Kursk]  type: press toggle:kursk" in out
    assert "(Subscribed to Kursk)" in out
    assert "Daily briefing on Kursk at 07:30 (UTC)." in out
    assert "Kursk\n\nNo news on this topic in the window." in out
    assert "I don't know that command." in out


def test_run_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "r.db"), "run", env={"TELEGRAM_BOT_TOKEN": ""})
    assert result.returncode == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr
