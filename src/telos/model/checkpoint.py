"""Checkpoints without pickles: `model.safetensors`, `config.json`, optimizer state.

A checkpoint directory holds the weights (safetensors, shared tensors handled by
`safetensors.torch.save_model`), the model config as JSON, and optionally the AdamW state as
tensors in `optimizer.safetensors` plus its scalar fields in `optimizer.json`. Loading reads
only these formats: no code from a checkpoint is ever executed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file, load_model, save_file, save_model

from .config import ModelConfig
from .lm import LanguageModel

WEIGHTS, CONFIG = "model.safetensors", "config.json"
OPTIMIZER_TENSORS, OPTIMIZER_META = "optimizer.safetensors", "optimizer.json"
FORMAT = "telos-charlm-1"


class CheckpointError(ValueError):
    """A directory that is not a telos checkpoint (missing or malformed files)."""


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def save_checkpoint(
    directory: str | Path, model: LanguageModel, optimizer: torch.optim.Optimizer | None = None
) -> Path:
    """Write a checkpoint; each file goes to a temporary name first, then is renamed."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / (WEIGHTS + ".tmp")
    save_model(model.net, str(tmp))
    os.replace(tmp, d / WEIGHTS)
    if optimizer is not None:
        tensors, meta = _flatten_optimizer(optimizer)
        tmp = d / (OPTIMIZER_TENSORS + ".tmp")
        save_file(tensors, str(tmp))
        os.replace(tmp, d / OPTIMIZER_TENSORS)
        _atomic_write_text(d / OPTIMIZER_META, json.dumps(meta))
    _atomic_write_text(
        d / CONFIG, json.dumps({"format": FORMAT, "model": model.config.to_json()}, indent=2)
    )
    return d


def load_checkpoint(
    directory: str | Path, device: torch.device | str | None = None
) -> LanguageModel:
    d = Path(directory)
    try:
        meta = json.loads((d / CONFIG).read_text())
        if meta.get("format") != FORMAT:
            raise CheckpointError(f"{d}: not a telos checkpoint (format {meta.get('format')!r})")
        config = ModelConfig.from_json(meta["model"])
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as e:
        raise CheckpointError(f"{d}: cannot read {CONFIG}: {e}") from None
    if not (d / WEIGHTS).is_file():
        raise CheckpointError(f"{d}: missing {WEIGHTS}")
    try:
        model = LanguageModel(config, device=device)
        missing, unexpected = load_model(model.net, str(d / WEIGHTS), strict=False,
                                         device=str(model.device))
    except Exception as e:  # a malformed config or weights file: say which, never a traceback
        raise CheckpointError(f"{d}: cannot load the model: {type(e).__name__}: {e}") from None
    if unexpected or [m for m in missing if not m.endswith("lm_head.weight")]:
        raise CheckpointError(f"{d}: weights do not fit a {config.size} model")
    model.net.eval()
    return model


def load_optimizer_state(directory: str | Path, optimizer: torch.optim.Optimizer) -> bool:
    """Restore AdamW state saved with the checkpoint; False when none was saved."""
    d = Path(directory)
    if not (d / OPTIMIZER_META).is_file():
        return False
    meta = json.loads((d / OPTIMIZER_META).read_text())
    tensors = load_file(str(d / OPTIMIZER_TENSORS))
    zero_dim = set(meta["zero_dim"])
    state: dict = {}
    for key, tensor in tensors.items():
        index, field = key.split(".", 1)
        state.setdefault(int(index), {})[field] = tensor.reshape(()) if key in zero_dim else tensor
    for index, scalars in meta["scalars"].items():
        state.setdefault(int(index), {}).update(scalars)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    return True


def _flatten_optimizer(optimizer: torch.optim.Optimizer) -> tuple[dict, dict]:
    sd = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    zero_dim: list[str] = []  # safetensors stores no 0-dim tensors (AdamW's `step`)
    for index, fields in sd["state"].items():
        for field, value in fields.items():
            key = f"{index}.{field}"
            if isinstance(value, torch.Tensor):
                if value.dim() == 0:
                    zero_dim.append(key)
                tensors[key] = value.detach().cpu().reshape(-1 if value.dim() == 0 else value.shape)
                tensors[key] = tensors[key].contiguous()
            else:
                scalars.setdefault(str(index), {})[field] = value
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars, "zero_dim": zero_dim}
