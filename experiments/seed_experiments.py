"""The published seed experiments, at a size this machine can do.

    python experiments/seed_experiments.py --out DIR [--iterations 3] [--conjectures 6]

Runs (or resumes) one `telos run` per configuration below and prints, per run and
iteration, train_loss, progress_loss, alpha, ratio_proven and goals_proven:

- alpha 0 vs 1 (constant) on `nat-add-easy`, over 2 iterations;
- alpha 0, 0.2 and 1, constant, on `nat-add-hard`;
- alpha 1 with the linear, quadratic, cubic and cos warm-up schedules;
- alpha 1 with the ratio schedule.

The published observations to compare against: alpha = 1 lowers the progress loss but also
the ratio of proven conjectures (the conjecturer is pulled toward the goals, away from what it
can prove), and the warm-up schedules keep both losses down.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

RUNS = [
    ("easy a=0", ["goals=nat-add-easy", "alpha=0", "iterations=2"]),
    ("easy a=1", ["goals=nat-add-easy", "alpha=1", "iterations=2"]),
    ("a=0", ["alpha=0"]),
    ("a=0.2", ["alpha=0.2"]),
    ("a=1", ["alpha=1"]),
    ("a=1 linear", ["alpha=1", "alpha_schedule=linear"]),
    ("a=1 quadratic", ["alpha=1", "alpha_schedule=quadratic"]),
    ("a=1 cubic", ["alpha=1", "alpha_schedule=cubic"]),
    ("a=1 cos", ["alpha=1", "alpha_schedule=cos"]),
    ("a=1 ratio", ["alpha=1", "alpha_schedule=ratio"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--conjectures", type=int, default=6)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    base = ["theory=nat-add", "goals=nat-add-hard", f"iterations={args.iterations}",
            f"n_conjectures={args.conjectures}", f"agent.max_mcts_nodes={args.budget}",
            f"torch_threads={args.threads}"]
    rows = []
    for label, overrides in RUNS:
        run = Path(args.out) / label.replace(" ", "_").replace("=", "")
        merged = {o.split("=", 1)[0]: o for o in base + overrides}  # later spellings win
        if not (run / "state.json").exists():
            command = ["telos", "run", *merged.values(), f"hydra.run.dir={run}"]
        else:
            iterations = merged["iterations"].split("=", 1)[1]
            command = ["telos", "run", f"resume={run}", f"iterations={iterations}"]
        print("$", " ".join(command), flush=True)
        subprocess.run(command, check=True)
        for line in (run / "metrics.jsonl").read_text().splitlines():
            rows.append((label, json.loads(line)))
    print(f"\n{'run':<14} {'iter':>4} {'train_loss':>10} {'progress':>9} {'alpha':>6} "
          f"{'ratio':>6} {'goals':>6}")
    for label, m in rows:
        print(f"{label:<14} {m['iteration']:>4} {_f(m['train_loss']):>10} "
              f"{_f(m['progress_loss']):>9} {m['alpha']:>6.2f} {m['ratio_proven']:>6.2f} "
              f"{m['goals_proven']:>2}/{len(m['goals'])}")


def _f(x) -> str:
    return "-" if x is None else f"{x:.3f}"


if __name__ == "__main__":
    main()
