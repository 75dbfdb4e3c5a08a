"""DUC 2004 benchmark: our summarizer beside lead and sumy's summarizers, checked against
the targets of the digest-quality work. Exits 1 when a target is missed.

    .venv/bin/python bench/duc_eval.py [../shared/eval/duc2004]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.evaluate import SYSTEMS, evaluate, format_table, load_clusters

TARGET_R1, TARGET_R2 = 39.0, 9.8
OVER_LEXRANK_R1, OVER_LEXRANK_R2 = 2.0, 1.5
TOTAL_SECONDS = 300.0


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    dataset = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/eval/duc2004"
    start = time.perf_counter()
    clusters = load_clusters(dataset)
    scores = {s.system: s for s in evaluate(clusters, list(SYSTEMS))}
    total = time.perf_counter() - start
    print(format_table(list(scores.values()), len(clusters)))
    ours, lexrank = scores["sitrep"], scores["lexrank"]
    checks = [
        (f"R-1 {ours.rouge1:.2f} >= {TARGET_R1}", ours.rouge1 >= TARGET_R1),
        (f"R-2 {ours.rouge2:.2f} >= {TARGET_R2}", ours.rouge2 >= TARGET_R2),
        (
            f"R-1 over LexRank {ours.rouge1 - lexrank.rouge1:+.2f} >= +{OVER_LEXRANK_R1}",
            ours.rouge1 - lexrank.rouge1 >= OVER_LEXRANK_R1,
        ),
        (
            f"R-2 over LexRank {ours.rouge2 - lexrank.rouge2:+.2f} >= +{OVER_LEXRANK_R2}",
            ours.rouge2 - lexrank.rouge2 >= OVER_LEXRANK_R2,
        ),
        (f"whole run {total:.0f} s <= {TOTAL_SECONDS:.0f} s", total <= TOTAL_SECONDS),
    ]
    print()
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
