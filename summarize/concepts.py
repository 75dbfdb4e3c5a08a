"""Concept-coverage selection: the sentences that cover the most important bigrams
within a word budget, solved exactly as an integer program (Gillick & Favre 2009).

A concept is a stemmed bigram (not two stop words) or, with a smaller weight, a
content word. Its weight sums over the sentences that carry it, each counting by how
early it stands in its document (news puts what matters first) times the document's
boost (recency); a concept found in fewer than three documents is left out as
incidental (the threshold of Gillick & Favre). A concept counts once however many
chosen sentences hold it, so saying a thing twice earns nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, hstack, identity, vstack

from summarize.rank import STOP_WORDS, stem

Concept = tuple[str, ...]
_TOKEN = re.compile(r"[a-z0-9]+")
MAX_CANDIDATES = 150


@dataclass(frozen=True)
class Unit:
    """A sentence (or a sentence with the one it depends on) as the selector sees it."""

    text: str
    document: int  # which document it comes from
    position: int  # sentence number within that document
    words: int  # length counted against the budget
    boost: float = 1.0  # document weight (recency) when counting concepts
    bonus: float = 0.0  # extra objective value when chosen (corroboration), in concept units


@dataclass(frozen=True)
class ConceptSettings:
    min_documents: int = 3  # concepts in fewer documents are noise (relaxed for few documents)
    position_decay: float = 0.1  # weight lost per sentence of depth, down to a tenth
    unigram_weight: float = 0.7  # weight of a content word relative to a bigram


@lru_cache(maxsize=65536)
def concept_reach(text: str) -> Mapping[Concept, int]:
    """Stemmed bigrams (not both stop words) and content words of a sentence, each with
    how many of its words a reader must read to have met it."""
    raw: list[str] = []
    ends: list[int] = []  # number of the word each token ends, counting from 1
    for number, word in enumerate(text.lower().split(), start=1):
        tokens = _TOKEN.findall(word)
        raw += tokens
        ends += [number] * len(tokens)
    stems = [stem(t) for t in raw]
    stop = [t in STOP_WORDS for t in raw]
    reach: dict[Concept, int] = {}
    for i in range(len(stems)):
        if not stop[i]:
            reach.setdefault((stems[i],), ends[i])
        if i + 1 < len(stems) and not (stop[i] and stop[i + 1]):
            reach.setdefault((stems[i], stems[i + 1]), ends[i + 1])
    return reach


def sentence_concepts(text: str) -> frozenset[Concept]:
    """Stemmed bigrams (not both stop words) and content words of a sentence."""
    return frozenset(concept_reach(text))


def concept_weights(units: Sequence[Unit], settings: ConceptSettings) -> dict[Concept, float]:
    """Each concept's weight over the sentences of `units` (see the module text)."""
    weights: dict[Concept, float] = defaultdict(float)
    documents: dict[Concept, set[int]] = defaultdict(set)
    for unit in units:
        value = max(0.1, 1.0 - settings.position_decay * unit.position) * unit.boost
        for concept in sentence_concepts(unit.text):
            weights[concept] += value if len(concept) == 2 else value * settings.unigram_weight
            documents[concept].add(unit.document)
    n_documents = len({u.document for u in units})
    floor = max(1, min(settings.min_documents, n_documents // 2))
    return {c: w for c, w in weights.items() if len(documents[c]) >= floor}


def select_units(
    units: Sequence[Unit],
    weights: dict[Concept, float],
    budget: int,
    max_units: int | None = None,
    exclusive: Sequence[Sequence[int]] = (),
) -> list[int]:
    """Indices of the units that cover the most concept weight within `budget` words.

    At most `max_units` units are chosen, and at most one of each group in `exclusive`.
    Only the `MAX_CANDIDATES` units richest in concept weight per word enter the
    program, which keeps a 500-sentence cluster well under a second.
    """
    if len(units) > MAX_CANDIDATES:
        density = [unit_weight(u, weights) / max(u.words, 1) for u in units]
        keep = sorted(sorted(range(len(units)), key=lambda j: -density[j])[:MAX_CANDIDATES])
        where = {j: n for n, j in enumerate(keep)}
        groups = [[where[j] for j in g if j in where] for g in exclusive]
        picked = select_units([units[j] for j in keep], weights, budget, max_units, groups)
        return [keep[n] for n in picked]
    if not units:
        return []
    # Ties go to the earlier sentence. A concept only one unit holds is simply part of
    # that unit's value; only shared concepts need a variable of their own.
    unit_value = np.array([u.bonus + 1e-4 / (1 + u.position) for u in units])
    holders: dict[Concept, list[int]] = defaultdict(list)
    for j, unit in enumerate(units):
        for concept in sentence_concepts(unit.text):
            if concept in weights:
                holders[concept].append(j)
    shared = []
    for concept, held_by in holders.items():
        if len(held_by) == 1:
            unit_value[held_by[0]] += weights[concept]
        else:
            shared.append(concept)
    n_units, n_concepts = len(units), len(shared)
    rows = [i for i, c in enumerate(shared) for _ in holders[c]]
    cols = [j for c in shared for j in holders[c]]
    occurrence = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_concepts, n_units))
    # Variables: units, then shared concepts; a concept counts only if a chosen unit
    # holds it: c_i - sum_j occ_ij s_j <= 0. Only units need to be integers: with them
    # fixed, the best c_i is min(1, sum_j occ_ij s_j), a whole number, so the solver
    # can leave concepts continuous and branch on far fewer variables.
    cost = -np.concatenate([unit_value, [weights[c] for c in shared]])
    blocks = [hstack([-occurrence, identity(n_concepts)])]
    upper = [0.0] * n_concepts
    limits: list[tuple[list[float], float]] = [([float(u.words) for u in units], float(budget))]
    limits += [(_indicator(g, n_units), 1.0) for g in exclusive if len(g) > 1]
    if max_units is not None:
        limits.append(([1.0] * n_units, float(max_units)))
    for coefficients, limit in limits:
        blocks.append(coo_matrix(np.concatenate([coefficients, np.zeros(n_concepts)])[None, :]))
        upper.append(limit)
    result = milp(
        cost,
        constraints=LinearConstraint(vstack(blocks).tocsr(), -np.inf, np.array(upper)),
        integrality=np.concatenate([np.ones(n_units), np.zeros(n_concepts)]),
        bounds=Bounds(0, 1),
        options={"time_limit": 10.0},
    )
    if result.x is None:
        return []
    return [j for j in range(n_units) if result.x[j] > 0.5]


def _indicator(members: Sequence[int], size: int) -> list[float]:
    row = [0.0] * size
    for j in members:
        row[j] = 1.0
    return row


def fill_to_cut(
    units: Sequence[Unit],
    chosen: Sequence[int],
    weights: dict[Concept, float],
    budget: int,
    same: Callable[[int, int], bool],
) -> list[int]:
    """`chosen` completed for a reader who stops after `budget` words.

    One more unit goes last, of which only the words left before the cut count. Giving
    up one chosen unit can leave room for a better last one, so each such trade is
    tried too; the text whose first `budget` words cover the most weight wins. No unit
    is added that `same` says repeats one already there.
    """
    best: list[int] = list(chosen)
    best_value = -1.0
    for dropped in [None, *chosen]:
        kept = [j for j in chosen if j != dropped]
        room = budget - sum(units[j].words for j in kept)
        covered: set[Concept] = set()
        for j in kept:
            covered |= sentence_concepts(units[j].text)
        value = sum(weights.get(c, 0.0) for c in covered)
        last, last_gain = None, 0.0
        for j, unit in enumerate(units):
            if room <= 0 or j == dropped or any(same(j, k) for k in kept):
                continue
            gain = sum(
                weights.get(c, 0.0)
                for c, reach in concept_reach(unit.text).items()
                if reach <= room and c not in covered
            )
            if gain > last_gain:
                last, last_gain = j, gain
        if value + last_gain > best_value:
            best = kept + ([last] if last is not None else [])
            best_value = value + last_gain
    return best


def unit_weight(unit: Unit, weights: dict[Concept, float]) -> float:
    return sum(weights.get(c, 0.0) for c in sentence_concepts(unit.text))
