"""Re-measure the packaged goal sets: is every `-easy` goal easy and every `-hard` goal hard?

The record of how the `"measured"` field of each `src/telos/theories/goals/*.json` was obtained.
Every goal of a set is searched with uniform MCTS (`telos.search.prove` with `UniformPolicy`,
strategy `mcts`) once per seed, at the set's budget:

- `*-easy`: budget 1,000; each goal must be proven with every seed;
- `*-hard`: budget 5,000; no goal may be proven with any seed (every goal is nevertheless true:
  tests/test_goal_sets.py finds a checked proof of each in examples/);
- `nat-add-hard`: the addition world of the Natural Number Game, chosen for what it states, not
  for being out of reach (its first goal, zero_add, is nat-add-easy): measured at 5,000 and
  reported, nothing required.

It prints one row per goal and seed (set, goal, seed, budget, solved, nodes, seconds) and exits
with status 1 when some set does not have its property. `--write` stores the results in each
file's `"measured"` record (the goals and other fields stay as they are).

    python benchmarks/goal_sets.py [SET ...] [--seeds 0,1] [--write]

Single-threaded (torch, if present, is told to use one thread); about ten minutes on one core.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from telos.peano import load_theory_text
from telos.search import Problem, UniformPolicy, prove
from telos.theories import GOAL_SET_NAMES, load_goal_set, load_theory

ROOT = Path(__file__).resolve().parents[1]
STRATEGY = "mcts"
EASY_BUDGET = 1000
HARD_BUDGET = 5000


@dataclass(frozen=True)
class Rule:
    """How a set is measured: the budget, and what every search must end in (None: nothing)."""

    budget: int
    expect_solved: bool | None

    def describe(self) -> str:
        if self.expect_solved is None:
            return "reported only: no requirement"
        verdict = "proven" if self.expect_solved else "not proven"
        return f"every goal {verdict} by uniform MCTS at {self.budget} expansions, every seed"


def rule_for(set_name: str) -> Rule:
    if set_name == "nat-add-hard":
        return Rule(HARD_BUDGET, None)
    if set_name.endswith("-easy"):
        return Rule(EASY_BUDGET, True)
    return Rule(HARD_BUDGET, False)


@dataclass(frozen=True)
class Row:
    goal: str
    seed: int
    budget: int
    solved: bool
    nodes: int
    seconds: float


def measure(set_name: str, seeds: list[int]) -> list[Row]:
    goal_set = load_goal_set(set_name)
    assert goal_set.theory is not None, f"{set_name} names no theory"
    theory = load_theory(goal_set.theory)
    load_goal_set(set_name, load_theory_text(theory.text))  # every goal well-formed
    budget = rule_for(set_name).budget
    rows = []
    for goal in goal_set.goals:
        problem = Problem(theory.text, theory.premises, goal.theorem, goal.name)
        for seed in seeds:
            started = time.perf_counter()
            result = prove(problem, UniformPolicy(), STRATEGY, budget=budget, seed=seed)
            seconds = time.perf_counter() - started
            rows.append(Row(goal.name, seed, budget, result.success, result.expansions, seconds))
            print(
                f"{set_name:<26} {goal.name:<24} {seed:>4} {budget:>6} "
                f"{'yes' if result.success else 'no':>6} {result.expansions:>6} {seconds:>8.1f}",
                flush=True,
            )
    return rows


def has_property(set_name: str, rows: list[Row]) -> bool:
    expected = rule_for(set_name).expect_solved
    return expected is None or all(row.solved == expected for row in rows)


def commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def write_record(set_name: str, seeds: list[int], rows: list[Row]) -> None:
    """Replace the `measured` record of the packaged file (key order and goals kept)."""
    path = load_goal_set(set_name).path
    data = json.loads(path.read_text(encoding="utf-8"))
    rule = rule_for(set_name)
    data["measured"] = {
        "by": "python benchmarks/goal_sets.py --write",
        "date": datetime.date.today().isoformat(),
        "commit": commit(),
        "policy": "UniformPolicy",
        "strategy": STRATEGY,
        "budget": rule.budget,
        "seeds": seeds,
        "property": rule.describe(),
        "holds": has_property(set_name, rows),
        "results": [
            {"goal": row.goal, "seed": row.seed, "solved": row.solved, "nodes": row.nodes}
            for row in rows
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=list(GOAL_SET_NAMES), metavar="SET")
    parser.add_argument("--seeds", default="0,1", help="comma-separated search seeds")
    parser.add_argument("--write", action="store_true", help="store results in the files")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sets if name not in GOAL_SET_NAMES]
    if unknown:
        parser.error(f"unknown goal sets {unknown} (known: {', '.join(GOAL_SET_NAMES)})")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass

    print(f"{'set':<26} {'goal':<24} {'seed':>4} {'budget':>6} {'solved':>6} {'nodes':>6} "
          f"{'seconds':>8}")
    failed = []
    for set_name in args.sets:
        rows = measure(set_name, seeds)
        if not has_property(set_name, rows):
            failed.append(set_name)
        if args.write:
            write_record(set_name, seeds, rows)
    for set_name in args.sets:
        verdict = "FAILS" if set_name in failed else "holds"
        print(f"{set_name}: {rule_for(set_name).describe()}: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
