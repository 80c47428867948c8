"""Kernel throughput, like-for-like with the reference (golden README, "Reference throughput").

Seeded random walks of at most 6 steps from `[('a0 : nat) -> (= (+ z 'a0) 'a0)]` with the
nat-add premises; the root state is built once, reused and not timed. A *call* is one
`actions()` or one `execute()`. Like the reference, every call does its work: the per-state
action cache is off and every execution creates new child states.

- plain walk: `actions()`, pick one uniformly, execute it, pick a child uniformly; stop at a
  state with no actions or an action with no child.
- eager walk: `actions()`, try the actions in random order, execute each and call `actions()`
  on every child until one has a live child (a child with at least one action); go on from
  that child. Every call counts.

Also printed: the same walks with the action cache on, the time to build a proof state (from
the theory text, and from a loaded theory), and the time to check `examples/`.

    python benchmarks/kernel.py [--walks 3000] [--seed 0] [--profile]
    python benchmarks/kernel.py --against OTHER/src [--rounds 5]   # side by side

With `--against`, this script runs itself alternately on this tree's kernel and on the one
under OTHER/src (e.g. a `git worktree` of an earlier commit), one seed per round, and prints
each round's eager calls/s and the median ratio: the like-for-like comparison on a noisy
machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from telos.peano import check_path, load_theory_text, new_proof_state
from telos.theories import load_theory

ROOT_GOAL = "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"
MAX_STEPS = 6


def plain_walks(root, walks: int, rng: random.Random) -> tuple[int, int]:
    calls = steps = 0
    for _ in range(walks):
        state = root
        for _ in range(MAX_STEPS):
            actions = state.actions()
            calls += 1
            if not actions:
                break
            children = state.execute(rng.choice(actions))
            calls += 1
            steps += 1
            if not children:
                break
            state = rng.choice(children)
    return calls, steps


def eager_walks(root, walks: int, rng: random.Random) -> tuple[int, int]:
    calls = steps = 0
    for _ in range(walks):
        state = root
        for _ in range(MAX_STEPS):
            actions = list(state.actions())
            calls += 1
            rng.shuffle(actions)
            nxt = None
            for action in actions:
                children = state.execute(action)
                calls += 1
                live = []
                for child in children:
                    calls += 1
                    if child.actions():
                        live.append(child)
                if live:
                    nxt = rng.choice(live)
                    break
            if nxt is None:
                break
            state = nxt
            steps += 1
    return calls, steps


def timed(fn, *args) -> tuple[float, tuple[int, int]]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="print the eager walk's profile")
    parser.add_argument("--against", metavar="SRC", help="another kernel's src/ to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.against:
        side_by_side(args.against, args.rounds, args.walks)
        return

    theory = load_theory("nat-add")
    loaded = load_theory_text(theory.text)
    print(f"walks: {args.walks} from {ROOT_GOAL} (nat-add), at most {MAX_STEPS} steps, "
          f"seed {args.seed}")
    for cache in (False, True):
        label = "action cache on " if cache else "action cache off"
        root = new_proof_state(loaded, theory.premises, ROOT_GOAL, cache_actions=cache)
        for name, walk in (("plain", plain_walks), ("eager", eager_walks)):
            seconds, (calls, steps) = timed(walk, root, args.walks, random.Random(args.seed))
            print(
                f"{label}  {name:5s}: {calls / seconds:10,.0f} calls/s  {steps / seconds:9,.0f} "
                f"steps/s  ({calls:,} calls, {steps:,} steps, {steps / args.walks:.2f} "
                f"steps/walk, {seconds:.2f} s)"
            )

    n = 200
    start = time.perf_counter()
    for _ in range(n):
        new_proof_state(theory.text, theory.premises, ROOT_GOAL)
    from_text = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for _ in range(n * 10):
        new_proof_state(loaded, theory.premises, ROOT_GOAL)
    from_loaded = (time.perf_counter() - start) / (n * 10)
    print(f"build a proof state: {from_text * 1e6:,.0f} µs from the theory text, "
          f"{from_loaded * 1e6:,.0f} µs from a loaded theory")

    examples = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.p"))
    if examples:
        start = time.perf_counter()
        blocks = ok = 0
        for path in examples:
            name = path.stem
            results = check_path(path, prelude=load_theory(name).text)
            blocks += len(results)
            ok += sum(r.ok for r in results)
        seconds = time.perf_counter() - start
        print(f"check examples/: {seconds * 1e3:,.0f} ms for {len(examples)} files, "
              f"{blocks} blocks ({ok} ok)")

    if args.profile:
        root = new_proof_state(loaded, theory.premises, ROOT_GOAL, cache_actions=False)
        profiler = cProfile.Profile()
        profiler.enable()
        eager_walks(root, max(args.walks // 3, 1), random.Random(args.seed))
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


def side_by_side(other_src: str, rounds: int, walks: int) -> None:
    here = str(Path(__file__).resolve().parents[1] / "src")
    eager = re.compile(r"action cache off  eager:\s+([\d,]+) calls/s")
    rates: dict[str, list[float]] = {"this": [], "other": []}
    for seed in range(rounds):
        for label, src in (("other", other_src), ("this", here)):
            env = {**os.environ, "PYTHONPATH": src}
            command = [sys.executable, __file__, "--walks", str(walks), "--seed", str(seed)]
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            rate = float(eager.search(out.stdout).group(1).replace(",", ""))  # type: ignore[union-attr]
            rates[label].append(rate)
            print(f"round {seed}  {label:5s}: {rate:10,.0f} eager calls/s")
    ratios = [a / b for a, b in zip(rates["this"], rates["other"])]
    print(f"median eager calls/s: this {statistics.median(rates['this']):,.0f}, other "
          f"{statistics.median(rates['other']):,.0f}; ratio this/other per round "
          f"{', '.join(f'{r:.2f}' for r in ratios)}, median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
