"""Soundness of the proof checker against finite models, at scale.

Generates mutants of valid proofs (golden `*-valid.p` lemmas and the rendered golden
`proofs.jsonl` solutions; operators in `tests/mutants.py`), checks each with the kernel and,
for every mutant it accepts, asks the oracle of `tests/models.py` whether the statement and
every fact the proof establishes hold in the finite models of the theory. Then runs seeded
random walks through proof states from every golden root goal and judges every object the
search creates the same way.

Prints: mutants generated, accepted, rejected, uninterpretable and accepted-but-false (which
must be 0; the first offending texts are printed), per theory and per mutation operator;
the walk facts checked and any false ones; the wall time. Exit status 1 if anything false was
accepted or the kernel crashed.

    python benchmarks/soundness.py [--mutants 10000] [--walks 2000] [--seed 0] [--show 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from models import THEORIES, Uninterpretable, counterexample  # noqa: E402
from mutants import (  # noqa: E402
    OPERATORS,
    check_mutant,
    facts_of_walk,
    mutants,
    random_walk,
    walk_roots,
)

ACCEPTED = ("true", "uninterpretable", "false")
COLUMNS = ("generated", "accepted", "rejected", "uninterpretable", "false", "crash")


def tally(counts: Counter) -> dict[str, int]:
    return {
        "generated": sum(counts.values()),
        "accepted": sum(counts[s] for s in ACCEPTED),
        "rejected": counts["rejected"] + counts["unparsable"],
        "uninterpretable": counts["uninterpretable"],
        "false": counts["false"],
        "crash": counts["crash"],
    }


def table(title: str, rows: dict[str, Counter]) -> None:
    width = max([len(title)] + [len(k) for k in rows])
    print(f"\n{title:<{width}}  " + "  ".join(f"{c:>15}" for c in COLUMNS))
    for key, counts in rows.items():
        t = tally(counts)
        print(f"{key:<{width}}  " + "  ".join(f"{t[c]:>15}" for c in COLUMNS))


def run_mutants(count: int, seed: int, show: int) -> tuple[int, int]:
    by_theory: dict[str, Counter] = {t: Counter() for t in THEORIES}
    by_operator: dict[str, Counter] = {name: Counter() for name in OPERATORS}
    reasons: Counter = Counter()
    offenders = []
    uninterpretable = []
    for m in tqdm(mutants(count, seed), total=count, desc="mutants", file=sys.stderr):
        outcome = check_mutant(m)
        by_theory[m.theory][outcome.status] += 1
        for name in set(m.operators):
            by_operator[name][outcome.status] += 1
        if outcome.status == "uninterpretable":
            reasons[_reason(outcome.message)] += 1
            uninterpretable.append(outcome)
        if outcome.status in ("false", "crash"):
            offenders.append(outcome)
    total: Counter = sum(by_theory.values(), Counter())
    t = tally(total)
    print(f"mutants generated:       {t['generated']}")
    print(f"accepted:                {t['accepted']}")
    print(f"  true in every model:   {total['true']}")
    print(f"  uninterpretable:       {t['uninterpretable']}")
    print(f"  accepted-but-false:    {t['false']}")
    print(f"rejected:                {t['rejected']} ({total['unparsable']} unparsable)")
    print(f"kernel crashes:          {t['crash']}")
    table("theory", by_theory)
    table("operator (a mutant counts for each of its operators)", by_operator)
    if reasons:
        print("\nwhy accepted mutants were uninterpretable:")
        for reason, n in reasons.most_common(8):
            print(f"  {n:>6}  {reason}")
    for outcome in offenders[:show]:
        print("\n" + "=" * 80)
        print(outcome.report())
    if uninterpretable:
        print(f"\nfirst accepted mutants the models cannot judge (of {len(uninterpretable)}):")
    for outcome in uninterpretable[:show]:
        print("-" * 80)
        print(outcome.report())
    return t["false"], t["crash"]


def _reason(message: str) -> str:
    first = message.split(";")[0]
    for prefix in ("unknown name", "higher-order binder", "quantification over types"):
        if first.startswith(prefix):
            return prefix
    return first[:90]


def run_walks(count: int, seed: int, max_steps: int, show: int) -> int:
    roots = walk_roots(variants=2)
    counts: Counter = Counter()
    per_theory: dict[str, Counter] = defaultdict(Counter)
    offenders = []
    for i in tqdm(range(count), desc="walks", file=sys.stderr):
        theory, premises, goal = roots[i % len(roots)]
        walk = random_walk(theory, premises, goal, random.Random(seed * 1_000_003 + i), max_steps)
        counts["states"] += len(walk.states)
        counts["closed"] += len(walk.closed)
        counts["splits"] += len(walk.splits)
        counts["errors"] += len(walk.errors)
        seen = set()
        for fact in facts_of_walk(walk):
            key = (fact.term, fact.context)
            if key in seen:
                continue
            seen.add(key)
            try:
                cex = counterexample(fact.term, fact.context, theory)
            except Uninterpretable:
                verdict = "uninterpretable"
            else:
                verdict = "true" if cex is None else "false"
            counts[verdict] += 1
            per_theory[theory][verdict] += 1
            if verdict == "false":
                offenders.append((walk, fact, cex))
    golden = len(walk_roots())
    print(
        f"\nrandom walks:            {count} (at most {max_steps} steps, from {golden} golden "
        f"goals and {len(roots) - golden} altered ones)"
    )
    print(f"states visited:          {counts['states']}")
    print(f"goals closed / split:    {counts['closed']} / {counts['splits']}")
    print(f"offered actions failing: {counts['errors']}")
    print(f"walk facts checked:      {counts['true'] + counts['false']}")
    print(f"  false:                 {counts['false']}")
    print(f"  uninterpretable:       {counts['uninterpretable']}")
    for theory in THEORIES:
        c = per_theory[theory]
        print(
            f"  {theory:<22} true {c['true']:>7}  false {c['false']:>4}  "
            f"uninterpretable {c['uninterpretable']:>5}"
        )
    for walk, fact, cex in offenders[:show]:
        print("\n" + "=" * 80)
        print(f"{walk.theory}: walk from {walk.goal}: {fact.origin} is false {cex}")
        print(f"  context: {fact.context}")
    return counts["false"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=int, default=10_000, help="mutants to generate")
    parser.add_argument("--walks", type=int, default=2_000, help="random walks to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=8, help="steps per walk")
    parser.add_argument("--show", type=int, default=3, help="offending texts to print")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    false_mutants, crashes = run_mutants(args.mutants, args.seed, args.show)
    mutants_time = time.perf_counter() - start
    false_walks = run_walks(args.walks, args.seed, args.max_steps, args.show)
    wall = time.perf_counter() - start
    walks_time = wall - mutants_time
    print(f"\nwall time: {wall:.1f} s (mutants {mutants_time:.1f} s, walks {walks_time:.1f} s)")
    return 1 if false_mutants or false_walks or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
