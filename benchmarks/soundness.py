"""Soundness of the proof checker against finite models, at scale.

Generates mutants of valid proofs (golden `*-valid.p` lemmas, the rendered golden
`proofs.jsonl` solutions and the seeds of `tests/mutation_binders.py`, rich in shadowing
binders and definitions with lambdas; operators in `tests/mutants.py` and
`tests/mutation_binders.py`), checks each with the kernel and, for every mutant it accepts, asks
the oracle of `tests/models.py` whether the statement, every fact the proof establishes and
every definition it uses hold in the finite models of the theory (definitions and lambdas read
by the oracle's own β-reduction). Then runs seeded random walks through proof states from every
golden root goal, altered goals and goals whose binders shadow one another, and judges every
object the search creates the same way.

Prints: mutants generated, how many involve shadowing binders or definitions with lambdas,
accepted, rejected, uninterpretable and accepted-but-false (both must be 0; the first offending
texts are printed), per theory and per mutation operator; the walk facts checked and any false
ones; the wall time. Exit status 1 if anything false or uninterpretable was accepted, the kernel
crashed, or fewer than a fifth of the mutants involve shadowing or definitions with lambdas.

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
from mutants import OPERATORS, check_mutant, mutants  # noqa: E402
from walks import facts_of_walk, random_walk, walk_roots  # noqa: E402

ACCEPTED = ("true", "uninterpretable", "false")
COLUMNS = ("generated", "involving", "accepted", "rejected", "uninterpretable", "false", "crash")
INVOLVING = "involving"  # a pseudo-status: the mutant has shadowing or lambda definitions


def tally(counts: Counter) -> dict[str, int]:
    return {
        "generated": sum(counts[s] for s in counts if s != INVOLVING),
        "involving": counts[INVOLVING],
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


def run_mutants(count: int, seed: int, show: int) -> tuple[int, int, int, bool]:
    by_theory: dict[str, Counter] = {t: Counter() for t in THEORIES}
    by_operator: dict[str, Counter] = {name: Counter() for name in OPERATORS}
    involved: Counter = Counter()
    reasons: Counter = Counter()
    offenders = []
    uninterpretable = []
    for m in tqdm(mutants(count, seed), total=count, desc="mutants", file=sys.stderr):
        outcome = check_mutant(m)
        kinds = m.involves
        statuses = [outcome.status] + ([INVOLVING] if kinds else [])
        for status in statuses:
            by_theory[m.theory][status] += 1
            for name in set(m.operators):
                by_operator[name][status] += 1
        for kind in kinds:
            involved[kind] += 1
            involved[f"{kind}, accepted"] += outcome.status in ACCEPTED
        if outcome.status == "uninterpretable":
            reasons[_reason(outcome.message)] += 1
            uninterpretable.append(outcome)
        if outcome.status in ("false", "crash"):
            offenders.append(outcome)
    total: Counter = sum(by_theory.values(), Counter())
    t = tally(total)
    print(f"mutants generated:       {t['generated']}")
    print(f"  involving shadowing binders or definitions with lambdas: {t['involving']}")
    for kind in ("shadowing", "lambda definition"):
        accepted = involved[kind + ", accepted"]
        print(f"    {kind + ':':<20} {involved[kind]:>6} ({accepted} accepted)")
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
    enough = t["involving"] * 5 >= t["generated"]
    return t["false"], t["uninterpretable"], t["crash"], enough


def _reason(message: str) -> str:
    first = message.split(";")[0]
    for prefix in ("unknown name", "higher-order binder", "quantification over types"):
        if first.startswith(prefix):
            return prefix
    return first[:90]


def run_walks(count: int, seed: int, max_steps: int, show: int) -> int:
    roots = walk_roots(variants=2, shadowing=2)
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
        f"goals and {len(roots) - golden} altered ones or with shadowing binders)"
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
    outcome = run_mutants(args.mutants, args.seed, args.show)
    false_mutants, uninterpretable, crashes, enough = outcome
    mutants_time = time.perf_counter() - start
    false_walks = run_walks(args.walks, args.seed, args.max_steps, args.show)
    wall = time.perf_counter() - start
    walks_time = wall - mutants_time
    print(f"\nwall time: {wall:.1f} s (mutants {mutants_time:.1f} s, walks {walks_time:.1f} s)")
    if not enough:
        print("fewer than a fifth of the mutants involve shadowing or definitions with lambdas")
    bad = false_mutants or uninterpretable or crashes or false_walks or not enough
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
