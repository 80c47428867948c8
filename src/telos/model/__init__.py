"""telos.model — one character-level language model as policy, value and conjecturer.

- `ModelConfig`, `SIZES`, `model_config`: named sizes `tiny`, `small`, `paper` (`config.py`);
- `CharTokenizer` (`tokenizer.py`), `LanguageModel` (`lm.py`): the transformer and its
  batched scoring;
- formats and `Example` (`formats.py`); `examples_from_result` (`examples.py`);
- `ModelPolicy` (`policy.py`): implements `telos.search.Policy`;
- `train`, `progress_loss`, `StepLog` (`train.py`);
- `save_checkpoint`, `load_checkpoint`, `load_optimizer_state` (`checkpoint.py`).
"""

from .checkpoint import CheckpointError, load_checkpoint, load_optimizer_state, save_checkpoint
from .config import SIZES, ModelConfig, model_config
from .examples import examples_from_result
from .formats import (
    Example,
    conjecture_example,
    conjecture_prompt,
    policy_example,
    policy_prompt,
    value_example,
    value_prompt,
)
from .lm import LanguageModel, default_device
from .policy import ModelPolicy
from .tokenizer import CharTokenizer
from .train import StepLog, make_optimizer, progress_loss, train

__all__ = [
    "SIZES",
    "CharTokenizer",
    "CheckpointError",
    "Example",
    "LanguageModel",
    "ModelConfig",
    "ModelPolicy",
    "StepLog",
    "conjecture_example",
    "conjecture_prompt",
    "default_device",
    "examples_from_result",
    "load_checkpoint",
    "load_optimizer_state",
    "make_optimizer",
    "model_config",
    "policy_example",
    "policy_prompt",
    "progress_loss",
    "save_checkpoint",
    "train",
    "value_example",
    "value_prompt",
]
