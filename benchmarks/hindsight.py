"""Hindsight relabeling (`telos.learn.hindsight.relabel`): how long it takes and what it finds.

Runs `--trees` uniform-MCTS searches (default 20, budget 200, goals of `--theory` from
`benchmarks/problems.json` in turn, search k with seed k), then relabels every tree and prints:

- the time to relabel all the trees (the searches are not counted), per tree, and how many
  theorems they gave (from solved and unsolved trees);
- the share of that time spent in the kernel's re-check of each proof (`check_text` with the
  theory as prelude, one call per proof);
- for comparison, the cost per proof of the alternatives that avoid re-checking the theory:
  one growing `CheckedContext` (whose accepted statements then join the context of the next
  proof), and a `copy.deepcopy` of a context loaded with the theory (one per proof).

The original system took 33 s to relabel 20 such trees; the aim here is well under 5 s.

    python benchmarks/hindsight.py [--trees 20] [--budget 200] [--theory nat-add] [--seed 0]
                                   [--profile]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import pstats
import random
import time
from pathlib import Path

import torch

import telos.learn.hindsight as hindsight
from telos.peano import CheckedContext, check_text, parse_file
from telos.search import Problem, UniformPolicy, prove_many
from telos.theories import load_theory

PROBLEMS = Path(__file__).resolve().parent / "problems.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, default=20)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--theory", default="nat-add")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    torch.set_num_threads(1)

    theory = load_theory(args.theory)
    goals = [p for p in json.loads(PROBLEMS.read_text())["problems"] if p["theory"] == args.theory]
    problems = [
        Problem(theory.text, theory.premises, goals[k % len(goals)]["goal"], f"g{k}")
        for k in range(args.trees)
    ]
    start = time.perf_counter()
    results = prove_many(problems, UniformPolicy(), "mcts", args.budget,
                         seeds=list(range(args.trees)))
    searched = time.perf_counter() - start
    solved = sum(r.success for r in results)
    print(f"{args.trees} uniform-MCTS searches, budget {args.budget}, {args.theory}: "
          f"{searched:.1f} s, {solved} solved")

    # Time the kernel's re-check inside relabel by wrapping the module's reference to it.
    checking = [0.0, 0]

    def timed_check(*a, **k):
        t = time.perf_counter()
        try:
            return check_text(*a, **k)
        finally:
            checking[0] += time.perf_counter() - t
            checking[1] += 1

    hindsight.check_text = timed_check  # type: ignore[assignment]
    profiler = cProfile.Profile() if args.profile else None
    found = []
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    for k, r in enumerate(results):
        assert r.search_tree is not None
        found.append(hindsight.relabel(r.search_tree, theory.text, theory.premises,
                                       rng=random.Random(args.seed + k)))
    if profiler is not None:
        profiler.disable()
    elapsed = time.perf_counter() - start
    hindsight.check_text = check_text  # type: ignore[assignment]

    theorems = sum(len(f) for f in found)
    from_unsolved = sum(len(f) for f, r in zip(found, results) if not r.success)
    print(f"relabel: {elapsed:.2f} s for {args.trees} trees ({elapsed / args.trees * 1000:.0f} ms "
          f"per tree), {theorems} theorems ({from_unsolved} from unsolved trees)")
    print(f"  kernel re-check: {checking[0]:.2f} s ({checking[0] / elapsed:.0%}) in "
          f"{checking[1]} check_text calls, {checking[0] / max(checking[1], 1) * 1000:.2f} ms each")

    # The alternatives: one growing CheckedContext, or a deep copy of a loaded one per proof.
    proofs = [rel.proof.replace(" hindsight_", f" t{k}_", 1)
              for k, rel in enumerate(x for f in found for x in f)]
    context = CheckedContext()
    context.check([(item, None) for item in parse_file(theory.text)])
    start = time.perf_counter()
    for text in proofs:
        assert context.check([(item, None) for item in parse_file(text)])[0].ok
    growing = (time.perf_counter() - start) / max(len(proofs), 1)
    loaded = CheckedContext()
    loaded.check([(item, None) for item in parse_file(theory.text)])
    start = time.perf_counter()
    for _ in range(20):
        copy.deepcopy(loaded)
    copied = (time.perf_counter() - start) / 20
    print(f"  alternatives per proof: growing CheckedContext {growing * 1000:.2f} ms; "
          f"deepcopy of a loaded context {copied * 1000:.2f} ms (before any check)")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
