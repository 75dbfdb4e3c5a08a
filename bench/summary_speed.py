"""Time for a 100-word summary of a 500-sentence cluster, ours beside sumy LexRank.
Two DUC 2004 clusters are merged until they hold 500 sentences. Exits 1 above 1 s.

    .venv/bin/python bench/summary_speed.py [../shared/eval/duc2004]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from sumy.summarizers.lex_rank import LexRankSummarizer

from bot.evaluate import load_clusters, sitrep_summary
from summarize.evaluation import sumy_baseline
from summarize.model import DocSentence, Document

SENTENCES, TARGET_SECONDS, RUNS = 500, 1.0, 5


def five_hundred(dataset: Path) -> list[Document]:
    documents: list[Document] = []
    count = 0
    for cluster in load_clusters(dataset):
        for document in cluster.documents:
            room = SENTENCES - count
            if room <= 0:
                return documents
            kept = document.sentences[:room]
            documents.append(
                Document(document.id, document.title, tuple(kept), sort_time=document.sort_time)
            )
            count += len(kept)
    return documents


def median_seconds(summarize, documents: list[Document]) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        summarize(documents, 100)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    dataset = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/eval/duc2004"
    documents = five_hundred(dataset)
    total = sum(len(d.sentences) for d in documents)
    assert all(isinstance(s, DocSentence) for d in documents for s in d.sentences)
    ours = median_seconds(sitrep_summary, documents)
    lexrank = median_seconds(sumy_baseline(LexRankSummarizer), documents)
    print(f"{total} sentences, {len(documents)} documents, median of {RUNS} runs")
    print(f"{'sitrep':10} {ours:7.3f} s")
    print(f"{'lexrank':10} {lexrank:7.3f} s  (sumy baseline)")
    ok = ours < TARGET_SECONDS
    print(f"{'ok  ' if ok else 'MISS'} sitrep {ours:.3f} s < {TARGET_SECONDS} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
