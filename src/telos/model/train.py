"""Training: `train_loss` on examples plus `alpha · progress_loss` toward a goal set.

- `train_loss`: mean per-token negative log-likelihood of the completions of a batch of
  examples (prompt tokens masked out).
- `progress_loss` (DESIGN, normative): mean per-token negative log-likelihood of the goal
  statements, in conjecture text, after the conjecturing prompt `Conj:(hard) ` (prompt masked
  out), over the whole goal set, computed at every step.
- total loss = `train_loss + alpha · progress_loss`; `alpha` is a number or a function of the
  step (for warm-up). Both losses are logged unweighted, with `alpha`.

AdamW with gradient clipping; deterministic on the CPU under a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from .formats import Example, conjecture_prompt
from .lm import LanguageModel


@dataclass(frozen=True)
class StepLog:
    step: int
    train_loss: float  # nan when there are no examples
    progress_loss: float  # nan when there are no goals
    alpha: float
    loss: float


def progress_loss(model: LanguageModel, goals: Sequence[str]) -> torch.Tensor:
    """Mean per-token NLL of `goals` (conjecture text) under `Conj:(hard) `, with gradients."""
    nll, count = model.completion_nll([(conjecture_prompt("hard"), g) for g in goals])
    return nll / max(count, 1)


def make_optimizer(model: LanguageModel, lr: float = 1e-3, weight_decay: float = 0.01):
    return torch.optim.AdamW(model.net.parameters(), lr=lr, weight_decay=weight_decay)


def train(
    model: LanguageModel,
    examples: Sequence[Example],
    goals: Sequence[str],
    alpha: float | Callable[[int], float],
    steps: int,
    batch_size: int,
    seed: int,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    grad_clip: float = 1.0,
    on_step: Callable[[StepLog], None] | None = None,
    sampling: str = "random",
) -> list[StepLog]:
    """Train `model` in place for `steps` steps; return one `StepLog` per step.

    `sampling`: "random" draws each batch's examples independently (with replacement);
    "epochs" walks shuffled passes over the examples, each example once per pass — the loop's
    way, with `steps` sized to the data (passes × examples / batch).
    """
    if sampling not in ("random", "epochs"):
        raise ValueError(f"unknown sampling {sampling!r}")
    if steps < 0 or batch_size <= 0:
        raise ValueError("steps must be ≥ 0 and batch_size > 0")
    if not examples and not goals:
        raise ValueError("nothing to train on: no examples and no goals")
    torch.manual_seed(seed)
    rng = random.Random(seed)
    opt = optimizer if optimizer is not None else make_optimizer(model, lr)
    nan = float("nan")
    logs: list[StepLog] = []
    order: list[int] = []  # the rest of the current pass ("epochs")
    model.net.train()
    try:
        for step in range(steps):
            a = float(alpha(step)) if callable(alpha) else float(alpha)
            # -- the two losses, unweighted
            terms = []
            train_value = progress_value = nan
            if examples:
                if sampling == "epochs":
                    picked = []
                    while len(picked) < min(batch_size, len(examples)):
                        if not order:
                            order = list(range(len(examples)))
                            rng.shuffle(order)
                        picked.append(order.pop())
                    batch = [examples[k] for k in picked]
                else:
                    batch = [examples[rng.randrange(len(examples))] for _ in range(batch_size)]
                nll, count = model.completion_nll([(e.prompt, e.completion) for e in batch])
                train_loss = nll / max(count, 1)
                train_value = float(train_loss.detach())
                terms.append(train_loss)
            if goals:
                if a != 0.0:
                    progress = progress_loss(model, goals)
                    terms.append(a * progress)
                    progress_value = float(progress.detach())
                else:  # still logged every step, at no gradient cost
                    with torch.no_grad():
                        progress_value = float(progress_loss(model, goals))
            # -- optimise
            if terms:
                loss = sum(terms[1:], terms[0])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.net.parameters(), grad_clip)
                opt.step()
                loss_value = float(loss.detach())
            else:
                loss_value = nan
            log = StepLog(step, train_value, progress_value, a, loss_value)
            logs.append(log)
            if on_step is not None:
                on_step(log)
    finally:
        model.net.eval()
    return logs
