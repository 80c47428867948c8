"""Does the loop learn? Ten iterations on nat-add toward the Natural Number Game's addition
world, then the final checkpoint against the untrained model and the uniform policy.

    python benchmarks/learning.py --out DIR [--library] [--iterations 10]

Runs (or resumes, when DIR already holds the run) `telos run theory=nat-add
goals=nat-add-hard n_conjectures=30 agent.max_mcts_nodes=200 iterations=10` and prints, per
iteration, conjectures proven, ratio, hindsight examples, losses and goals proven (with
`--library`: which goals were proven and when). Then MCTS on the nat-add problems of
`benchmarks/problems.json` at 200 and 1,000 expansions with the untrained model, the final
checkpoint and the uniform policy. It takes about an hour on two cores; a session that ends
can run the same command again to continue.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import torch

from telos.model import ModelPolicy, load_checkpoint
from telos.search import Problem, UniformPolicy, prove_many
from telos.theories import load_theory

ROOT = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the run directory (resumed if present)")
    parser.add_argument("--library", action="store_true")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budgets", default="200,1000")
    args = parser.parse_args()
    out = Path(args.out)
    run_args = ["theory=nat-add", "goals=nat-add-hard", "n_conjectures=30",
                "agent.max_mcts_nodes=200", f"iterations={args.iterations}",
                f"torch_threads={args.threads}", f"library={str(args.library).lower()}"]
    if (out / "state.json").exists():
        command = ["telos", "run", f"resume={out}", f"iterations={args.iterations}"]
    else:
        command = ["telos", "run", *run_args, f"hydra.run.dir={out}"]
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    print(f"loop: {time.perf_counter() - start:.0f} s this session\n")
    metrics = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    print_iterations(metrics)
    print_goals(metrics)
    evaluate(out, args.iterations - 1, [int(b) for b in args.budgets.split(",")], args.threads)


def print_iterations(metrics: list[dict]) -> None:
    print(f"{'iter':>4} {'proven':>7} {'ratio':>6} {'hindsight':>9} {'train_loss':>10} "
          f"{'progress':>9} {'alpha':>6} {'goals':>6} {'seconds':>8}")
    for m in metrics:
        seconds = sum(v for k, v in m.items() if k.startswith("time_"))
        print(f"{m['iteration']:>4} {m['n_proven']:>3}/{m['n_conjectures']:<3} "
              f"{m['ratio_proven']:>6.2f} {m['hindsight_examples']:>9} "
              f"{_f(m['train_loss']):>10} {_f(m['progress_loss']):>9} {m['alpha']:>6.2f} "
              f"{m['goals_proven']:>2}/{len(m['goals']):<3} {seconds:>8.0f}")


def print_goals(metrics: list[dict]) -> None:
    first: dict[str, int] = {}
    for m in metrics:
        for g in m["goals"]:
            if g["proven"]:
                first.setdefault(g["name"], m["iteration"])
    names = [g["name"] for g in metrics[-1]["goals"]] if metrics else []
    print("\ngoals first proven at iteration: " + ", ".join(
        f"{n} {first.get(n, '-')}" for n in names))


def evaluate(run: Path, last: int, budgets: list[int], threads: int) -> None:
    torch.set_num_threads(threads)
    theory = load_theory("nat-add")
    raw = json.loads((ROOT / "problems.json").read_text())["problems"]
    problems = [Problem(theory.text, theory.premises, p["goal"], name=p["name"])
                for p in raw if p["theory"] == "nat-add"]
    policies = {
        "uniform": lambda: UniformPolicy(),
        "untrained": lambda: ModelPolicy(load_checkpoint(run / "checkpoints" / "init")),
        "final": lambda: ModelPolicy(load_checkpoint(run / "checkpoints" / str(last))),
    }
    print(f"\nMCTS on {len(problems)} nat-add problems of benchmarks/problems.json (seeds 0…):")
    print(f"{'policy':<10} " + " ".join(f"{'@' + str(b):>8}" for b in budgets))
    for name, make in policies.items():
        cells = []
        for budget in budgets:
            results = prove_many(problems, make(), "mcts", budget, seed=0)
            cells.append(f"{sum(r.success for r in results):>3}/{len(problems):<4}")
        print(f"{name:<10} " + " ".join(f"{c:>8}" for c in cells), flush=True)


def _f(x) -> str:
    return "-" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    main()
