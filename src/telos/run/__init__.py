"""telos.run — executors for the prove phase, and starting a run.

- `LocalExecutor` (`local.py`): in-process, the default;
- `start(config, run_dir, composed)`: what `telos run` does once Hydra has composed and
  validated the config — a new run directory or a resumed one, then the loop.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import torch

from telos.learn.config import ConfigError, LoopConfig, resolve_inputs
from telos.learn.loop import Loop, model_size, new_run, saved_config
from telos.learn.state import RUN, STATE, check_run_dir, provenance

from .local import LocalExecutor

__all__ = ["LocalExecutor", "start"]

log = logging.getLogger(__name__)


def start(
    config: LoopConfig,
    run_dir: Path,
    composed: dict,
    say=print,
    progress: bool | None = None,
    overrides: list[str] | None = None,
) -> int:
    """Run (or resume) the loop in `run_dir`; returns the exit status (0: the run completed,
    whatever it proved). `say` receives the lines a user reads."""
    if config.resume is not None:
        run_dir = Path(config.resume)
        check_run_dir(run_dir)
        config = _resumed_config(run_dir, config, overrides)
    device = _device(config.device)
    threads = config.torch_threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    inputs = resolve_inputs(config)
    if not (run_dir / STATE).exists():
        if (run_dir / RUN).exists():
            raise ConfigError(f"{run_dir} holds a run that never started; remove it")
        new_run(run_dir, config, composed, provenance(device, threads), device,
                seed_model=config.seed)
    size = model_size(config, device)
    say(f"telos run: {run_dir} — model {size} on {device}, {threads} torch threads, "
        f"executor {config.executor}")
    if config.executor != "local":
        raise ConfigError(f"executor={config.executor} is not available in this build")
    executor = LocalExecutor(threads, device)
    loop = Loop(config, run_dir, inputs, executor, device, say=say,
                progress=sys.stderr.isatty() if progress is None else progress)
    loop.run()
    return 0


def _resumed_config(run_dir: Path, given: LoopConfig, overrides: list[str] | None) -> LoopConfig:
    """The saved config wins, except `iterations`, which a resume may raise."""
    saved = saved_config(run_dir)
    if overrides is None:
        overrides = _hydra_overrides()
    keys = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
    if "iterations" in keys or "agent.policy.total_iterations" in keys:
        if given.iterations < saved.iterations:
            raise ConfigError(f"iterations={given.iterations} is below the run's "
                              f"{saved.iterations}: a resume may only raise it")
        saved = _replace(saved, iterations=given.iterations)
        from telos.learn.records import read_json, write_json

        data = read_json(run_dir / RUN)
        data["config"] = saved.to_json()
        write_json(run_dir / RUN, data)
    return _replace(saved, resume=str(run_dir))


def _replace(config: LoopConfig, **changes) -> LoopConfig:
    from dataclasses import replace

    return replace(config, **changes)


def _hydra_overrides() -> list[str]:
    try:
        from hydra.core.hydra_config import HydraConfig

        return list(HydraConfig.get().overrides.task)
    except (ImportError, ValueError):
        return []


def _device(choice: str) -> str:
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if choice == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device=cuda: no CUDA device is available")
    return choice
