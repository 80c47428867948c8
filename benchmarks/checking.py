"""Proof checking: what it costs and what it refuses.

Prints
- the trusted core's size (lines of code, as `tests/core_size.py` counts them);
- every file of `../shared/peano/attacks/`: its verdicts through `telos check` and the time;
- a file of N copies of `theorem tK : (= z z) { show (= z z) by eq_refl. }` checked whole,
  for growing N (the time should grow about linearly);
- the incremental API: the cost of checking one new block against a context that already
  holds a theory and 0, 100 or 1,000 checked lemmas (nothing earlier is checked again).

    python benchmarks/checking.py [--copies 100,200,400,800,1600] [--lemmas 0,100,1000]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from core_size import LIMIT, trusted_counts  # noqa: E402

from telos.cli import main as telos_main  # noqa: E402
from telos.peano import check_text, load_items  # noqa: E402
from telos.peano.checker import CheckedContext  # noqa: E402
from telos.theories import load_theory  # noqa: E402

ATTACKS = ROOT.parent / "shared" / "peano" / "attacks"
NEW_BLOCK = """theorem new{k} : [('a : nat) -> (= (+ 'a (s z)) (s 'a))] {{
    intro a : nat.
    show (= (+ a (s z)) (s (+ a z))) by +_s.
    show (= (+ a z) a) by +_z.
    show (= (+ a (s z)) (s a)) by rewrite.
}}"""


def theory_of(attack: Path) -> str:
    if "prop" in attack.name:
        return "propositional-logic"
    return "groups" if "groups" in attack.name else "nat-add"


def attacks() -> None:
    print("attack files (telos check FILE --theory T):")
    for path in sorted(ATTACKS.glob("*.p")):
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(err):
            status = telos_main(["check", str(path), "--theory", theory_of(path)])
        seconds = time.perf_counter() - start
        lines = (out.getvalue() + err.getvalue()).strip().splitlines()
        verdicts = ", ".join(line.split(": ")[0] + (" ok" if line.endswith(": ok") else " fails")
                             for line in lines if ": " in line)
        print(f"  {path.name:42s} exit {status}  {seconds * 1000:7.1f} ms  {verdicts[:70]}")


def copies(counts: list[int]) -> None:
    theory = load_theory("nat-add").text
    print("N copies of `theorem tK : (= z z) { show (= z z) by eq_refl. }`:")
    for n in counts:
        text = "\n".join(f"theorem t{k} : (= z z) {{ show (= z z) by eq_refl. }}" for k in range(n))
        start = time.perf_counter()
        results = check_text(text, prelude=theory)
        seconds = time.perf_counter() - start
        assert all(r.ok for r in results)
        print(f"  N = {n:5d}: {seconds:6.2f} s  ({seconds / n * 1000:.2f} ms per block)")


def incremental(sizes: list[int], repeats: int = 20) -> None:
    theory = load_theory("nat-add")
    print("one new block against a loaded context (CheckedContext.check):")
    for size in sizes:
        context = CheckedContext()
        context.check(load_items(theory.text, str(theory.path)))
        for k in range(size):  # distinct true lemmas: (+ (s^k z) z) = (s^k z)
            term = "z"
            for _ in range(k % 40):
                term = f"(s {term})"
            statement = f"(= (+ {term} z) {term})"
            lemma = f"theorem l{k} : {statement} {{ show {statement} by +_z. }}"
            assert context.check(load_items(lemma))[0].ok
        times = []
        for k in range(repeats):
            start = time.perf_counter()
            result = context.check(load_items(NEW_BLOCK.format(k=k)))
            times.append(time.perf_counter() - start)
            assert result[0].ok, result
        print(f"  {size:5d} lemmas loaded: {statistics.median(times) * 1000:7.2f} ms per block "
              f"(median of {repeats})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", default="100,200,400,800,1600")
    parser.add_argument("--lemmas", default="0,100,1000")
    args = parser.parse_args()
    counts = trusted_counts()
    print(f"trusted core: {sum(counts.values())} lines of code (limit {LIMIT})")
    if ATTACKS.is_dir():
        attacks()
    copies([int(n) for n in args.copies.split(",")])
    incremental([int(n) for n in args.lemmas.split(",")])


if __name__ == "__main__":
    main()
