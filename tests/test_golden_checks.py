"""The checker reproduces the original's recorded verdicts on `golden/checks/*.p`, made sound.

`checks/expected.json` (golden README §1) records, per file, either a parse error or one
outcome per block name (`proofs[]`, from `peano FILE NAME`) and the whole-file verdict rows
(`whole_file_verdicts`, from `peano FILE`). Every recorded outcome must be reproduced, except
those of the README table "Outcomes a sound checker changes", where the sound outcome of SPEC
§3.7 (rules S1–S5) is required instead. Messages are the original's wording and are not
compared; the result counts of failing `show` steps are (SPEC §3.3 "Conformance counts").
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from functools import cache

import pytest
from golden_util import golden_path, result_count, telos_script

import telos.cli
import telos.peano
from telos.peano import BlockResult, ParseError

CHECKS = golden_path("checks")
EXPECTED = json.loads((CHECKS / "expected.json").read_text(encoding="utf-8"))
FILES: dict[str, dict] = EXPECTED["files"]

PARSE_ERROR_FILES = sorted(f for f, e in FILES.items() if e["load"] == "parse_error")
LOADED_FILES = sorted(f for f, e in FILES.items() if e["load"] == "ok")

# The golden README, §1 table "Outcomes a sound checker changes": recorded outcomes that come
# from a soundness hole (Q1, Q2, Q5, Q6) or a crash (Q9) of the original, with the outcome a
# sound checker MUST give. Keyed by (file, block name) for the by-name `proofs[]` entries
# (the first block of that name) ...
SOUND_PROOF_OUTCOMES = {
    ("nat-add-scope.p", "bogus_goal_block"): "fails",  # S3: goal block proves (= z z)
    ("nat-add-scope.p", "uses_failed_fact_by_rewrite"): "fails",  # S1 (with S3)
    ("propositional-logic-invalid.p", "wrong_intro_prop"): "fails",  # S4
    ("no-theory.p", "nothing_declared"): "fails",  # S5: located error, not a crash
    # ("duplicate-names.p", "dup"): the proofs[] entry (first block) stays "ok" (S2).
}
# ... and by (file, row index) for the `whole_file_verdicts` rows that change beyond those.
SOUND_WHOLE_FILE_ROWS = {
    ("duplicate-names.p", 1): "fails",  # S2: the second `dup` block is a duplicate name
}
# The same table's whole-file consequence for no-theory.p, whose recorded run crashed
# before printing any verdict.
SOUND_WHOLE_FILE_VERDICTS = {
    "no-theory.p": [["nothing_declared", "fails"]],
}

# SPEC §3.3 "Conformance counts", column "under S1": the number of results listed by the
# failing `show` step (the lists are deterministic and decide which result `show` takes).
S1_RESULT_COUNTS = [
    ("nat-add-invalid.p", "wrong_by_name", 9),
    ("nat-add-scope.p", "rewrite_wrong", 3),
    ("propositional-logic-invalid.p", "or_to_and", 196),
    ("propositional-logic-invalid.p", "ill_typed_and", 169),
]
# The golden README (end of §1) gives the S1 counts of further failing steps.
README_S1_RESULT_COUNTS = [
    ("nat-add-scope.p", "false_lemma", 7),
    ("nat-add-invalid.p", "ill_typed_show", 5),
    ("nat-add-invalid.p", "ill_typed_show_args", 2),
    ("nat-add-invalid.p", "construct_wrong_value", 2),
]

_CLI_LINE = re.compile(r"^(\S+): (ok|error\b.*)$")


def verdict(result: BlockResult) -> str:
    return "ok" if result.ok else "fails"


@cache
def check_results(file: str) -> tuple[BlockResult, ...]:
    return tuple(telos.peano.check_path(CHECKS / file))


def first_block(file: str, name: str) -> BlockResult:
    return next(r for r in check_results(file) if r.name == name)


def sound_proof_outcome(file: str, entry: dict) -> str:
    return SOUND_PROOF_OUTCOMES.get((file, entry["name"]), entry["outcome"])


def sound_whole_file_verdicts(file: str) -> list[list[str]]:
    if file in SOUND_WHOLE_FILE_VERDICTS:
        return SOUND_WHOLE_FILE_VERDICTS[file]
    rows = FILES[file]["whole_file_verdicts"]
    return [
        [name, SOUND_WHOLE_FILE_ROWS.get((file, i), SOUND_PROOF_OUTCOMES.get((file, name), v))]
        for i, (name, v) in enumerate(rows)
    ]


def run_cli(capsys, *args: str) -> tuple[int, list[str], str]:
    """`telos ARGS…` in-process: exit status, stdout lines, stderr."""
    code = telos.cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def cli_verdicts(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        m = _CLI_LINE.match(line)
        assert m, f"not a verdict line: {line!r}"
        rows.append([m.group(1), "ok" if m.group(2) == "ok" else "fails"])
    return rows


PROOF_CASES = [
    pytest.param(file, entry, id=f"{file}::{entry['name']}")
    for file in LOADED_FILES
    for entry in FILES[file]["proofs"]
]


# -- parse errors ----------------------------------------------------------------------------


def test_golden_check_files_are_all_listed():
    assert sorted(p.name for p in CHECKS.glob("*.p")) == sorted(FILES)
    assert len(PARSE_ERROR_FILES) == EXPECTED["counts"]["parse_error_files"] == 9


@pytest.mark.parametrize("file", PARSE_ERROR_FILES)
def test_file_with_syntax_error_raises_parse_error_and_cli_reports_unusable_input(file, capsys):
    with pytest.raises(ParseError) as info:
        telos.peano.check_path(CHECKS / file)
    assert info.value.pos is not None, "a parse error is located"

    code, out, err = run_cli(capsys, "check", str(CHECKS / file))
    assert code == 2  # unusable input (the original exits 1 here: a deliberate difference)
    assert out == []
    assert err.startswith("telos: error: ") and file in err
    assert len(err.strip().splitlines()) == 1


# -- verdicts per block name -----------------------------------------------------------------


@pytest.mark.parametrize(("file", "entry"), PROOF_CASES)
def test_block_outcome_matches_recording_or_its_sound_change(file, entry):
    expected = sound_proof_outcome(file, entry)
    assert expected in ("ok", "fails")  # a sound checker never crashes
    result = first_block(file, entry["name"])
    assert result.kind == entry["block"]
    assert verdict(result) == expected, result.message


@pytest.mark.parametrize(("file", "entry"), PROOF_CASES)
def test_cli_checking_one_block_by_name_gives_the_same_outcome(file, entry, capsys):
    expected = sound_proof_outcome(file, entry)
    code, out, _ = run_cli(capsys, "check", str(CHECKS / file), entry["name"])
    assert cli_verdicts(out) == [[entry["name"], expected]]
    assert code == (0 if expected == "ok" else 1)


def test_outcome_counts_over_all_blocks_are_the_sound_ones():
    recorded = Counter(e["outcome"] for f in LOADED_FILES for e in FILES[f]["proofs"])
    assert recorded == {"ok": 56, "fails": 47, "crash": 1}  # the README's recorded counts
    ours = Counter(
        verdict(first_block(f, e["name"])) for f in LOADED_FILES for e in FILES[f]["proofs"]
    )
    assert ours == {"ok": 53, "fails": 51}  # README: "Counts over proofs[] become …"


# -- whole-file verdicts ---------------------------------------------------------------------


@pytest.mark.parametrize("file", LOADED_FILES)
def test_whole_file_verdict_rows_match_in_file_order(file, capsys):
    expected = sound_whole_file_verdicts(file)
    assert [[r.name, verdict(r)] for r in check_results(file)] == expected

    code, out, _ = run_cli(capsys, "check", str(CHECKS / file))
    assert cli_verdicts(out) == expected
    expected_code = 0 if all(v == "ok" for _, v in expected) else 1
    assert code == expected_code
    recorded_code = FILES[file]["whole_file_exit_code"]
    if file not in ("duplicate-names.p", "no-theory.p"):  # the two whose status changes
        assert code == recorded_code


def test_sound_whole_file_consequences_stated_by_the_readme():
    assert sound_whole_file_verdicts("duplicate-names.p") == [["dup", "ok"], ["dup", "fails"]]
    assert sound_whole_file_verdicts("no-theory.p") == [["nothing_declared", "fails"]]
    scope = Counter(v for _, v in sound_whole_file_verdicts("nat-add-scope.p"))
    assert scope == {"ok": 1, "fails": 7}
    prop = Counter(v for _, v in sound_whole_file_verdicts("propositional-logic-invalid.p"))
    assert prop == {"fails": 8}


def test_file_without_declarations_fails_with_a_located_error_not_a_crash():
    (result,) = check_results("no-theory.p")
    assert not result.ok
    assert result.pos is not None
    assert "=" in result.message and "undeclared" in result.message


def test_duplicate_block_name_fails_at_the_second_block():
    first, second = check_results("duplicate-names.p")
    assert first.ok
    assert not second.ok and "duplicate" in second.message


# -- result counts of failing show steps -----------------------------------------------------


@pytest.mark.parametrize(
    ("file", "name", "count"),
    [pytest.param(*case, id=f"{case[0]}::{case[1]}") for case in S1_RESULT_COUNTS],
)
def test_failing_show_lists_the_spec_number_of_results_under_s1(file, name, count):
    result = first_block(file, name)
    assert not result.ok
    assert result_count(result.message) == count, result.message


@pytest.mark.parametrize(
    ("file", "name", "count"),
    [pytest.param(*case, id=f"{case[0]}::{case[1]}") for case in README_S1_RESULT_COUNTS],
)
def test_failing_step_lists_the_readme_number_of_results_under_s1(file, name, count):
    result = first_block(file, name)
    assert not result.ok
    assert result_count(result.message) == count, result.message


# -- the real console script -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "code"),
    [("nat-add-valid.p", 0), ("duplicate-names.p", 1), ("parse-missing-by.p", 2)],
)
def test_installed_telos_console_script_gives_the_whole_file_exit_status(file, code):
    proc = subprocess.run(
        [str(telos_script()), "check", str(CHECKS / file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code == 2:
        assert proc.stdout == ""
    else:
        assert cli_verdicts(proc.stdout.splitlines()) == sound_whole_file_verdicts(file)
