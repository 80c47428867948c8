"""Conjecture sampler throughput and quality from an untrained model.

For each theory, `--n` conjectures (default 1,000) are sampled from an untrained `tiny`
model (seed 0) with the sampler's defaults (temperature 1, 256 characters, depth 5, 6
binders). Printed per theory:

- validity: the fraction of distinct finished samples whose statement passes the kernel's
  strict `check_statement` (recomputed here; samples the sampler's re-check rejected count as
  invalid);
- distinct: distinct conjectures / finished samples;
- discarded: samples that hit the 256-character cap;
- time taken and conjectures (distinct, valid) per second;
- the grammar's own time (uniform random walks, no model) for comparison.

    python benchmarks/conjecture.py [--n 1000] [--batch-size 128] [--threads 1]
                                    [--theories nat-add,groups]

`--threads` sets torch's CPU threads (default: torch's own choice); on a shared 2-core machine
one thread is often faster.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch

from telos.conjecture import Grammar, sample_conjectures
from telos.model import LanguageModel, model_config
from telos.peano import check_statement, load_theory_text
from telos.theories import THEORY_NAMES, load_theory


def grammar_walks(grammar: Grammar, walks: int, seed: int) -> float:
    """Seconds for `walks` uniform random walks through the completion engine."""
    rng = random.Random(seed)
    start = time.perf_counter()
    for _ in range(walks):
        cursor = grammar.cursor()
        while not cursor.finished:
            cursor = cursor.feed(rng.choice(sorted(cursor.legal())))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--theories", default=",".join(THEORY_NAMES))
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    model = LanguageModel(model_config("tiny"), device="cpu", seed=0)
    header = (
        f"{'theory':<20} {'valid':>7} {'distinct':>9} {'discarded':>9} {'mean len':>8} "
        f"{'seconds':>8} {'conj/s':>7} {'walks/s':>8}"
    )
    print(header)
    for name in args.theories.split(","):
        d = load_theory_text(load_theory(name).text)
        grammar = Grammar(d)
        batch = sample_conjectures(
            model, d, args.n, seed=args.seed, batch_size=args.batch_size, grammar=grammar
        )
        valid = 0
        for c in batch.conjectures:
            try:
                check_statement(d, c.statement)
                valid += 1
            except Exception:
                pass
        unique = max(len(batch.conjectures) + batch.rejected, 1)
        validity = valid / unique  # among distinct finished samples, rejected ones included
        distinct = len(batch.conjectures) / max(batch.finished, 1)
        mean_len = statistics.mean(len(c.text) for c in batch.conjectures) if valid else 0.0
        walk_seconds = grammar_walks(grammar, 1000, args.seed)
        print(
            f"{name:<20} {validity:>7.1%} {distinct:>9.1%} {batch.discarded:>9d} "
            f"{mean_len:>8.1f} {batch.seconds:>8.1f} {batch.per_second:>7.1f} "
            f"{1000 / walk_seconds:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
