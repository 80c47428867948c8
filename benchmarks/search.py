"""Proof search with the uniform policy: test-time scaling, throughput and where the time goes.

(a) solved goals per strategy x budget on `benchmarks/problems.json`, overall and per theory;
(b) the same table for the golden solved goals (`../shared/peano/golden/proofs.jsonl`);
(c) expansions per second, per strategy and theory, measured on the runs of (a) and (b) (the
    time of a `prove_many` call, proof re-check included, over the expansions it made);
(d) where the time goes: one uniform-MCTS `prove_many` over the nat-add goals under cProfile,
    its time split between the kernel (`telos/peano/`: action enumeration, execution, derivation
    copies), search bookkeeping (`telos/search/`), the policy and the re-check of found proofs.

Every (strategy, budget) cell runs the goals through `prove_many`, the real batched API, in
batches of `--batch-size` goals of one theory (a batch holds its search trees, and so its kernel
states, until its last search ends: the batch size bounds memory). Only a small summary of each
result is kept. `--max-budget sample=1000` skips the larger budgets of a strategy (cells shown
as `-`). `--jobs N` runs batches in N worker processes. `--out` logs every batch as it ends, and
`--resume` continues an interrupted run from that log (a full run takes hours).

    python benchmarks/search.py [--budgets 100,1000,5000] [--strategies mcts,best-first,beam,sample]
        [--problems benchmarks/problems.json] [--golden PATH] [--seed 0] [--jobs 1]
        [--batch-size 8] [--max-budget STRATEGY=BUDGET,...] [--profile-budget 1000]
        [--out LOG.jsonl [--resume]]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from telos.search import STRATEGIES, Problem, UniformPolicy, prove_many
from telos.theories import THEORY_NAMES, load_theory

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PROBLEMS = ROOT / "benchmarks" / "problems.json"
DEFAULT_GOLDEN = ROOT.parent / "shared" / "peano" / "golden" / "proofs.jsonl"


@dataclass(frozen=True)
class Goal:
    suite: str  # "problems" or "golden"
    name: str
    theory: str
    goal: str
    premises: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What is kept of one search (its tree and node records are dropped)."""

    suite: str
    name: str
    theory: str
    strategy: str
    budget: int
    success: bool
    expansions: int
    rejected: bool  # search closed the tree but the checker refused the proof text (a bug)


@dataclass(frozen=True)
class Batch:
    suite: str
    theory: str
    strategy: str
    budget: int
    goals: tuple[Goal, ...]


# -- goals -----------------------------------------------------------------------------------


def load_problems(path: Path) -> list[Goal]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Goal("problems", p["name"], p["theory"], p["goal"], load_theory(p["theory"]).premises)
        for p in data["problems"]
    ]


def load_golden(path: Path) -> list[Goal]:
    goals = []
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if line.strip():
                r = json.loads(line)
                goals.append(Goal("golden", f"golden_{i}", r["theory"], r["goal"],
                                  tuple(r["premises"])))
    return goals


def problem(goal: Goal) -> Problem:
    return Problem(load_theory(goal.theory).text, goal.premises, goal.goal, goal.name)


# -- running batches -------------------------------------------------------------------------


def run_batch(batch: Batch, seed: int, on_done=None) -> tuple[list[Outcome], float, int]:
    """One `prove_many` call: the outcomes, its wall time and its expansions."""
    finished = 0

    def on_step(expansions: int, done: int) -> None:
        nonlocal finished
        if on_done is not None and done > finished:
            on_done(done - finished)
        finished = done

    start = time.perf_counter()
    results = prove_many([problem(g) for g in batch.goals], UniformPolicy(), batch.strategy,
                         batch.budget, seed, on_step=on_step)
    wall = time.perf_counter() - start
    outcomes = []
    for g, r in zip(batch.goals, results):
        rejected = r.search_tree is not None and r.search_tree.root.solved and not r.success
        outcomes.append(Outcome(g.suite, g.name, g.theory, batch.strategy, batch.budget,
                                r.success, r.expansions, rejected))
        r.search_tree = None  # the live tree holds every kernel state of the search
    if on_done is not None and len(batch.goals) > finished:
        on_done(len(batch.goals) - finished)
    return outcomes, wall, sum(o.expansions for o in outcomes)


def _run_batch_in_worker(batch: Batch, seed: int) -> tuple[Batch, list[Outcome], float, int]:
    outcomes, wall, expansions = run_batch(batch, seed)
    return batch, outcomes, wall, expansions


def batches(goals: list[Goal], strategies: list[str], budgets: list[int],
            max_budget: dict[str, int], size: int) -> Iterator[Batch]:
    by_theory: dict[tuple[str, str], list[Goal]] = defaultdict(list)
    for g in goals:
        by_theory[(g.suite, g.theory)].append(g)
    for budget in budgets:
        for strategy in strategies:
            if budget > max_budget.get(strategy, budget):
                continue
            for (suite, theory), group in by_theory.items():
                for i in range(0, len(group), size):
                    yield Batch(suite, theory, strategy, budget, tuple(group[i : i + size]))


@dataclass
class Timing:
    seconds: float = 0.0
    expansions: int = 0


def batch_key(batch: Batch) -> str:
    names = ",".join(g.name for g in batch.goals)
    return f"{batch.suite}|{batch.theory}|{batch.strategy}|{batch.budget}|{names}"


def load_log(path: Path | None) -> dict[str, dict]:
    """The batches already run (one JSON line each in the log), by `batch_key`."""
    if path is None or not path.exists():
        return {}
    done = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            done[entry["key"]] = entry
    return done


def run_all(todo: list[Batch], seed: int, jobs: int, log: Path | None,
            resume: bool) -> tuple[list[Outcome], dict]:
    """Run every batch (skipping those in the log when resuming), appending each to the log."""
    outcomes: list[Outcome] = []
    timing: dict[tuple[str, str], Timing] = defaultdict(Timing)  # (strategy, theory)
    done = load_log(log) if resume else {}
    if log is not None and not resume:
        log.write_text("")

    def record(batch: Batch, got: list[Outcome], wall: float, expansions: int) -> None:
        outcomes.extend(got)
        t = timing[(batch.strategy, batch.theory)]
        t.seconds += wall
        t.expansions += expansions

    def save(batch: Batch, got: list[Outcome], wall: float, expansions: int) -> None:
        record(batch, got, wall, expansions)
        if log is not None:
            entry = {"key": batch_key(batch), "wall": wall, "expansions": expansions,
                     "outcomes": [asdict(o) for o in got]}
            with log.open("a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    pending = []
    for batch in todo:
        entry = done.get(batch_key(batch))
        if entry is None:
            pending.append(batch)
        else:
            record(batch, [Outcome(**o) for o in entry["outcomes"]], entry["wall"],
                   entry["expansions"])
    if done:
        print(f"resumed: {len(todo) - len(pending)} of {len(todo)} batches from {log}")
    total = sum(len(b.goals) for b in pending)
    with tqdm(total=total, desc="searches", unit="goal", file=sys.stderr, smoothing=0) as bar:
        if jobs <= 1:
            for batch in pending:
                bar.set_postfix_str(f"{batch.strategy} @{batch.budget} {batch.theory}, "
                                    f"RSS {rss_mib():,.0f} MiB")
                save(batch, *run_batch(batch, seed, on_done=bar.update))
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_run_batch_in_worker, b, seed) for b in pending]
                for future in as_completed(futures):
                    batch, got, wall, expansions = future.result()
                    save(batch, got, wall, expansions)
                    bar.set_postfix_str(f"{batch.strategy} @{batch.budget}", refresh=False)
                    bar.update(len(batch.goals))
    return outcomes, timing


def rss_mib() -> float:
    """The current resident memory of this process (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


# -- tables ----------------------------------------------------------------------------------


def scaling_table(title: str, goals: list[Goal], outcomes: list[Outcome], strategies: list[str],
                  budgets: list[int], max_budget: dict[str, int]) -> str:
    theories = [t for t in THEORY_NAMES if any(g.theory == t for g in goals)]
    n_all = len(goals)
    n_theory = {t: sum(g.theory == t for g in goals) for t in theories}
    solved: dict[tuple[str, int, str], int] = defaultdict(int)
    for o in outcomes:
        if o.success:
            solved[(o.strategy, o.budget, o.theory)] += 1
    headers = ["strategy", "budget", "all"] + theories
    rows = []
    for strategy in strategies:
        for budget in budgets:
            if budget > max_budget.get(strategy, budget):
                rows.append([strategy, str(budget), "-"] + ["-"] * len(theories))
                continue
            total = sum(solved[(strategy, budget, t)] for t in theories)
            rows.append([strategy, str(budget), f"{total}/{n_all}"]
                        + [f"{solved[(strategy, budget, t)]}/{n_theory[t]}" for t in theories])
    rejected = [o for o in outcomes if o.rejected]
    note = (f"\nproofs rejected by the re-check: {len(rejected)}"
            + "".join(f"\n  {o.strategy} @{o.budget} {o.theory} {o.name}" for o in rejected))
    return f"{title}\n{format_table(headers, rows)}{note}"


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i < 2 else h.rjust(w)
                       for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


def throughput_table(timing: dict, strategies: list[str]) -> str:
    theories = [t for t in THEORY_NAMES if any(k[1] == t for k in timing)]
    headers = ["strategy", ""] + theories + ["all"]
    rows = []
    for strategy in strategies:
        row = [strategy, "exp/s"]
        seconds = expansions = 0.0
        for t in theories:
            cell = timing.get((strategy, t))
            if cell is None or cell.seconds == 0:
                row.append("-")
                continue
            row.append(f"{cell.expansions / cell.seconds:,.0f}")
            seconds += cell.seconds
            expansions += cell.expansions
        row.append(f"{expansions / seconds:,.0f}" if seconds else "-")
        rows.append(row)
    return format_table(headers, rows)


# -- where the time goes ---------------------------------------------------------------------

KERNEL, SEARCH = "/telos/peano/", "/telos/search/"
RECHECK = {"check_text", "theorem_text"}  # called by prove.py on a solved tree
POLICY = {"evaluate", "check_evaluations"}


def where_time_goes(goals: list[Goal], budget: int, seed: int, top: int = 15) -> str:
    problems = [problem(g) for g in goals]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    results = profiler.runcall(prove_many, problems, UniformPolicy(), "mcts", budget, seed)
    wall = time.perf_counter() - start
    for r in results:
        r.search_tree = None
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = next(ct for (f, _, name), (_, _, _, ct, _) in stats.items()
                 if name == "prove_many" and f.endswith("/telos/search/prove.py"))

    # Time crosses from search into the kernel only through calls made by telos/search code
    # (the kernel never calls back), so the cumulative times of those call edges do not overlap.
    parts: dict[str, float] = defaultdict(float)
    for (file, _, name), (_, _, _, _, callers) in stats.items():
        for (caller_file, _, caller), (_, _, _, ct) in callers.items():
            if SEARCH not in caller_file:
                continue
            if KERNEL in file:
                key = "recheck" if name in RECHECK else f"kernel: {Path(file).stem}.{name}"
                if caller == "_has_actions":  # pruning: does an arrow's level-2 state choose?
                    key += " (pruning look-ahead)"
                parts[key] += ct
            elif file.endswith("/telos/search/policy.py") and name in POLICY:
                parts["policy"] += ct
    copies = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items()
                 if file.endswith("/telos/peano/derivation.py") and name == "copy")
    kernel = sum(v for k, v in parts.items() if k.startswith("kernel: "))
    search = total - kernel - parts["recheck"] - parts["policy"]
    solved = sum(r.success for r in results)
    expansions = sum(r.expansions for r in results)

    def pct(x: float) -> str:
        return f"{100 * x / total:5.1f}%"

    lines = [
        f"uniform MCTS on {len(goals)} nat-add goals at budget {budget}: {solved} proven, "
        f"{expansions} expansions, {wall:.2f} s under the profiler "
        f"({expansions / wall:,.0f} exp/s; without it: see (c))",
        f"  kernel (telos/peano, called by search)  {pct(kernel)}",
    ]
    for k, v in sorted(parts.items(), key=lambda kv: -kv[1]):
        if k.startswith("kernel: "):
            lines.append(f"    {k[8:]:<36}  {pct(v)}")
    lines.append(f"    (of which derivation copies)          {pct(copies)}")
    lines.append(f"  search bookkeeping (telos/search)       {pct(search)}")
    lines.append(f"  policy (UniformPolicy + contract)       {pct(parts['policy'])}")
    lines.append(f"  proof text + re-check of found proofs   {pct(parts['recheck'])}")
    lines.append(f"top {top} functions by own time:")
    own = sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]
    for (file, line, name), (_, calls, tt, ct, _) in own:
        where = file.split("/src/")[-1] if "/src/" in file else Path(file).name
        lines.append(f"  {100 * tt / total:5.1f}% own {100 * ct / total:5.1f}% cum "
                     f"{calls:>9} calls  {where}:{line}({name})")
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------


def parse_max_budget(text: str) -> dict[str, int]:
    out = {}
    for part in filter(None, text.split(",")):
        strategy, _, budget = part.partition("=")
        out[strategy.strip()] = int(budget)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budgets", default="100,1000,5000")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--problems", type=Path, default=DEFAULT_PROBLEMS)
    parser.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=8,
                        help="goals per prove_many call (bounds memory: each search keeps "
                             "its tree of kernel states until the batch ends)")
    parser.add_argument("--max-budget", type=parse_max_budget, default={},
                        help="skip budgets above a strategy's limit, e.g. sample=1000,beam=1000")
    parser.add_argument("--profile-budget", type=int, default=1000)
    parser.add_argument("--out", type=Path,
                        help="append every batch's outcomes to this JSON-lines log")
    parser.add_argument("--resume", action="store_true",
                        help="skip the batches already in the --out log")
    args = parser.parse_args(argv)
    budgets = sorted(int(b) for b in args.budgets.split(","))
    strategies = [s.strip() for s in args.strategies.split(",")]
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        parser.error(f"unknown strategies: {', '.join(unknown)}")

    started = time.perf_counter()
    problems = load_problems(args.problems)
    golden = load_golden(args.golden) if args.golden.exists() else []
    print(f"problems: {len(problems)} from {args.problems}; golden: {len(golden)} from "
          f"{args.golden}{'' if golden else ' (not found)'}")
    print(f"budgets {budgets}, strategies {strategies}, seed {args.seed}, jobs {args.jobs}, "
          f"batch size {args.batch_size}, max budget {args.max_budget or 'none'}")
    todo = list(batches(problems + golden, strategies, budgets, args.max_budget,
                        args.batch_size))
    # Budgets in increasing order, so the cheap cells come first.
    outcomes, timing = run_all(todo, args.seed, args.jobs, args.out, args.resume)

    print()
    print(scaling_table(f"(a) solved / goals, {args.problems.name}", problems,
                        [o for o in outcomes if o.suite == "problems"], strategies, budgets,
                        args.max_budget))
    if golden:
        print()
        print(scaling_table(f"(b) solved / goals, golden {args.golden.name}", golden,
                            [o for o in outcomes if o.suite == "golden"], strategies, budgets,
                            args.max_budget))
    print()
    print("(c) expansions per second (prove_many wall time incl. re-check, all budgets, "
          "both goal sets)")
    print(throughput_table(timing, strategies))
    print()
    print("(d) where the time goes")
    nat_add = [g for g in problems + golden if g.theory == "nat-add"]
    print(where_time_goes(nat_add, args.profile_budget, args.seed))
    print()
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {self_rss:.0f} MiB (this process)"
          + (f", {child_rss:.0f} MiB (largest worker)" if args.jobs > 1 else ""))
    print(f"total wall time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
