"""Alpha schedules (DESIGN, "Definitions"): how much the progress loss weighs in iteration i.

With `t = i / max(1, N - 1)` for iteration `i` (counted from 0) of `N`, and `alpha` the
configured maximum:

    constant   alpha
    linear     alpha * t
    quadratic  alpha * t**2
    cubic      alpha * t**3
    cos        alpha * (1 - cos(pi t)) / 2
    ratio      alpha * r      (r: proven / sampled conjectures of the previous iteration, 0 before
                               the first)

`alpha_threshold` turns the progress loss off while r is below it; `alpha_warmup_steps` ramps
alpha linearly over the first training steps of each iteration (`alpha_at_step`).
"""

from __future__ import annotations

import math

SCHEDULES = ("constant", "linear", "quadratic", "cubic", "cos", "ratio")


def alpha_at(
    iteration: int,
    iterations: int,
    alpha: float,
    schedule: str = "constant",
    ratio: float = 0.0,
    threshold: float = 0.0,
) -> float:
    """The progress loss's weight in `iteration` (0-based) of `iterations`.

    `ratio` is the previous iteration's proven / sampled conjectures (0 before the first); it
    drives the `ratio` schedule and the threshold.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown alpha schedule {schedule!r} (known: {', '.join(SCHEDULES)})")
    if not 0 <= iteration < max(iterations, 1):
        raise ValueError(f"iteration {iteration} is outside 0..{iterations - 1}")
    if ratio < threshold:
        return 0.0
    t = iteration / max(1, iterations - 1)
    factor = {
        "constant": 1.0,
        "linear": t,
        "quadratic": t**2,
        "cubic": t**3,
        "cos": (1.0 - math.cos(math.pi * t)) / 2.0,
        "ratio": ratio,
    }[schedule]
    return alpha * factor


def alpha_at_step(alpha: float, step: int, warmup_steps: int = 0) -> float:
    """`alpha` ramped linearly over the first `warmup_steps` steps (0-based) of an iteration:
    step k weighs (k + 1) / warmup_steps of it until the ramp ends."""
    if warmup_steps <= 0 or step + 1 >= warmup_steps:
        return alpha
    return alpha * (step + 1) / warmup_steps
