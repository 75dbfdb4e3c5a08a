"""`sitrep eval`: our summarizer and the baselines on a DUC-layout folder."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from ingest.errors import SourceNotFound, UnreadableSource
from ingest.files import decode_text
from summarize.digest import summarize_documents
from summarize.evaluation import (
    Cluster,
    RougeRecall,
    Summarizer,
    lead_baseline,
    parse_duc_documents,
    sumy_baseline,
)
from summarize.model import Document


def sitrep_summary(documents: Sequence[Document], max_words: int) -> str:
    """Ours, as the benchmark runs it: no recency or corroboration, filled to the cut."""
    chosen = summarize_documents(
        documents, max_words=max_words, max_items=None, newsworthiness=False, fill=True
    )
    return " ".join(s.text for s in chosen)


SYSTEMS: dict[str, Summarizer] = {
    "sitrep": sitrep_summary,
    "lead": lead_baseline,
    "lexrank": sumy_baseline(LexRankSummarizer),
    "textrank": sumy_baseline(TextRankSummarizer),
    "lsa": sumy_baseline(LsaSummarizer),
    "luhn": sumy_baseline(LuhnSummarizer),
}


@dataclass(frozen=True)
class SystemScore:
    system: str
    rouge1: float
    rouge2: float
    seconds_per_cluster: float


def _read(path: Path) -> str:
    return decode_text(path.read_bytes(), str(path)) if path.stat().st_size else ""


def load_clusters(folder: Path) -> list[Cluster]:
    """Clusters of a DUC-layout folder: NAME/docs/* (NIST SGML) and NAME/refs/* (summaries)."""
    if not folder.is_dir():
        raise SourceNotFound(f"{folder}: no such folder")
    clusters = []
    for cluster in sorted(p for p in folder.iterdir() if (p / "docs").is_dir()):
        documents = [
            d for f in sorted((cluster / "docs").iterdir()) for d in parse_duc_documents(_read(f))
        ]
        refs_dir = cluster / "refs"
        references = tuple(
            _read(r) for r in sorted(refs_dir.iterdir()) if refs_dir.is_dir() and r.is_file()
        )
        if documents and references:
            clusters.append(Cluster(cluster.name, tuple(documents), references))
    if not clusters:
        raise UnreadableSource(f"{folder}: no cluster with docs/ and refs/ found")
    return clusters


def evaluate(
    clusters: Sequence[Cluster], systems: Sequence[str], max_words: int = 100
) -> list[SystemScore]:
    rouge = RougeRecall(max_words)
    scores = []
    for name in systems:
        summarize = SYSTEMS[name]
        r1 = r2 = elapsed = 0.0
        for cluster in clusters:
            start = time.perf_counter()
            summary = summarize(cluster.documents, max_words)
            elapsed += time.perf_counter() - start
            one, two = rouge(summary, cluster.references)
            r1, r2 = r1 + one, r2 + two
        n = len(clusters)
        scores.append(SystemScore(name, 100 * r1 / n, 100 * r2 / n, elapsed / n))
    return scores


def format_table(scores: Sequence[SystemScore], clusters: int) -> str:
    lines = [
        f"ROUGE recall ×100, rouge-score, stemmed, 100 words, {clusters} clusters",
        f"{'system':10} {'R-1':>7} {'R-2':>7} {'s/cluster':>10}",
    ]
    lines += [
        f"{s.system:10} {s.rouge1:7.2f} {s.rouge2:7.2f} {s.seconds_per_cluster:10.3f}"
        for s in scores
    ]
    return "\n".join(lines)
