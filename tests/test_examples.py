"""The shipped example proofs (examples/*.p) verify against their packaged theories.

Each example file holds theorems only; `telos check examples/NAME.p --theory NAME` loads the
theory first and must print `THEOREM: ok` for every theorem, with exit status 0.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_util import run_telos

from telos.peano import parse_file
from telos.peano.syntax import ApplyStep, GoalBlock, HaveBlock, ProofBlock, ShowStep

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
THEORIES = ("nat-add", "nat-mul", "groups", "propositional-logic")
TELOS = shutil.which("telos", path=str(Path(sys.executable).parent)) or "telos"


def example(theory: str) -> Path:
    return EXAMPLES / f"{theory}.p"


def theorems(theory: str) -> list[ProofBlock]:
    path = example(theory)
    items = parse_file(path.read_text(encoding="utf-8"), str(path))
    return [item for item in items if isinstance(item, ProofBlock)]


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """`telos check ARGS` in process: (exit status, stdout lines, stderr)."""
    status, out, err = run_telos(capsys, ["check", *args])
    return status, out.splitlines(), err


def used_lemmas(actions: tuple) -> set[str]:
    """The names after `by` in `show` steps, also inside `goal` and `have` blocks."""
    names: set[str] = set()
    for step in actions:
        if isinstance(step, ShowStep):
            names.add(step.by)
        elif isinstance(step, (GoalBlock, HaveBlock)):
            names |= used_lemmas(step.actions)
    return names


# -- every example verifies ------------------------------------------------------------------


@pytest.mark.parametrize("theory", THEORIES)
def test_example_verifies_with_its_theory(theory: str, capsys: pytest.CaptureFixture[str]):
    status, lines, err = check(capsys, str(example(theory)), "--theory", theory)

    assert status == 0, lines
    assert lines == [f"{block.name}: ok" for block in theorems(theory)]
    assert err == ""


def test_readme_command_passes_through_the_console_script():
    done = subprocess.run(
        [TELOS, "check", "examples/nat-add.p", "--theory", "nat-add"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.endswith(": ok") for line in lines)
    assert "add_comm: ok" in lines
    assert done.stderr == ""


@pytest.mark.parametrize("theory", THEORIES)
def test_example_holds_theorems_only_and_needs_its_theory(
    theory: str, capsys: pytest.CaptureFixture[str]
):
    items = parse_file(example(theory).read_text(encoding="utf-8"), str(example(theory)))
    assert items and all(isinstance(item, ProofBlock) for item in items)

    status, lines, _ = check(capsys, str(example(theory)))  # no --theory: nothing is declared
    assert status == 1
    assert all(": error at " in line for line in lines)


@pytest.mark.parametrize("theory", THEORIES)
def test_every_theorem_has_a_one_line_comment_above_it(theory: str):
    lines = example(theory).read_text(encoding="utf-8").splitlines()
    for block in theorems(theory):
        above = lines[block.pos[0] - 2]
        assert re.fullmatch(r"/\* .+ \*/", above), f"{block.name}: no comment line above"


def test_examples_hold_at_least_twelve_theorems():
    counts = {theory: len(theorems(theory)) for theory in THEORIES}

    assert sum(counts.values()) >= 12, counts
    assert all(count >= 3 for count in counts.values()), counts


def test_readme_shows_the_command_for_every_example():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for theory in THEORIES:
        assert f"telos check examples/{theory}.p --theory {theory}" in readme


# -- add_comm is built on earlier theorems of the same file ----------------------------------


def test_add_comm_uses_zero_add_and_succ_add_proven_earlier_in_the_file():
    blocks = theorems("nat-add")
    names = [block.name for block in blocks]
    add_comm = blocks[names.index("add_comm")]

    assert {"zero_add", "succ_add"} <= used_lemmas(add_comm.actions)
    assert names.index("zero_add") < names.index("add_comm")
    assert names.index("succ_add") < names.index("add_comm")
    assert any(isinstance(step, ApplyStep) and step.name == "nat_ind" for step in add_comm.actions)


def test_zero_add_and_succ_add_are_proven_by_induction():
    blocks = {block.name: block for block in theorems("nat-add")}
    for name in ("zero_add", "succ_add"):
        steps = blocks[name].actions
        assert any(isinstance(step, ApplyStep) and step.name == "nat_ind" for step in steps), name
        assert sum(isinstance(step, GoalBlock) for step in steps) == 2, name


def test_checking_add_comm_alone_passes(capsys: pytest.CaptureFixture[str]):
    status, lines, err = check(capsys, str(example("nat-add")), "add_comm", "--theory", "nat-add")

    assert (status, lines, err) == (0, ["add_comm: ok"], "")


def test_add_comm_alone_fails_when_a_lemma_it_uses_is_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # The lemmas add_comm uses are checked first: break zero_add's base case and add_comm,
    # checked by name, no longer passes (a failed lemma is not available, SPEC §3.7 S1).
    text = example("nat-add").read_text(encoding="utf-8")
    broken = text.replace("show (= (+ z z) z) by +_z.", "show (= (+ z z) z) by +_s.", 1)
    assert broken != text
    path = tmp_path / "nat-add.p"
    path.write_text(broken, encoding="utf-8")

    status, lines, _ = check(capsys, str(path), "add_comm", "zero_add", "--theory", "nat-add")

    assert status == 1
    assert lines[0].startswith("add_comm: error at ")
    assert "zero_add" in lines[0]
    assert lines[1].startswith("zero_add: error at ")
