"""The loop end to end: `telos run` writes DESIGN's records, every proof it keeps passes the
kernel, a run killed with SIGKILL anywhere resumes to the same result, and the prove phase
gives the same results however its problems are grouped.

These run real (tiny) loops in subprocesses, on the CPU, one torch thread each.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telos.learn.attempt import attempt_all
from telos.peano import check_text
from telos.search import Problem, UniformPolicy
from telos.theories import load_theory

RUN = [sys.executable, "-c", "import sys; from telos.cli import main; sys.exit(main())", "run"]
METRIC_KEYS = {
    "iteration", "alpha", "train_loss", "progress_loss", "train_loss_first", "train_loss_last",
    "progress_loss_first", "progress_loss_last", "n_conjectures", "n_proven", "ratio_proven",
    "buckets", "hindsight_examples", "examples", "goals_proven", "goals", "time_conjecture",
    "time_prove", "time_hindsight", "time_train", "time_eval",
}
TINY = ["theory=nat-add", "goals=nat-add-easy", "iterations=2", "n_conjectures=3",
        "agent.max_mcts_nodes=12", "alpha=0.5", "torch_threads=1", "train.epochs=1"]


def telos_run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    return subprocess.run(RUN + args, capture_output=True, text=True, env=env, **kwargs)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    """The acceptance command line: two iterations, alpha 0.2 under the linear schedule."""
    run = tmp_path_factory.mktemp("loop") / "run"
    done = telos_run(["theory=nat-add", "goals=nat-add-easy", "iterations=2", "n_conjectures=6",
                      "agent.max_mcts_nodes=50", "alpha=0.2", "alpha_schedule=linear",
                      "torch_threads=1", f"hydra.run.dir={run}"])
    assert done.returncode == 0, done.stderr[-3000:]
    return run


def test_a_small_run_completes_and_writes_one_metrics_record_per_iteration(small_run):
    metrics = lines(small_run / "metrics.jsonl")
    assert [m["iteration"] for m in metrics] == [0, 1]
    for m in metrics:
        assert METRIC_KEYS <= set(m), METRIC_KEYS - set(m)
        assert set(m["buckets"]) == {"hard", "easy", "triv", "fail"}
        assert sum(m["buckets"].values()) == m["n_conjectures"]
        assert m["ratio_proven"] == pytest.approx(m["n_proven"] / m["n_conjectures"])
        assert [g["name"] for g in m["goals"]] == ["zero_add"]
        assert set(m["goals"][0]) >= {"name", "proven", "nodes", "logprob", "sampled"}
        assert m["goals_proven"] == sum(g["proven"] for g in m["goals"])


def test_the_linear_schedule_trains_iteration_1_with_the_full_alpha(small_run):
    metrics = lines(small_run / "metrics.jsonl")
    assert [m["alpha"] for m in metrics] == [0.0, 0.2]
    steps = lines(small_run / "train.jsonl")
    assert {s["alpha"] for s in steps if s["iteration"] == 1} == {0.2}
    assert [s["step"] for s in steps] == list(range(len(steps)))
    assert all(s["progress_loss"] is not None for s in steps)  # logged even at alpha 0


def test_training_steps_are_sized_to_the_examples(small_run):
    for m in lines(small_run / "metrics.jsonl"):
        assert m["steps"] == -(-2 * m["examples"] // 32)  # 2 epochs, batch 32 (defaults)


def test_the_run_directory_holds_config_provenance_records_and_checkpoints(small_run):
    assert (small_run / "config.yaml").read_text().startswith("name: nat-add")
    provenance = json.loads((small_run / "run.json").read_text())["provenance"]
    assert {"telos", "torch", "transformers", "hydra", "device", "cpu_count",
            "torch_threads"} <= set(provenance)
    for i in (0, 1):
        folder = small_run / f"iteration_{i}"
        results = lines(folder / "results.jsonl")
        assert len(results) == len(lines(folder / "conjectures.jsonl")) == 6
        for r in results:
            assert {"statement", "proven", "proof", "nodes", "logprob", "bucket"} <= set(r)
            assert (r["proof"] is not None) == r["proven"]
        checkpoint = small_run / "checkpoints" / str(i)
        assert {"model.safetensors", "config.json", "optimizer.safetensors",
                "loop.json"} <= {p.name for p in checkpoint.iterdir()}
    assert not list(small_run.rglob("*.tmp"))


def test_every_proof_the_run_kept_passes_the_kernel(small_run):
    theory = load_theory("nat-add").text
    proofs = [r["proof"] for i in (0, 1)
              for r in lines(small_run / f"iteration_{i}" / "results.jsonl") if r["proven"]]
    relabeled = [h["proof"] for i in (0, 1)
                 for h in lines(small_run / f"iteration_{i}" / "hindsight.jsonl")]
    assert relabeled, "hindsight found nothing in 12 searches"
    for proof in proofs + relabeled:
        verdicts = check_text(proof, prelude=theory)
        assert len(verdicts) == 1 and verdicts[0].ok, proof


def test_conjectures_are_distinct_and_not_proven_in_an_earlier_iteration(small_run):
    first = lines(small_run / "iteration_0" / "results.jsonl")
    second = [c["text"] for c in lines(small_run / "iteration_1" / "conjectures.jsonl")]
    assert len(set(second)) == len(second)
    assert not {r["text"] for r in first if r["proven"]} & set(second)


def fingerprint(run: Path) -> tuple:
    """What must not depend on interruptions: records without wall-clock fields, weights."""
    metrics = lines(run / "metrics.jsonl")
    for m in metrics:
        for key in [k for k in m if k.startswith("time_")]:
            del m[key]
    results = [lines(p) for p in sorted(run.glob("iteration_*/results.jsonl"))]
    for rs in results:
        for r in rs:
            del r["seconds"]
    weights = [hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(run.glob("checkpoints/*/*.safetensors"))]
    return metrics, (run / "train.jsonl").read_text(), results, weights


def test_a_run_killed_at_random_moments_resumes_to_the_same_metrics_and_weights(tmp_path):
    reference = tmp_path / "reference"
    start = time.perf_counter()
    assert telos_run(TINY + [f"hydra.run.dir={reference}"]).returncode == 0
    duration = time.perf_counter() - start
    expected = fingerprint(reference)
    for seed in range(3):
        run = tmp_path / f"killed{seed}"
        process = subprocess.Popen(RUN + TINY + [f"hydra.run.dir={run}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.Random(seed).uniform(0.3, 0.9) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not (run / "state.json").exists():  # killed before the run existed: start again
            resumed = telos_run(TINY + [f"hydra.run.dir={run}"])
        else:
            resumed = telos_run([f"resume={run}"])
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert fingerprint(run) == expected, f"seed {seed}"


def test_resume_may_raise_the_number_of_iterations(tmp_path):
    run = tmp_path / "run"
    short = [a for a in TINY if not a.startswith("iterations=")] + ["iterations=1"]
    assert telos_run(short + [f"hydra.run.dir={run}"]).returncode == 0
    assert len(lines(run / "metrics.jsonl")) == 1
    assert telos_run([f"resume={run}", "iterations=2"]).returncode == 0
    assert [m["iteration"] for m in lines(run / "metrics.jsonl")] == [0, 1]
    lowered = telos_run([f"resume={run}", "iterations=1"])
    assert lowered.returncode == 2 and "resume may only raise" in lowered.stderr


def test_the_prove_phase_gives_the_same_results_however_problems_are_grouped():
    theory = load_theory("nat-add")
    goals = ["[('a0 : nat) -> (= (+ 'a0 z) 'a0)]", "(= (+ (s z) z) (s z))",
             "[('a0 : nat) -> (= (+ z 'a0) 'a0)]", "[('a0 : nat) -> (= 'a0 'a0)]"]
    problems = [Problem(theory.text, theory.premises, g, name="conjecture") for g in goals]
    together = attempt_all(problems, UniformPolicy(), budget=30, seed=7, max_facts=5)
    alone = [attempt_all([p], UniformPolicy(), budget=30, seed=7, max_facts=5)[0]
             for p in reversed(problems)][::-1]

    def stable(a):
        d = a.to_json()
        del d["seconds"], d["hindsight_seconds"]
        return d

    assert [stable(a) for a in together] == [stable(a) for a in alone]
    assert any(a.proven for a in together)
