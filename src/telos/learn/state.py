"""The run directory and the loop's saved state (DESIGN, "Run directory"; exact resume).

After every phase the loop writes the phase's outputs, then `state.json` — which phase of
which iteration is done, and how many lines `metrics.jsonl` and `train.jsonl` and how many
lemmas `library.p` held then. A run killed at any moment resumes from the last `state.json`:
longer files are cut back to those counts and the interrupted phase runs again from its saved
inputs. Nothing random is carried between phases: every phase seeds its generators from
(seed, iteration, phase), so the state to restore is only these numbers, the weights and the
optimizer (safetensors), and JSON — never a pickle.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import ConfigError, LoopConfig
from .records import read_json, write_json

STATE, RUN, CONFIG = "state.json", "run.json", "config.yaml"
METRICS, TRAIN_LOG, LIBRARY = "metrics.jsonl", "train.jsonl", "library.p"
LIBRARY_STATE = "library.json"
PHASES = ("conjecture", "prove", "train", "eval")


@dataclass
class LoopState:
    iteration: int = 0  # the iteration in progress (or next)
    done: str | None = None  # the last phase completed in it
    metrics_lines: int = 0
    train_lines: int = 0
    train_steps: int = 0  # training steps so far, over all iterations
    library_lemmas: int = 0
    proven: list[str] = field(default_factory=list)  # conjecture texts proven so far
    last_ratio: float = 0.0  # proven / sampled of the previous iteration
    partial: dict = field(default_factory=dict)  # the iteration's metrics so far

    def next_phase(self) -> str:
        return PHASES[0] if self.done is None else PHASES[PHASES.index(self.done) + 1]

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> LoopState:
        return LoopState(**data)


def iteration_dir(run_dir: Path, i: int) -> Path:
    return run_dir / f"iteration_{i}"


def checkpoint_dir(run_dir: Path, i: int | None) -> Path:
    """Weights after iteration i's training; `init` for the initial weights (i None or -1)."""
    return run_dir / "checkpoints" / ("init" if i is None or i < 0 else str(i))


def save_state(run_dir: Path, state: LoopState) -> None:
    write_json(run_dir / STATE, state.to_json())


def load_state(run_dir: Path) -> LoopState:
    return LoopState.from_json(read_json(run_dir / STATE))


def check_run_dir(path: Path) -> None:
    """Raise ConfigError unless `path` is a telos run directory that can be resumed."""
    if not path.is_dir():
        raise ConfigError(f"resume={path}: not a directory")
    for name in (RUN, STATE):
        if not (path / name).is_file():
            raise ConfigError(f"resume={path}: not a telos run (no {name})")
    try:
        load_state(path)
        LoopConfig.from_json(read_json(path / RUN)["config"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"resume={path}: its saved state cannot be read: {e}") from None


def provenance(device: str, threads: int) -> dict:
    """What produced a run: versions, commit, machine."""
    import hydra
    import torch
    import transformers

    import telos

    return {
        "telos": telos.__version__,
        "commit": _git_commit(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "hydra": hydra.__version__,
        "device": device,
        "cpu_count": os.cpu_count(),
        "torch_threads": threads,
        "host": platform.node(),
    }


def _git_commit() -> str | None:
    """The commit of the source checkout telos runs from, when it is one."""
    source = Path(__file__).resolve().parents[3]
    if not (source / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "-C", str(source), "status", "--porcelain", "--",
                                "src"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty.strip() else "")
