"""Differential benchmark of the kernel's named-term operations against a de Bruijn reference.

Runs N seeded random cases, spread evenly over the operations (free parameters, substitution,
α-equivalence, matching, unification for backward steps, β-reduction, hindsight rebinding),
each comparing the kernel with the naive reference of `tests/reference_terms.py` on terms
rich in shadowing (`tests/term_generator.py`). Prints the cases run and the differences found
per operation, the first differences of each, and the wall time. Exit status 1 if any
operation differs.

    python benchmarks/differential.py [--n 200000] [--seed 0] [--show 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from term_generator import CHECKS, run_cases  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="random cases in all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=3, help="differences shown per operation")
    args = parser.parse_args(argv)

    report = run_cases(args.n, seed=args.seed, keep=args.show)
    width = max(len(op) for op in CHECKS)
    print(f"{'operation':<{width}}  {'cases':>9}  {'differences':>11}")
    for op in CHECKS:
        print(f"{op:<{width}}  {report.cases[op]:>9,}  {report.differences[op]:>11,}")
    total_cases, total_diff = sum(report.cases.values()), sum(report.differences.values())
    print(f"{'total':<{width}}  {total_cases:>9,}  {total_diff:>11,}")
    for op, shown in report.examples.items():
        print(f"\nfirst differences in {op}:")
        for line in shown:
            print(f"  {line}")
    rate = total_cases / report.seconds if report.seconds else 0.0
    print(f"\n{report.seconds:.1f} s ({rate:,.0f} cases/s), seed {args.seed}")
    return 1 if total_diff else 0


if __name__ == "__main__":
    sys.exit(main())
