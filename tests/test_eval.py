"""`sitrep eval` on a small DUC-layout folder written here, and on the shared set when present."""

from __future__ import annotations

import json
from pathlib import Path

from summarize.evaluation import RougeRecall, parse_duc_documents
from tests.conftest import run_cli

STORIES = [
    "Flooding hit the river town of Ashford on Monday after three days of heavy rain. "
    "Hundreds of residents left their homes as the water rose. "
    "The mayor said emergency shelters had opened in two schools.",
    "Emergency crews in Ashford rescued dozens of people from flooded homes on Monday. "
    "Heavy rain for three days pushed the river over its banks. "
    "Officials said shelters in two schools were taking in families.",
    "The river at Ashford peaked on Tuesday and began to fall slowly. "
    "Residents returned to assess the damage to homes and shops. "
    "The regional government promised money for repairs.",
]


def write_cluster(root: Path, name: str) -> None:
    docs = root / name / "docs"
    refs = root / name / "refs"
    docs.mkdir(parents=True)
    refs.mkdir()
    for n, story in enumerate(STORIES):
        (docs / f"XIE1998{n}").write_text(
            f"<DOC>\n<DOCNO> XIE1998{n} </DOCNO>\n<TEXT>\n{story}\n</TEXT>\n</DOC>\n"
        )
    (refs / f"{name}.a").write_text(
        "Three days of heavy rain flooded Ashford.\nResidents went to shelters in schools.\n"
    )
    (refs / f"{name}.b").write_text("The river at Ashford flooded homes and then fell.\n")


def test_duc_sgml_is_read_into_sentences() -> None:
    [document] = parse_duc_documents(
        "<DOC>\n<DOCNO> APW1 </DOCNO>\n<TEXT>\nWASHINGTON (AP) -- The Senate voted \n"
        "on Friday. ``It passed,'' Sen. Jones said.\n</TEXT>\n</DOC>"
    )
    assert document.id == "APW1"
    assert [s.text for s in document.sentences] == [
        "The Senate voted on Friday.",
        "“It passed,” Sen. Jones said.",
    ]


def test_rouge_recall_cuts_and_averages() -> None:
    rouge = RougeRecall(limit=3)
    r1, r2 = rouge("rain flooded town and more words", ["rain flooded town today", "snow"])
    assert (r1, r2) == (0.5, 0.5)  # 3/3 and 0/1 for ROUGE-1; 2/2 and 0/0 for ROUGE-2


def test_eval_scores_ours_and_every_baseline(tmp_path: Path) -> None:
    for name in ("c1", "c2"):
        write_cluster(tmp_path, name)
    result = run_cli("eval", str(tmp_path), "--json", "--max-words", "30")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["clusters"] == 2
    systems = {s["system"]: s for s in report["scores"]}
    assert set(systems) == {"sitrep", "lead", "lexrank", "textrank", "lsa", "luhn"}
    for score in systems.values():
        assert 0 < score["rouge1"] <= 100 and 0 <= score["rouge2"] <= 100
    table = run_cli("eval", str(tmp_path), "--systems", "sitrep,lead")
    assert table.returncode == 0 and table.stdout.splitlines()[2].startswith("sitrep")


def test_eval_of_a_folder_without_clusters_fails_clearly(tmp_path: Path) -> None:
    result = run_cli("eval", str(tmp_path))
    assert result.returncode == 1
    assert "no cluster with docs/ and refs/" in result.stderr
