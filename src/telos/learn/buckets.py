"""Difficulty buckets (DESIGN, "Definitions"): the proven conjectures of an iteration are split
by the log-probability of their proofs under the policy that found them.

The lowest-log-probability `hard` percent (default 20) are `hard`, those up to the `easy`
percentile (default 50) `easy`, the rest `triv`; conjectures that were not proven are `fail`.
Percentiles are taken over the iteration's proven conjectures with linear interpolation, and a
log-probability equal to a cut falls in the harder bucket.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BUCKETS = ("hard", "easy", "triv", "fail")


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) of `values`, linearly interpolated between ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bucket_cuts(
    log_probs: Sequence[float], hard: float = 20, easy: float = 50
) -> tuple[float, float]:
    """The log-probabilities at the `hard` and `easy` percentiles of the proven ones."""
    if not 0 <= hard <= easy <= 100:
        raise ValueError(f"bucket percentiles must satisfy 0 ≤ hard ≤ easy ≤ 100: {hard}, {easy}")
    return percentile(log_probs, hard), percentile(log_probs, easy)


def assign_buckets(
    log_probs: Sequence[float | None], hard: float = 20, easy: float = 50
) -> list[str]:
    """The bucket of each conjecture; None (not proven) is `fail`."""
    proven = [lp for lp in log_probs if lp is not None]
    if not proven:
        return ["fail"] * len(log_probs)
    hard_cut, easy_cut = bucket_cuts(proven, hard, easy)
    out = []
    for lp in log_probs:
        if lp is None:
            out.append("fail")
        elif lp <= hard_cut:
            out.append("hard")
        elif lp <= easy_cut:
            out.append("easy")
        else:
            out.append("triv")
    return out
