"""`telos check` on bad input: unusable input exits 2 with one located line, a failing block 1.

Unusable input (the file cannot be read or parsed, an import is missing or broken, the theory
or a named LEMMA is unknown, the command line is wrong) gives exit status 2, nothing on stdout
and exactly one message line on stderr, which names `path:line:col` where a position applies.
A block that does not check gives exit status 1 and the line `NAME: error at LINE:COL: reason`,
LINE:COL being the failing step or term; the other blocks of the file are still reported.
Never a traceback.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import pytest
from cli_util import run_telos

TELOS = shutil.which("telos", path=str(Path(sys.executable).parent)) or "telos"

GOOD_PROOF = """\
theorem t : (= (+ z z) z) {
    show (= (+ z z) z) by +_z.
}
"""


def assert_one_message_line(out: str, err: str) -> str:
    assert out == ""
    assert "Traceback" not in out + err
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.rstrip("\n")


# -- unusable input: exit status 2 -----------------------------------------------------------


@dataclass
class Unusable:
    """Files to write (name → text or bytes), the arguments after `check`, and what the one
    stderr line must contain; `{dir}` stands for the folder the files are written to."""

    files: dict[str, str | bytes]
    args: list[str]
    says: list[str]
    located: bool = True  # the line names `path:line:col`
    dirs: list[str] = field(default_factory=list)


UNUSABLE = {
    "unbalanced_bracket": Unusable(
        {"f.p": "theorem t : (= z z {\n    show (= z z) by eq_refl.\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:20:", 'found "{"'],
    ),
    "missing_period_after_step": Unusable(
        {"f.p": "theorem t : (= z z) {\n    show (= z z) by eq_refl\n}\n"},
        ["{dir}/f.p"],
        ["3:1", 'expected "."'],  # where the parse stopped: the `}` after `eq_refl`
    ),
    "missing_by": Unusable(
        {"f.p": "theorem t : (= z z) {\n    show (= z z) eq_refl.\n}\n"},
        ["{dir}/f.p"],
        ["2:18", 'expected "by"'],
    ),
    "unclosed_block": Unusable(
        {"f.p": "theorem t : (= z z) {\n    show (= z z) by eq_refl.\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:3:1:", "end of input"],
    ),
    "bad_token_semicolon": Unusable(
        {"f.p": "theorem t : (= z z) {\n    show (= z z) by eq_refl;\n}\n"},
        ["{dir}/f.p"],
        ["2:28", 'found ";"'],
    ),
    "arrow_glued_to_atoms": Unusable(
        {"f.p": "f : [nat->nat].\n"},  # `nat->nat` is one atom: `->` needs a space before it
        ["{dir}/f.p"],
        ["1:14", 'expected "->"'],
    ),
    "unclosed_comment": Unusable(
        {"f.p": "/* no end\ntheorem t : (= z z) {\n    show (= z z) by eq_refl.\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:1:", '"/*"'],
    ),
    "bytes_that_are_not_utf8": Unusable(
        {"f.p": b"\xff\xfe"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:1:", "UTF-8"],
    ),
    "directory_instead_of_file": Unusable(
        {},
        ["{dir}/folder.p"],
        ["{dir}/folder.p:", "directory"],
        located=False,
        dirs=["folder.p"],
    ),
    "missing_file": Unusable(
        {},
        ["{dir}/nowhere.p"],
        ["{dir}/nowhere.p:", "no such file"],
        located=False,
    ),
    "unknown_theory": Unusable(
        {"f.p": GOOD_PROOF},
        ["{dir}/f.p", "--theory", "nat-sub"],
        ["unknown theory", "nat-sub", "nat-add"],
        located=False,
    ),
    "unknown_lemma_on_the_command_line": Unusable(
        {"f.p": GOOD_PROOF},
        ["{dir}/f.p", "t", "nope", "--theory", "nat-add"],
        ["{dir}/f.p:", "nope"],
        located=False,
    ),
    "import_of_a_missing_file": Unusable(
        {"f.p": 'import "missing.p".\n' + GOOD_PROOF},
        ["{dir}/f.p", "--theory", "nat-add"],
        ["{dir}/f.p:1:1:", "missing.p"],
    ),
    "import_of_a_file_with_a_parse_error": Unusable(
        {"f.p": 'import "broken.p".\n' + GOOD_PROOF, "broken.p": "x : nat.\nbad : (.\n"},
        ["{dir}/f.p", "--theory", "nat-add"],
        ["{dir}/broken.p:2:8:"],  # located in the imported file
    ),
    "import_of_a_file_that_is_not_utf8": Unusable(
        {"f.p": 'import "bad.p".\n' + GOOD_PROOF, "bad.p": b"x : nat.\n\xff\n"},
        ["{dir}/f.p", "--theory", "nat-add"],
        ["{dir}/f.p:1:1:", "bad.p", "UTF-8"],
    ),
    "empty_application": Unusable(
        {"f.p": "theorem t : (f) {\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:15:", 'found ")"'],
    ),
    "empty_arrow": Unusable(
        {"f.p": "theorem t : [] {\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:14:", 'found "]"'],
    ),
    "missing_colon_in_lemma_header": Unusable(
        {"f.p": "lemma no_colon (= z z) {\n    show (= z z) by eq_refl.\n}\n"},
        ["{dir}/f.p"],
        ["1:16", 'expected ":"'],
    ),
    "intro_without_type": Unusable(
        {"f.p": "theorem t : [nat -> nat] {\n    intro n.\n}\n"},
        ["{dir}/f.p"],
        ["2:12", 'expected ":"'],
    ),
    "unknown_keyword": Unusable(
        {"f.p": "theorem t : (= z z) {\n    prove (= z z) by eq_refl.\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:2:5:", '"prove"'],
    ),
    "terms_nested_too_deeply": Unusable(
        {"f.p": "theorem t : " + "(s " * 5000 + "z" + ")" * 5000 + " {\n}\n"},
        ["{dir}/f.p"],
        ["{dir}/f.p:1:781:", "term nested deeper than 256 levels"],  # the 257th `(`
    ),
    "no_file_argument": Unusable({}, [], ["required"], located=False),
    "unknown_option": Unusable(
        {"f.p": GOOD_PROOF}, ["{dir}/f.p", "--frobnicate"], ["--frobnicate"], located=False
    ),
}


@pytest.mark.parametrize("case", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_input_exits_2_with_one_located_line(
    case: Unusable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    for name, content in case.files.items():
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            (tmp_path / name).write_text(content, encoding="utf-8")
    for name in case.dirs:
        (tmp_path / name).mkdir()

    status, out, err = run_telos(
        capsys, ["check", *(a.replace("{dir}", str(tmp_path)) for a in case.args)]
    )

    assert status == 2
    line = assert_one_message_line(out, err)
    for text in case.says:
        assert text.replace("{dir}", str(tmp_path)) in line
    if case.located:
        assert re.search(r"\.p:\d+:\d+: ", line), line


def test_a_parse_error_anywhere_means_no_block_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "f.p"
    path.write_text(GOOD_PROOF + "\ntheorem u : (= z z) {\n    show (= z z) by eq_refl;\n}\n")

    status, out, err = run_telos(capsys, ["check", str(path), "--theory", "nat-add"])

    assert status == 2
    line = assert_one_message_line(out, err)
    assert f"{path}:6:" in line and "6:28" in line  # the `;` of the second block


# -- unusable input through the real console script ------------------------------------------


def console(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TELOS, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_console_script_reports_non_utf8_file_on_one_line(tmp_path: Path):
    (tmp_path / "bad.p").write_bytes(b"\xff\xfe")

    done = console("check", "bad.p", cwd=tmp_path)

    assert done.returncode == 2
    line = assert_one_message_line(done.stdout, done.stderr)
    assert "bad.p:1:1: " in line and "UTF-8" in line


def test_console_script_reports_parse_error_with_relative_path(tmp_path: Path):
    (tmp_path / "f.p").write_text("theorem t : (= z z {\n}\n")

    done = console("check", "f.p", "--theory", "nat-add", cwd=tmp_path)

    assert done.returncode == 2
    assert "f.p:1:20: " in assert_one_message_line(done.stdout, done.stderr)


def test_console_script_usage_error_is_one_line_without_traceback(tmp_path: Path):
    done = console("check", cwd=tmp_path)

    assert done.returncode == 2
    assert "required" in assert_one_message_line(done.stdout, done.stderr)


def test_console_script_unknown_theory(tmp_path: Path):
    (tmp_path / "f.p").write_text(GOOD_PROOF)

    done = console("check", "f.p", "--theory", "nat-sub", cwd=tmp_path)

    assert done.returncode == 2
    assert "nat-sub" in assert_one_message_line(done.stdout, done.stderr)


# -- a block that does not check: exit status 1 ----------------------------------------------

# Each case is a file checked with `--theory nat-add`: its first line is line 1. GOOD_AFTER is
# appended to every file, so a passing block always follows the faulty one.
GOOD_AFTER = """
theorem good_after : (= (+ (s z) z) (s z)) {
    show (= (+ (s z) z) (s z)) by +_z.
}
"""


@dataclass
class Fault:
    text: str
    block: str  # the failing block
    at: str  # LINE:COL of the failing step or term
    says: str  # a fragment of the reason
    ok_blocks: list[str] = field(default_factory=list)  # other blocks of the file that pass
    also_fail: list[str] = field(default_factory=list)  # other blocks of the file that fail
    good_after: bool = True  # append GOOD_AFTER, which then passes


FAULTS = {
    "unknown_name_after_by": Fault(
        """\
        theorem t : (= (+ z z) z) {
            show (= (+ z z) z) by plus_zero.
        }
        """,
        "t",
        "2:27",
        "plus_zero is not defined",
    ),
    "partial_application_where_a_number_is_expected": Fault(
        """\
        theorem t : (= (s (+ z)) z) {
            show (= z z) by eq_refl.
        }
        """,
        "t",
        "1:19",  # the argument (+ z) of s
        "(+ z)",
    ),
    "too_many_arguments_in_statement": Fault(
        """\
        theorem t : (= (s z z) z) {
            show (= z z) by eq_refl.
        }
        """,
        "t",
        "1:16",  # the application (s z z)
        "(s z z)",
    ),
    "ill_typed_have_statement": Fault(
        """\
        theorem t : (= z z) {
            have (= (s z z) z) {
                show (= z z) by eq_refl.
            }
            show (= z z) by eq_refl.
        }
        """,
        "t",
        "2:13",
        "(s z z)",
    ),
    "undeclared_atom_in_statement": Fault(
        """\
        theorem t : (= (+ zero z) zero) {
            show (= (+ z z) z) by +_z.
        }
        """,
        "t",
        "1:19",  # the first `zero`
        "zero",
    ),
    "duplicate_block_name": Fault(
        """\
        theorem dup : (= z z) {
            show (= z z) by eq_refl.
        }

        lemma dup : (= (s z) (s z)) {
            show (= (s z) (s z)) by eq_refl.
        }
        """,
        "dup",
        "5:7",  # the name of the second block
        "duplicate",
        ["dup"],  # the first block of that name passes
    ),
    "step_that_does_not_follow": Fault(
        """\
        theorem t : (= (+ z (s z)) (s z)) {
            show (= (+ z (s z)) (s z)) by +_s.
        }
        """,
        "t",
        "2:5",
        "+_s",
    ),
    "intro_with_the_wrong_type": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ 'n z) 'n)] {
            intro n : prop.
            show (= (+ n z) n) by +_z.
        }
        """,
        "t",
        "2:15",  # the written type
        "nat",
    ),
    "intro_with_an_ill_typed_type": Fault(
        """\
        theorem t : [('n : nat) -> (= 'n 'n) -> (= 'n 'n)] {
            intro n : nat.
            intro h : (= n (s n n)).
        }
        """,
        "t",
        "3:15",
        "(s n n)",
    ),
    "intro_when_the_goal_is_not_an_arrow": Fault(
        """\
        theorem t : (= z z) {
            intro n : nat.
        }
        """,
        "t",
        "2:5",
        "not an arrow",
    ),
    "numeric_atom_in_statement": Fault(
        """\
        theorem t : (= (+ 2 z) 2) {
            show (= (+ 2 z) 2) by +_z.
        }
        """,
        "t",
        "1:19",
        "2",
    ),
    "goal_block_that_is_not_the_open_goal": Fault(
        """\
        theorem t : (= (s z) z) {
            goal (= z z) {
                show (= z z) by eq_refl.
            }
        }
        """,
        "t",
        "2:5",
        "does not match the open goal",
    ),
    "unfinished_proof": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ 'n (s z)) (s 'n))] {
            intro n : nat.
            show (= (+ n (s z)) (s (+ n z))) by +_s.
        }
        """,
        "t",
        "3:5",  # the last step, after which the goal is still open
        "still open",
    ),
    "apply_followed_by_the_wrong_goal_blocks": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ z 'n) 'n)] {
            apply nat_ind.
            goal (= (+ z z) z) {
                show (= (+ z z) z) by +_z.
            }
        }
        """,
        "t",
        "2:5",
        "apply nat_ind",
    ),
    "apply_of_an_unknown_name": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ z 'n) 'n)] {
            apply nat_induction.
        }
        """,
        "t",
        "2:11",  # the name
        "nat_induction",
    ),
    "failing_step_inside_a_goal_block": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ z 'n) 'n)] {
            apply nat_ind.
            goal (= (+ z z) z) {
                show (= (+ z z) z) by +_s.
            }
            goal [('n : nat) -> (= (+ z 'n) 'n) -> (= (+ z (s 'n)) (s 'n))] {
                intro n : nat.
                intro h : (= (+ z n) n).
                show (= (+ z (s n)) (s (+ z n))) by +_s.
                show (= (+ z (s n)) (s n)) by rewrite.
            }
        }
        """,
        "t",
        "4:9",
        "+_s",
    ),
    "current_goal_mismatch": Fault(
        """\
        theorem t : [('n : nat) -> (= (+ 'n z) 'n)] {
            intro n : nat.
            current goal: (= (+ z n) n).
            show (= (+ n z) n) by +_z.
        }
        """,
        "t",
        "3:5",
        "current goal",
    ),
    "using_a_lemma_whose_proof_failed": Fault(
        """\
        theorem false_lemma : (= (s z) z) {
            show (= (s z) z) by +_z.
        }

        theorem uses_it : (= (s z) z) {
            show (= (s z) z) by false_lemma.
        }
        """,
        "uses_it",
        "6:25",
        "false_lemma is not defined",
        also_fail=["false_lemma"],
    ),
    "rewriting_with_a_lemma_whose_proof_failed": Fault(
        """\
        theorem false_lemma : (= (s z) z) {
            show (= (s z) z) by +_z.
        }

        theorem rewrites_with_it : (= (s (s z)) (s z)) {
            show (= (s (s z)) (s (s z))) by eq_refl.
            show (= (s (s z)) (s z)) by rewrite.
        }
        """,
        "rewrites_with_it",
        "7:5",
        "rewrite",
        also_fail=["false_lemma"],
    ),
    "verify_block_with_a_false_step": Fault(
        """\
        verify v {
            show (= (+ z z) (s z)) by +_z.
        }
        """,
        "v",
        "2:5",
        "+_z",
    ),
    "ill_typed_declaration_fails_the_blocks_after_it": Fault(
        """\
        theorem before : (= z z) {
            show (= z z) by eq_refl.
        }

        bad : (s z z).

        theorem t : (= z z) {
            show (= z z) by eq_refl.
        }
        """,
        "t",
        "5:7",  # the declaration, not the block
        "(s z z)",
        ["before"],
        good_after=False,  # it would fail too: the declaration precedes it
    ),
}


@pytest.mark.parametrize("case", FAULTS.values(), ids=FAULTS.keys())
def test_failing_block_is_reported_at_its_step_and_others_still_pass(
    case: Fault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    text = dedent(case.text) + (GOOD_AFTER if case.good_after else "")
    path = tmp_path / "f.p"
    path.write_text(text, encoding="utf-8")

    status, out, err = run_telos(capsys, ["check", str(path), "--theory", "nat-add"])

    assert status == 1
    assert "Traceback" not in out + err
    lines = out.splitlines()
    failing = [line for line in lines if line.startswith(f"{case.block}: error at ")]
    assert len(failing) == 1, lines
    assert failing[0].startswith(f"{case.block}: error at {case.at}: "), failing[0]
    assert case.says in failing[0].split(": ", 2)[2]
    expected_ok = case.ok_blocks + (["good_after"] if case.good_after else [])
    for name in expected_ok:
        assert f"{name}: ok" in lines
    for name in case.also_fail:
        assert any(line.startswith(f"{name}: error at ") for line in lines)
    assert len(lines) == len(expected_ok) + 1 + len(case.also_fail)


def test_failing_block_through_the_console_script(tmp_path: Path):
    (tmp_path / "f.p").write_text(
        dedent(FAULTS["step_that_does_not_follow"].text) + GOOD_AFTER, encoding="utf-8"
    )

    done = console("check", "f.p", "--theory", "nat-add", cwd=tmp_path)

    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("t: error at 2:5: ")
    assert done.stdout.splitlines()[1] == "good_after: ok"
    assert "Traceback" not in done.stdout + done.stderr


def test_checking_a_failing_block_by_name_reports_only_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "f.p"
    path.write_text(dedent(FAULTS["using_a_lemma_whose_proof_failed"].text) + GOOD_AFTER)

    status, out, _ = run_telos(capsys, ["check", str(path), "uses_it", "--theory", "nat-add"])

    assert status == 1
    assert out.splitlines() == [out.splitlines()[0]]
    assert out.startswith("uses_it: error at 6:25: ")


def test_checking_only_passing_blocks_by_name_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "f.p"
    path.write_text(dedent(FAULTS["step_that_does_not_follow"].text) + GOOD_AFTER)

    status, out, err = run_telos(capsys, ["check", str(path), "good_after", "--theory", "nat-add"])

    assert (status, out, err) == (0, "good_after: ok\n", "")


def test_type_error_in_an_imported_file_names_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "helper.p").write_text("helper : (s z z).\n")
    path = tmp_path / "f.p"
    path.write_text('import "helper.p".\n' + GOOD_PROOF)

    status, out, _ = run_telos(capsys, ["check", str(path), "--theory", "nat-add"])

    assert status == 1
    assert out.startswith(f"t: error at {tmp_path / 'helper.p'}:1:10: ")
