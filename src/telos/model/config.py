"""Model sizes, named and explicit: a checkpoint records its size and is never resized."""

from __future__ import annotations

from dataclasses import asdict, dataclass

CONTEXT = 1024  # characters: every size reads queries of up to 1,024 characters


@dataclass(frozen=True)
class ModelConfig:
    size: str
    n_layer: int
    n_head: int
    n_embd: int
    n_positions: int = CONTEXT
    dropout: float = 0.0  # the loop trains on fresh data every iteration; no dropout by default

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> ModelConfig:
        return ModelConfig(**data)


SIZES = {
    "tiny": ModelConfig("tiny", n_layer=2, n_head=4, n_embd=128),  # tests and CPU
    "small": ModelConfig("small", n_layer=4, n_head=8, n_embd=256),
    "paper": ModelConfig("paper", n_layer=8, n_head=8, n_embd=512),  # the published size
}


def model_config(size: str) -> ModelConfig:
    try:
        return SIZES[size]
    except KeyError:
        raise ValueError(f"unknown model size {size!r} (known: {', '.join(SIZES)})") from None
