"""The self-improvement loop (DESIGN, "One iteration, as data"), read top to bottom.

Each iteration i = 0 … N-1 runs four phases, each ending with its outputs and `state.json`
written (so a run killed anywhere resumes at the phase it was in, and ends as if never
stopped):

1. conjecture — sample `n_conjectures` distinct conjectures not proven before, `Conj:(hard) `;
2. prove      — the executor searches each (model-guided MCTS) and mines every tree with
                hindsight; the loop re-checks every proof, buckets the proven conjectures by
                their proofs' log-probability, builds policy, value and conjecture examples
                and (with `library=true`) adds the proven conjectures to the lemma library;
3. train      — epochs over this iteration's examples plus a window of earlier ones, with
                `train_loss + alpha_i · progress_loss`, from the previous weights and optimizer;
4. eval       — the goals and the `eval_set` at `eval_budget`, and the metrics record.
"""

from __future__ import annotations

import logging
import math
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import torch
from tqdm import tqdm

from telos.conjecture import sample_conjectures
from telos.model import (
    Example,
    LanguageModel,
    conjecture_example,
    conjecture_prompt,
    load_checkpoint,
    load_optimizer_state,
    make_optimizer,
    model_config,
    save_checkpoint,
    train,
)
from telos.search import Problem

from .attempt import Attempt, derive_seed
from .buckets import assign_buckets
from .config import LoopConfig, RunInputs
from .records import append_jsonl, read_json, read_jsonl, write_json, write_jsonl
from .schedules import alpha_at, alpha_at_step
from .state import (
    LIBRARY,
    LIBRARY_STATE,
    METRICS,
    TRAIN_LOG,
    LoopState,
    checkpoint_dir,
    iteration_dir,
    load_state,
    save_state,
)
from .verify import ProofVerifier

if TYPE_CHECKING:
    from .library import Library

log = logging.getLogger(__name__)


class Executor(Protocol):
    """Where the prove phase runs (DESIGN, "the executor's contract")."""

    def prove_all(
        self,
        problems: Sequence[Problem],
        checkpoint: Path | None,
        budget: int,
        seed: int,
        max_facts: int = 0,
        on_step: Callable[[int, int], None] | None = None,
    ) -> list[Attempt]: ...


@dataclass
class Loop:
    config: LoopConfig
    run_dir: Path
    inputs: RunInputs
    executor: Executor
    device: str
    say: Callable[[str], None] = log.info  # one line per iteration, for the user
    progress: bool = True  # tqdm bars

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> LoopState:
        state = load_state(self.run_dir)
        self._cut_back(state)
        while state.iteration < self.config.iterations:
            for phase in ("conjecture", "prove", "train", "eval"):
                if state.done is not None and _after(state.done, phase):
                    continue
                getattr(self, f"_{phase}")(state)
                state.done = phase
                save_state(self.run_dir, state)
            self.say(_summary(state.iteration, self._metrics()[-1]))
            state.iteration, state.done, state.partial = state.iteration + 1, None, {}
            save_state(self.run_dir, state)
        return state

    def _cut_back(self, state: LoopState) -> None:
        """After a crash mid-phase: drop records written after the last saved state."""
        for name, keep in ((METRICS, state.metrics_lines), (TRAIN_LOG, state.train_lines)):
            path = self.run_dir / name
            if path.exists() and len(read_jsonl(path)) != keep:
                append_jsonl(path, [], keep=keep)
        if self.config.library:
            library = self._library(keep=state.library_lemmas)
            if (self.run_dir / LIBRARY_STATE).exists():
                self._save_library(library)

    # -- 1. conjecture ---------------------------------------------------------------------

    def _conjecture(self, state: LoopState) -> None:
        start = time.perf_counter()
        i, n = state.iteration, self.config.n_conjectures
        model = self._model(i - 1)
        known = set(state.proven)
        chosen: dict[str, dict] = {}
        with self._bar(n, f"iter {i} conjecture", "conj") as bar:
            for round_ in range(self.config.max_rounds):
                want = n - len(chosen)
                if want <= 0:
                    break
                batch = sample_conjectures(
                    model, self.inputs.derivation, max(2 * want, 8), bucket="hard",
                    temperature=self.config.temperature,
                    seed=derive_seed(self.config.seed, i, "conjecture", round_),
                )
                for c in batch.conjectures:
                    if c.text not in known and c.text not in chosen and len(chosen) < n:
                        chosen[c.text] = {"text": c.text, "statement": c.statement,
                                          "logprob": c.logprob}
                        bar.update(1)
        if len(chosen) < n:
            log.info("iteration %d: %d distinct new conjectures after %d sampling rounds "
                     "(%d asked)", i, len(chosen), self.config.max_rounds, n)
        write_jsonl(iteration_dir(self.run_dir, i) / "conjectures.jsonl", chosen.values())
        state.partial.update(n_conjectures=len(chosen),
                             time_conjecture=time.perf_counter() - start)

    # -- 2. prove (and hindsight) ----------------------------------------------------------

    def _prove(self, state: LoopState) -> None:
        start = time.perf_counter()
        i, cfg = state.iteration, self.config
        folder = iteration_dir(self.run_dir, i)
        conjectures = read_jsonl(folder / "conjectures.jsonl")
        library = self._library() if cfg.library else None
        problems = [self._problem(c["statement"], "conjecture", library) for c in conjectures]
        attempts = self._prove_all(problems, i - 1, cfg.max_mcts_nodes, "prove", cfg.max_facts,
                                   f"iter {i} prove")
        verifier = ProofVerifier(problems[0].theory if problems else self.inputs.theory.text,
                                 self.inputs.derivation)
        for a in attempts:  # the kernel decides what counts
            if a.proven and not verifier.accepts(a.statement, a.proof or ""):
                a.proven, a.proof, a.log_prob, a.examples = False, None, None, []
            a.hindsight = [h for h in a.hindsight if verifier.accepts(h.statement, h.proof)]
        buckets = assign_buckets([a.log_prob if a.proven else None for a in attempts],
                                 cfg.bucket_hard, cfg.bucket_easy)
        examples: list[Example] = []
        results = []
        for c, a, bucket in zip(conjectures, attempts, buckets):
            examples.extend(a.examples)
            for h in a.hindsight:
                examples.extend(h.examples)
            examples.append(conjecture_example(c["text"], bucket))
            results.append({"statement": a.statement, "text": c["text"], "proven": a.proven,
                            "proof": a.proof, "nodes": a.nodes, "logprob": a.log_prob,
                            "bucket": bucket, "hindsight": len(a.hindsight),
                            "seconds": a.seconds})
        hindsight = [h.to_json() | {"source": a.statement} for a in attempts for h in a.hindsight]
        write_jsonl(folder / "results.jsonl", results)
        write_jsonl(folder / "hindsight.jsonl", hindsight)
        write_jsonl(folder / "examples.jsonl", (e.to_json() for e in examples))
        if library is not None:
            for a in attempts:
                if a.proven:
                    library.add(a.statement, a.proof or "", iteration=i, log_prob=a.log_prob)
            self._save_library(library)
            state.library_lemmas = len(library.lemmas)
        proven = [r["text"] for r in results if r["proven"]]
        state.proven.extend(proven)
        seconds_hindsight = sum(a.hindsight_seconds for a in attempts)
        state.partial.update(
            n_proven=len(proven),
            ratio_proven=len(proven) / len(results) if results else 0.0,
            buckets={b: buckets.count(b) for b in ("hard", "easy", "triv", "fail")},
            hindsight_examples=sum(len(h.examples) for a in attempts for h in a.hindsight),
            hindsight_theorems=len(hindsight),
            rejected_proofs=verifier.rejected,
            time_prove=time.perf_counter() - start - seconds_hindsight,
            time_hindsight=seconds_hindsight,
        )

    # -- 3. train --------------------------------------------------------------------------

    def _train(self, state: LoopState) -> None:
        start = time.perf_counter()
        i, cfg = state.iteration, self.config
        model = self._model(i - 1)
        optimizer = make_optimizer(model, cfg.train.lr)
        if i > 0:
            load_optimizer_state(checkpoint_dir(self.run_dir, i - 1), optimizer)
        examples = self._examples(i)
        goals = [self._conjecture_text(g.theorem) for g in self.inputs.goals]
        alpha = alpha_at(i, cfg.iterations, cfg.alpha, cfg.alpha_schedule, state.last_ratio,
                         cfg.alpha_threshold)
        steps = math.ceil(cfg.train.epochs * len(examples) / cfg.train.batch_size)
        logs = []
        if steps and (examples or goals):
            with self._bar(steps, f"iter {i} train", "step") as bar:
                logs = train(
                    model, examples, goals,
                    lambda k: alpha_at_step(alpha, k, cfg.alpha_warmup_steps),
                    steps, cfg.train.batch_size, derive_seed(cfg.seed, i, "train"),
                    optimizer=optimizer, lr=cfg.train.lr, sampling="epochs",
                    on_step=lambda _: bar.update(1),
                )
        self._save_checkpoint(i, model, optimizer)
        records = [{"iteration": i, "step": state.train_steps + s.step, "train_loss": s.train_loss,
                    "progress_loss": s.progress_loss, "alpha": s.alpha} for s in logs]
        state.train_lines = append_jsonl(self.run_dir / TRAIN_LOG, records,
                                         keep=state.train_lines)
        state.train_steps += len(logs)
        state.partial.update(alpha=alpha, steps=len(logs), examples=len(examples),
                             time_train=time.perf_counter() - start,
                             **_loss_summary("train_loss", [s.train_loss for s in logs]),
                             **_loss_summary("progress_loss", [s.progress_loss for s in logs]))

    def _examples(self, i: int) -> list[Example]:
        """This iteration's examples, then those of the replay window's earlier iterations
        (with the goal proofs their evaluations found, under `train_on_goals`)."""
        first = max(0, i - self.config.train.replay_iterations)
        out = []
        for j in range(i, first - 1, -1):
            folder = iteration_dir(self.run_dir, j)
            names = ["examples.jsonl"] + (["goal_examples.jsonl"] if j < i else [])
            for name in names:
                out.extend(Example.from_json(e) for e in read_jsonl(folder / name))
        return out

    # -- 4. eval ---------------------------------------------------------------------------

    def _eval(self, state: LoopState) -> None:
        start = time.perf_counter()
        i, cfg = state.iteration, self.config
        folder = iteration_dir(self.run_dir, i)
        sampled = {c["text"] for c in read_jsonl(folder / "conjectures.jsonl")}
        sets = {"goals": self.inputs.goals, "eval_set": self.inputs.eval_goals}
        model = self._model(i) if any(sets.values()) else None
        record = dict(state.partial)
        goal_examples: list[Example] = []
        library = self._library() if cfg.library and cfg.train_on_goals else None
        for key, goals in sets.items():
            rows = []
            if goals:
                problems = [self._problem(g.theorem, g.name, library) for g in goals]
                attempts = self._prove_all(problems, i, cfg.eval_budget, key, 0,
                                           f"iter {i} {key}")
                verifier = ProofVerifier(problems[0].theory, self.inputs.derivation)
                texts = [self._conjecture_text(g.theorem) for g in goals]
                logprobs = model.completion_logprobs(
                    [(conjecture_prompt("hard"), t) for t in texts])
                for g, a, text, lp in zip(goals, attempts, texts, logprobs):
                    proven = a.proven and verifier.accepts(a.statement, a.proof or "")
                    rows.append({"name": g.name, "theorem": g.theorem, "proven": proven,
                                 "nodes": a.nodes if proven else None, "logprob": lp,
                                 "sampled": text in sampled, "proof": a.proof if proven else None})
                    if proven and key == "goals" and cfg.train_on_goals:
                        goal_examples.extend(a.examples)
                        if library is not None:
                            library.add(a.statement, a.proof or "", iteration=i,
                                        log_prob=a.log_prob, source="goal")
            record[key] = rows
            record[f"{key}_proven"] = sum(r["proven"] for r in rows)
        write_jsonl(folder / "goal_examples.jsonl", (e.to_json() for e in goal_examples))
        if library is not None:
            self._save_library(library)
            state.library_lemmas = len(library.lemmas)
        record.update(iteration=i, time_eval=time.perf_counter() - start)
        record["eval_proven"] = record.pop("eval_set_proven")
        state.metrics_lines = append_jsonl(self.run_dir / METRICS, [_ordered(record)],
                                           keep=state.metrics_lines)
        state.last_ratio = record.get("ratio_proven", 0.0)

    # -- helpers ---------------------------------------------------------------------------

    def _problem(self, statement: str, name: str, library: Library | None) -> Problem:
        if library is not None:
            return library.problem(statement, name=name, limit=self.config.library_premises)
        theory = self.inputs.theory
        return Problem(theory.text, theory.premises, statement, name=name)

    def _prove_all(self, problems: list[Problem], weights: int, budget: int, phase: str,
                   max_facts: int, desc: str) -> list[Attempt]:
        if not problems:
            return []
        seed = derive_seed(self.config.seed, weights + 1, phase)
        with self._bar(len(problems) * budget, desc, "node") as bar:
            def on_step(expansions: int, finished: int) -> None:
                bar.update(max(0, expansions - bar.n))

            return self.executor.prove_all(problems, checkpoint_dir(self.run_dir, weights),
                                           budget, seed, max_facts=max_facts, on_step=on_step)

    def _model(self, i: int) -> LanguageModel:
        """The weights after iteration i's training (the initial ones for i = -1)."""
        return load_checkpoint(checkpoint_dir(self.run_dir, i), device=self.device)

    def _save_checkpoint(self, i: int, model: LanguageModel, optimizer) -> None:
        final = checkpoint_dir(self.run_dir, i)
        tmp = final.with_name(f".{final.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        save_checkpoint(tmp, model, optimizer)
        write_json(tmp / "loop.json", {"iteration": i, "config": self.config.to_json()})
        shutil.rmtree(final, ignore_errors=True)  # a copy left by a crash after the rename
        tmp.rename(final)

    def _library(self, keep: int | None = None) -> Library:
        """The lemma library as saved (its first `keep` lemmas: those of the saved state)."""
        from .library import Library

        theory = self.inputs.theory
        path = self.run_dir / LIBRARY_STATE
        if not path.exists():
            return Library(theory.text, theory.premises, theory.file)
        data = read_json(path)
        if keep is not None:
            data["lemmas"] = data["lemmas"][:keep]
        return Library.from_json(data, theory.text, theory.premises, theory.file)

    def _save_library(self, library: Library) -> None:
        """`library.json` (lemmas with their metadata: what a resume reads) and `library.p`
        (the same lemmas as a Peano file, for `telos check library.p --theory THEORY`)."""
        write_json(self.run_dir / LIBRARY_STATE, library.to_json())
        library.save(self.run_dir / LIBRARY)

    def _conjecture_text(self, statement: str) -> str:
        from telos.peano import check_statement, normal_form

        d = self.inputs.derivation
        return str(normal_form(d, check_statement(d, statement)))

    def _metrics(self) -> list[dict]:
        return read_jsonl(self.run_dir / METRICS)

    def _bar(self, total: int, desc: str, unit: str):
        return tqdm(total=total, desc=desc, unit=unit, disable=not self.progress, leave=False,
                    dynamic_ncols=True)


def new_run(run_dir: Path, config: LoopConfig, composed: dict, provenance: dict,
            device: str, seed_model: int) -> None:
    """Start a run directory: its config, provenance, initial weights and state."""
    import yaml

    from .records import write_text

    run_dir.mkdir(parents=True, exist_ok=True)
    write_text(run_dir / "config.yaml", yaml.safe_dump(composed, sort_keys=False))
    write_json(run_dir / "run.json", {"config": config.to_json(), "provenance": provenance})
    torch.manual_seed(seed_model)
    model = LanguageModel(model_config(model_size(config, device)), device=device,
                          seed=seed_model)
    save_checkpoint(checkpoint_dir(run_dir, None), model)
    save_state(run_dir, LoopState())


def model_size(config: LoopConfig, device: str) -> str:
    if config.model_size != "auto":
        return config.model_size
    return "paper" if device.startswith("cuda") else "tiny"


def saved_config(run_dir: Path) -> LoopConfig:
    return LoopConfig.from_json(read_json(run_dir / "run.json")["config"])


_PHASES = ("conjecture", "prove", "train", "eval")


def _after(done: str, phase: str) -> bool:
    return _PHASES.index(phase) <= _PHASES.index(done)


def _loss_summary(name: str, values: list[float]) -> dict:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return {name: None, f"{name}_first": None, f"{name}_last": None}
    return {name: sum(finite) / len(finite), f"{name}_first": finite[0],
            f"{name}_last": finite[-1]}


_ORDER = ("iteration", "alpha", "train_loss", "progress_loss", "n_conjectures", "n_proven",
          "ratio_proven", "buckets", "hindsight_examples", "examples", "goals_proven", "goals")


def _ordered(record: dict) -> dict:
    return {k: record[k] for k in _ORDER if k in record} | {
        k: v for k, v in record.items() if k not in _ORDER}


def _summary(i: int, m: dict) -> str:
    def loss(x):
        return "-" if x is None else f"{x:.3f}"

    goals = m.get("goals") or []
    parts = [
        f"iter {i}: proven {m.get('n_proven', 0)}/{m.get('n_conjectures', 0)}",
        f"hindsight {m.get('hindsight_examples', 0)}",
        f"train_loss {loss(m.get('train_loss'))}",
        f"progress_loss {loss(m.get('progress_loss'))}",
        f"alpha {m.get('alpha', 0):.3g}",
    ]
    if goals:
        parts.append(f"goals {m.get('goals_proven', 0)}/{len(goals)}")
    times = "/".join(f"{m.get('time_' + p, 0):.0f}" for p in
                     ("conjecture", "prove", "hindsight", "train", "eval"))
    parts.append(f"s conj/prove/hind/train/eval {times}")
    return " | ".join(parts)
