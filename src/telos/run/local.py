"""The in-process executor: the prove phase in this process, on this machine's cores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import torch

from telos.learn.attempt import Attempt, attempt_all
from telos.model import ModelPolicy, load_checkpoint
from telos.search import Problem, UniformPolicy


class LocalExecutor:
    """Runs every search of a phase interleaved in this process, so that each policy call
    batches the pending states of all of them; torch uses `threads` threads."""

    def __init__(self, threads: int, device: str = "cpu"):
        self.threads = threads
        self.device = device

    def prove_all(
        self,
        problems: Sequence[Problem],
        checkpoint: Path | None,
        budget: int,
        seed: int,
        max_facts: int = 0,
        on_step: Callable[[int, int], None] | None = None,
    ) -> list[Attempt]:
        torch.set_num_threads(self.threads)
        if checkpoint is None:
            policy = UniformPolicy()
        else:
            policy = ModelPolicy(load_checkpoint(checkpoint, device=self.device))
        return attempt_all(problems, policy, budget, seed, max_facts, on_step)
