"""Solutions found over the original's proof states replay here, and their text checks.

`proofs.jsonl` (golden README §3) holds 69 action trees, each solving a goal of one theory.
Replaying a tree from the root state, every action must be offered, executing it must give one
state per subtree, and a leaf's action must close its goal (no state). The tree is then
rendered as a `theorem` block (`theorem_text`) and verified by the checker after the theory's
text, and for a sample also by the installed `telos check FILE --theory NAME`.
"""

from __future__ import annotations

import subprocess
from collections import Counter

import pytest
from golden_util import action_strings, golden_path, new_state, read_jsonl, telos_script, theory

import telos.peano
from telos.peano import ProofState, ProofTree, theorem_text

RECORDS = list(read_jsonl(golden_path("proofs.jsonl")))
CASES = [pytest.param(i, r, id=f"{i:02d}-{r['theory']}:{r['goal']}") for i, r in enumerate(RECORDS)]
# Five proofs for the console script: the first of each theory, and the largest other tree.
FIRST_OF_EACH_THEORY = {r["theory"]: i for i, r in reversed(list(enumerate(RECORDS)))}
LARGEST_OTHER = max(
    (i for i in range(len(RECORDS)) if i not in FIRST_OF_EACH_THEORY.values()),
    key=lambda i: RECORDS[i]["n_actions"],
)
SAMPLE = sorted([*FIRST_OF_EACH_THEORY.values(), LARGEST_OTHER])


def replay(state: ProofState, tree: dict) -> int:
    """Replay `tree` from `state`, asserting every step; the number of actions executed."""
    assert tree["action"] in action_strings(state), f"{tree['action']!r} not offered in {state}"
    children = state.execute(tree["action"])
    assert len(children) == len(tree["children"]), (tree["action"], [str(c) for c in children])
    return 1 + sum(replay(child, sub) for child, sub in zip(children, tree["children"]))


def root_state(record: dict) -> ProofState:
    assert tuple(record["premises"]) == theory(record["theory"]).premises
    return new_state(record["theory"], record["goal"], record["premises"])


def test_recorded_solutions_per_theory():
    assert Counter(r["theory"] for r in RECORDS) == {
        "nat-add": 22,
        "nat-mul": 10,
        "groups": 13,
        "propositional-logic": 24,
    }


@pytest.mark.parametrize(("index", "record"), CASES)
def test_every_golden_proof_tree_replays_and_its_text_checks(index, record):
    state = root_state(record)
    assert replay(state, record["proof"]) == record["n_actions"]

    text = theorem_text(f"golden_{index}", state, ProofTree.from_json(record["proof"]))
    results = telos.peano.check_text(text, prelude=theory(record["theory"]).text)
    assert [(r.name, r.ok) for r in results] == [(f"golden_{index}", True)], (
        text,
        [r.message for r in results],
    )


@pytest.mark.parametrize("index", SAMPLE)
def test_golden_proof_text_verifies_with_the_telos_console_script(index, tmp_path):
    record = RECORDS[index]
    state = root_state(record)
    text = theorem_text(f"golden_{index}", state, ProofTree.from_json(record["proof"]))
    path = tmp_path / f"golden_{index}.p"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [str(telos_script()), "check", str(path), "--theory", record["theory"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (text, proc.stdout, proc.stderr)
    assert proc.stdout.splitlines() == [f"golden_{index}: ok"]
