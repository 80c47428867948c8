"""The attacks of `../shared/peano/attacks/`: each file once made `telos check` accept a false
statement, crash or hang; each must now give the outcome its README requires.

Every file is run through the `telos check` command as a user runs it, in a subprocess with a
generous timeout (a hang fails the test instead of stopping the suite). A file added to the
directory without an expected outcome here fails the test that lists them. The oracle of
`models.py` must judge false every block the README says must fail (as the unsound checker
accepted them) and F3's `L` true. Also the README's `telos prove` cases: the F2 statement is
not proven, and hostile goal texts give a verdict or exit 2, never a traceback; the library
refuses a goal that is not exactly one statement.

Under `CI=true` a missing `../shared/peano/attacks` fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from golden_util import telos_script
from model_claims import audit_text

from telos.peano import BlockResult, PeanoError, parse_file
from telos.peano.syntax import ProofBlock
from telos.search import Problem, UniformPolicy, prove
from telos.search.strategies import STRATEGIES
from telos.theories import load_theory

ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "peano" / "attacks"
if not ATTACKS.is_dir():
    if os.environ.get("CI") == "true":
        pytest.fail(f"the attack files are missing: {ATTACKS}", pytrace=False)
    pytest.skip(f"attack files not found at {ATTACKS}", allow_module_level=True)

# file -> (blocks that must fail, blocks that must pass), from the README's table
PROOF_ATTACKS = {
    "C1_lambda_subst_capture_nat-add.p": (("bad", "zero_is_one"), ()),
    "F1a_goalblock_alpha_nat-add.p": (("bad", "one_eq_zero"), ()),
    "F1b_goalblock_alpha_allzero_nat-add.p": (("aux", "all_zero", "zero_plus_one_is_zero"), ()),
    "F1c_goalblock_alpha_prop.p": (("aux", "falsum", "anything"), ()),
    "F1d_goalblock_alpha_groups.p": (("aux", "trivial_group", "sq_id"), ()),
    "F2_apply_natind_shadow_nat-add.p": (("bad3", "all_zero", "one_is_zero"), ()),
    "F3_match_shadow_nat-add.p": (("one_zero",), ("L",)),
    "D1_redefine_axiom_after_theorem.p": (("uses_redefined", "after_redeclaration"), ()),
    "D2_definition_value_untyped.p": (("via_def2",), ()),
}
RESOURCE_ATTACKS = ("T1_recursion_traceback.p", "H1_exponential_arrow_typing.p",
                    "H2_import_dev_zero.p")  # fmt: skip
F2_GOAL = "[('n : nat) -> (= 'n z) -> [('n : nat) -> (= 'n z)]]"
TIMEOUT = 120  # seconds: generous, on a loaded machine; a hang is what it guards against


def theory_of(name: str) -> str:
    """The README's rule: `propositional-logic` for `*_prop*`, `groups` for `*_groups*`."""
    if "_prop" in name:
        return "propositional-logic"
    if "_groups" in name:
        return "groups"
    return "nat-add"


def verdicts(out: str) -> dict[str, str]:
    """`NAME: ok` / `NAME: error at …` lines of `telos check`, by block name."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"(\S+): (ok|error\b.*)$", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def run_subprocess(args: list[str], timeout: float = TIMEOUT) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [str(telos_script()), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ATTACKS,
    )
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def check_attack(name: str, timeout: float = TIMEOUT) -> tuple[int, str, str, float]:
    """`telos check NAME --theory THEORY` in the attacks directory, as the README runs it."""
    return run_subprocess(["check", name, "--theory", theory_of(name)], timeout)


def test_every_attack_file_has_a_required_outcome():
    files = {p.name for p in ATTACKS.glob("*.p")}
    assert files == set(PROOF_ATTACKS) | set(RESOURCE_ATTACKS)


@pytest.mark.parametrize("name", sorted(PROOF_ATTACKS))
def test_telos_check_refuses_every_false_statement_of_an_attack(name):
    must_fail, must_pass = PROOF_ATTACKS[name]
    status, out, err, _ = check_attack(name)
    assert "Traceback" not in out + err
    assert status == 1, (out, err)
    got = verdicts(out)
    for block in must_fail:
        assert got.get(block, "").startswith("error"), (block, out)
    for block in must_pass:
        assert got.get(block) == "ok", (block, out)


def test_a_redeclared_theory_name_is_a_located_error():
    # D1: `+_z` (declared by nat-add) is declared again on line 2 of the file.
    name = "D1_redefine_axiom_after_theorem.p"
    status, out, err, _ = check_attack(name)
    line = verdicts(out)["after_redeclaration"]
    assert status == 1 and re.search(r"\b2:\d+", line) and "+_z" in line, (out, err)


def test_a_definition_whose_value_has_another_type_is_a_located_error():
    # D2: `f : [('n : nat) -> (= (s 'n) z)] = +_z.` on line 1; `+_z` proves another statement.
    name = "D2_definition_value_untyped.p"
    status, out, err, _ = check_attack(name)
    line = verdicts(out)["via_def2"]
    assert status == 1 and re.search(r"\b1:\d+", line) and re.search(r"\bf\b", line), (out, err)


def test_a_term_nested_330_deep_fails_or_is_a_located_error_never_a_traceback():
    status, out, err, _ = check_attack("T1_recursion_traceback.p")
    assert "Traceback" not in out + err and "RecursionError" not in out + err
    if status == 2:
        assert len(err.strip().splitlines()) == 1 and "T1_recursion_traceback.p:" in err, err
    else:
        assert status == 1 and verdicts(out)["t"].startswith("error"), (out, err)


def test_nested_arrow_typing_is_quick_and_the_open_goal_fails():
    status, out, err, seconds = check_attack("H1_exponential_arrow_typing.p")
    assert "Traceback" not in out + err
    assert status == 1 and verdicts(out)["t"].startswith("error"), (out, err)
    assert seconds < 10, seconds  # the interpreter's start included; typing is polynomial


def test_nested_arrow_typing_stays_quick_at_100_levels(tmp_path):
    statement = "(= z z)"
    for _ in range(100):
        statement = f"[(= z z) -> {statement}]"
    path = tmp_path / "h1_100.p"
    path.write_text(f"theorem t : {statement} {{ halt. }}\n", encoding="utf-8")
    status, out, err, seconds = run_subprocess(["check", str(path), "--theory", "nat-add"])
    assert "Traceback" not in out + err
    assert status in (1, 2), (out, err)  # the open goal fails, or a located nesting limit
    assert seconds < 10, seconds


def test_importing_dev_zero_is_an_unusable_input_with_one_located_line():
    status, out, err, _ = check_attack("H2_import_dev_zero.p", timeout=60)
    assert status == 2, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.search(r"H2_import_dev_zero\.p:1:\d+", lines[0]), err


# -- the oracle judges the attacks as the README does ------------------------------------------


@pytest.mark.parametrize("name", sorted(PROOF_ATTACKS))
def test_the_oracle_finds_a_false_fact_in_every_block_that_must_fail(name):
    """As if the checker accepted every block (as the unsound one did): each block the README
    says must fail states something false in the models, and F3's `L` states nothing false."""
    must_fail, must_pass = PROOF_ATTACKS[name]
    theory = theory_of(name)
    text = (ATTACKS / name).read_text(encoding="utf-8")
    blocks = [b for b in parse_file(text) if isinstance(b, ProofBlock)]
    accepted = [BlockResult(b.name, b.kind, True) for b in blocks]
    audits = {
        a.name: a for a in audit_text(text, accepted, theory, prelude=load_theory(theory).text)
    }
    for block in must_fail:
        assert audits[block].verdict == "false", (block, audits[block])
    for block in must_pass:
        assert audits[block].verdict == "true", (block, audits[block])


# -- telos prove -------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_telos_prove_does_not_prove_the_false_statement_of_f2(strategy):
    status, out, err, _ = run_subprocess(
        ["prove", F2_GOAL, "--theory", "nat-add", "--search", strategy, "--budget", "500"]
    )
    assert status == 1, out
    assert "Traceback" not in out + err


def _nested(depth: int) -> str:
    goal = "z"
    for _ in range(depth):
        goal = f"(s {goal})"
    return f"(= {goal} {goal})"


def _arrows(depth: int) -> str:
    goal = "(= z z)"
    for _ in range(depth):
        goal = f"[(= z z) -> {goal}]"
    return goal


@pytest.mark.parametrize(
    "goal",
    [" (= z z)", "(= z z) ", _nested(400), _arrows(25)],
    ids=["leading-space", "trailing-space", "nested-400", "arrows-25"],
)
def test_telos_prove_gives_a_verdict_or_one_line_on_hostile_goal_texts(goal):
    status, out, err, _ = run_subprocess(
        ["prove", goal, "--theory", "nat-add", "--budget", "100"], timeout=TIMEOUT
    )
    assert "Traceback" not in out + err
    assert status in (0, 1, 2), (status, out, err)
    if status == 2:
        assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("goal", ["(= z z) this is not part of the goal", "(= z", ""])
def test_the_library_refuses_a_goal_that_is_not_exactly_one_statement(goal):
    theory = load_theory("nat-add")
    problem = Problem(theory.text, tuple(theory.premises), goal)
    with pytest.raises((ValueError, PeanoError)):
        prove(problem, UniformPolicy(), "mcts", 50, 0)
