"""The loop's configuration, validated: `LoopConfig.from_mapping(resolved Hydra config)`.

Hydra composes and resolves the config (`telos/conf/config.yaml`); this module checks every
value a run cannot use — before anything is written — and raises `ConfigError` with one line
naming the key. Theories, goal sets and the resume directory are resolved here too
(`resolve_inputs`), so that a bad goal file is reported at its line and column up front.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from telos.peano import Derivation, PeanoError, bounded_recursion, load_theory_text
from telos.theories import THEORY_NAMES, load_theory

from .schedules import SCHEDULES

EXECUTORS = ("local", "ray")
AVAILABLE_EXECUTORS = ("local",)  # `ray` comes with the scale-out work
MODEL_SIZES = ("auto", "tiny", "small", "paper")
DEVICES = ("auto", "cpu", "cuda")
MAX_THEORY_BYTES = 4 * 1024 * 1024
# The published experiments' spellings (`agent.policy.*`) of the loop's keys.
ALIASES = {
    "agent.policy.alpha": "alpha",
    "agent.policy.alpha_schedule": "alpha_schedule",
    "agent.policy.alpha_threshold": "alpha_threshold",
    "agent.policy.alpha_warmup_steps": "alpha_warmup_steps",
    "agent.policy.total_iterations": "iterations",
}


class ConfigError(ValueError):
    """A configuration value a run cannot use; the message is one line."""


@dataclass(frozen=True)
class TrainConfig:
    epochs: float
    batch_size: int
    lr: float
    replay_iterations: int


@dataclass(frozen=True)
class LoopConfig:
    name: str
    theory: str
    goals: str | None
    eval_set: str | None
    train_on_goals: bool
    iterations: int
    n_conjectures: int
    alpha: float
    alpha_schedule: str
    alpha_threshold: float
    alpha_warmup_steps: int
    max_mcts_nodes: int
    eval_budget: int
    library: bool
    library_premises: int
    executor: str
    seed: int
    resume: str | None
    device: str
    torch_threads: int
    model_size: str
    train: TrainConfig
    temperature: float
    max_rounds: int
    bucket_hard: float
    bucket_easy: float
    max_facts: int

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> LoopConfig:
        data = dict(data)
        data["train"] = TrainConfig(**data["train"])
        return LoopConfig(**data)

    @staticmethod
    def from_mapping(cfg: Mapping) -> LoopConfig:
        """Check a resolved config (a plain mapping: `OmegaConf.to_container(resolve=True)`)."""
        agent = _section(cfg, "agent")
        policy = _section(agent, "policy", "agent.")
        for alias, key in ALIASES.items():  # Hydra interpolates them; a yaml may not have
            value = policy.get(alias.rsplit(".", 1)[1], cfg.get(key))
            if value != cfg.get(key):
                raise ConfigError(f"{alias}={value} and {key}={cfg.get(key)} disagree")
        train = _section(cfg, "train")
        model = _section(cfg, "model")
        conjecture = _section(cfg, "conjecture")
        buckets = _section(cfg, "buckets")
        hindsight = _section(cfg, "hindsight")
        max_nodes = _int(agent, "max_mcts_nodes", 1, "agent.")
        eval_budget = cfg.get("eval_budget")
        out = LoopConfig(
            name=_text(cfg, "name"),
            theory=_text(cfg, "theory"),
            goals=_optional_text(cfg, "goals"),
            eval_set=_optional_text(cfg, "eval_set"),
            train_on_goals=_bool(cfg, "train_on_goals"),
            iterations=_int(cfg, "iterations", 1),
            n_conjectures=_int(cfg, "n_conjectures", 1),
            alpha=_float(cfg, "alpha", 0.0),
            alpha_schedule=_choice(cfg, "alpha_schedule", SCHEDULES),
            alpha_threshold=_float(cfg, "alpha_threshold", 0.0, 1.0),
            alpha_warmup_steps=_int(cfg, "alpha_warmup_steps", 0),
            max_mcts_nodes=max_nodes,
            eval_budget=max_nodes if eval_budget is None else _int(cfg, "eval_budget", 1),
            library=_bool(cfg, "library"),
            library_premises=_int(cfg, "library_premises", 0),
            executor=_choice(cfg, "executor", EXECUTORS),
            seed=_int(cfg, "seed", 0),
            resume=_optional_text(cfg, "resume"),
            device=_choice(cfg, "device", DEVICES),
            torch_threads=_int(cfg, "torch_threads", 0),
            model_size=_choice(model, "size", MODEL_SIZES, "model."),
            train=TrainConfig(
                epochs=_float(train, "epochs", 0.0, prefix="train.", positive=True),
                batch_size=_int(train, "batch_size", 1, "train."),
                lr=_float(train, "lr", 0.0, prefix="train.", positive=True),
                replay_iterations=_int(train, "replay_iterations", 0, "train."),
            ),
            temperature=_float(conjecture, "temperature", 0.0, prefix="conjecture."),
            max_rounds=_int(conjecture, "max_rounds", 1, "conjecture."),
            bucket_hard=_float(buckets, "hard", 0.0, 100.0, prefix="buckets."),
            bucket_easy=_float(buckets, "easy", 0.0, 100.0, prefix="buckets."),
            max_facts=_int(hindsight, "max_facts", 0, "hindsight."),
        )
        if out.executor not in AVAILABLE_EXECUTORS:
            raise ConfigError(f"executor={out.executor} is not available in this version "
                              f"(available: {', '.join(AVAILABLE_EXECUTORS)})")
        if out.bucket_hard > out.bucket_easy:
            raise ConfigError(
                f"buckets.hard={out.bucket_hard} is above buckets.easy={out.bucket_easy}"
            )
        if out.name in ("", ".", "..") or "/" in out.name or "\\" in out.name:
            raise ConfigError(f"name={out.name!r} cannot name a folder under outputs/")
        return out


# -- the theory, given by name or by path --------------------------------------------------


@dataclass(frozen=True)
class TheorySource:
    name: str  # the packaged name, or the file's stem
    text: str
    premises: tuple[str, ...]
    file: str | None  # the path a user gave (for located messages); None when packaged


def theory_stem(spec: str) -> str:
    """The name of a theory given by name or path (`name`'s default)."""
    return spec if spec in THEORY_NAMES else Path(str(spec)).stem


def load_theory_source(spec: str) -> tuple[TheorySource, Derivation]:
    """A packaged theory by name, or the user's own `.p` file; raises ConfigError."""
    if spec in THEORY_NAMES:
        theory = load_theory(spec)
        return (TheorySource(spec, theory.text, theory.premises, None),
                load_theory_text(theory.text))
    path = Path(spec)
    if path.suffix != ".p" and not path.exists():
        known = ", ".join(THEORY_NAMES)
        raise ConfigError(f"theory={spec}: unknown theory (known: {known}, or a path to a .p file)")
    text = _read_text(path, "theory")
    try:
        with bounded_recursion(file=spec):
            derivation = load_theory_text(text, spec)
    except PeanoError as e:
        raise ConfigError(f"theory={spec}: {e.located()}") from None
    return TheorySource(path.stem, text, user_premises(derivation), spec), derivation


def user_premises(derivation: Derivation) -> tuple[str, ...]:
    """The premises of a user's theory: the equality rules when `=` is declared, then every
    axiom (a declared name whose type is a proposition), in the file's order."""
    names = [n for n, d in derivation.defs.items() if d.is_proof and "@" not in n]
    rules = ("eq_refl", "eq_symm", "rewrite") if derivation.lookup("=") is not None else ()
    return rules + tuple(n for n in names if n not in rules)


def _read_text(path: Path, key: str) -> str:
    try:
        if not path.exists():
            raise ConfigError(f"{key}={path}: no such file")
        if not path.is_file():
            raise ConfigError(f"{key}={path}: not a regular file")
        if path.stat().st_size > MAX_THEORY_BYTES:
            raise ConfigError(f"{key}={path}: larger than 4 MiB")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{key}={path}: cannot read: {e}") from None


# -- checks of single values -----------------------------------------------------------------


def _section(cfg: Mapping, key: str, prefix: str = "") -> Mapping:
    value = cfg.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{prefix}{key} must be a group of keys, not {value!r}")
    return value


def _text(cfg: Mapping, key: str, prefix: str = "") -> str:
    value = cfg.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{prefix}{key}={value!r} must be a non-empty string")
    return value


def _optional_text(cfg: Mapping, key: str) -> str | None:
    value = cfg.get(key)
    if value is None or (isinstance(value, str) and value.lower() in ("none", "null", "")):
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key}={value!r} must be a name or a path")
    return value


def _bool(cfg: Mapping, key: str) -> bool:
    value = cfg.get(key)
    if not isinstance(value, bool):
        raise ConfigError(f"{key}={value!r} must be true or false")
    return value


def _int(cfg: Mapping, key: str, minimum: int, prefix: str = "") -> int:
    value = cfg.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{prefix}{key}={value!r} must be an integer")
    if value < minimum:
        raise ConfigError(f"{prefix}{key}={value} must be at least {minimum}")
    return value


def _float(
    cfg: Mapping,
    key: str,
    minimum: float,
    maximum: float | None = None,
    prefix: str = "",
    positive: bool = False,
) -> float:
    value = cfg.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{prefix}{key}={value!r} must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise ConfigError(f"{prefix}{key}={value} must be finite")
    if value < minimum or (positive and value == minimum):
        bound = "positive" if positive else f"at least {minimum:g}"
        raise ConfigError(f"{prefix}{key}={value:g} must be {bound}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{prefix}{key}={value:g} must be at most {maximum:g}")
    return value


def _choice(cfg: Mapping, key: str, choices: tuple[str, ...], prefix: str = "") -> str:
    value = cfg.get(key)
    if value not in choices:
        raise ConfigError(f"{prefix}{key}={value!r} is not one of {', '.join(choices)}")
    return value


# -- everything a run needs, checked before anything is written -------------------------------


@dataclass(frozen=True)
class RunInputs:
    """The theory and goal sets of a run, loaded and checked."""

    theory: TheorySource
    derivation: Derivation
    goals: tuple  # telos.theories.Goal records, well-formed in the theory
    eval_goals: tuple


def resolve_inputs(config: LoopConfig) -> RunInputs:
    """Load the theory and the goal sets of `config`; raises ConfigError (one located line)."""
    theory, derivation = load_theory_source(config.theory)
    sets = []
    for key, spec in (("goals", config.goals), ("eval_set", config.eval_set)):
        if spec is None:
            sets.append(())
            continue
        from telos.theories import GoalSetError, load_goal_set

        try:
            sets.append(load_goal_set(spec, derivation).goals)
        except GoalSetError as e:
            raise ConfigError(f"{key}={spec}: {e}") from None
    return RunInputs(theory, derivation, sets[0], sets[1])


def validate(cfg: Mapping) -> LoopConfig:
    """Check a resolved config and everything it names (theory, goal sets, resume directory);
    raises ConfigError. Nothing is written."""
    config = LoopConfig.from_mapping(cfg)
    if config.resume is not None:
        from .state import check_run_dir

        check_run_dir(Path(config.resume))  # its saved config wins: nothing else to check
        return config
    resolve_inputs(config)
    return config
