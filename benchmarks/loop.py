"""One loop iteration at the configuration the original loop was measured at on this machine.

    python benchmarks/loop.py [--out DIR] [--threads 2]

runs `telos run theory=nat-add goals=none n_conjectures=20 agent.max_mcts_nodes=200
iterations=1` in a fresh run directory and prints the wall time and the time per phase (the
original took 18 minutes here: 8 s conjecturing, 102 s search, 33 s hindsight, 932 s training
for a fixed 2,000 steps). Target: at most 3 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["theory=nat-add", "goals=none", "n_conjectures=20", "agent.max_mcts_nodes=200",
        "iterations=1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="run directory (default: a temporary one)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="telos-loop-")) / "run"
    command = ["telos", "run", *ARGS, f"torch_threads={args.threads}", f"seed={args.seed}",
               f"hydra.run.dir={out}"]
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    m = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])
    print(f"\nwall {wall:.1f} s (target ≤ 180 s; the original: 1,080 s)")
    for phase in ("conjecture", "prove", "hindsight", "train", "eval"):
        print(f"  {phase:<11} {m['time_' + phase]:7.1f} s")
    print(f"conjectures {m['n_conjectures']}, proven {m['n_proven']}, hindsight examples "
          f"{m['hindsight_examples']}, examples {m['examples']}, training steps {m['steps']}")
    sys.exit(0 if wall <= 180 else 1)


if __name__ == "__main__":
    main()
