"""The `telos` command on unusable or hostile input (SPEC §3.7 S8): never a traceback, never a hang.

Each case is a command line, with the files it needs, and one of two outcomes:

- unusable input: exit status 2, nothing on stdout and exactly one line on stderr, naming
  `file:line:col` (or `GOAL:line:col`) wherever a position applies;
- a verdict: exit status 0 or 1, as `telos check` and `telos prove` report a proof.

The attack files of `../shared/peano/attacks` that attack resources (T1 nesting, H1 typing time,
H2 an endless import) are among them. Cases that could hang or take long run as a real process
under a timeout; the others run in process (`cli_util.run_telos`), timed too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cli_util import run_telos

from telos.peano import App, Atom, ParseError, Term, check_text, parse_term_exact
from telos.peano.errors import MAX_NESTING, RECURSION_LIMIT, DepthError, bounded_recursion
from telos.peano.source import MAX_SOURCE_BYTES
from telos.theories import load_theory

TELOS = shutil.which("telos", path=str(Path(sys.executable).parent)) or "telos"
ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "peano" / "attacks"
TIMEOUT = 120  # seconds: generous; every case below takes well under one on this machine
GOOD = "theorem t : (= z z) {\n    show (= z z) by eq_refl.\n}\n"
LOCATED = re.compile(r"(\.p|GOAL):\d+:\d+: ")


def nested(depth: int, opener: str = "(s ", inner: str = "z", closer: str = ")") -> str:
    return opener * depth + inner + closer * depth


def arrows(depth: int) -> str:
    """`[(= z z) -> [(= z z) -> … (= z z)]]`: the shape of attack H1."""
    return nested(depth, "[(= z z) -> ", "(= z z)", "]")


def blocks(depth: int) -> str:
    """A theorem whose proof nests `depth` blocks, the innermost proving the goal."""
    return (
        "theorem t : (= z z) {\n"
        + "goal (= z z) {\n" * (depth - 1)
        + "show (= z z) by eq_refl.\n"
        + "}\n" * depth
    )


def make_fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.p")


def make_directory(folder: Path) -> None:
    (folder / "folder.p").mkdir()


def make_link_to_dev_zero(folder: Path) -> None:
    (folder / "zero.p").symlink_to("/dev/zero")


def make_import_chain(folder: Path) -> None:
    """300 files, each importing the next: a chain longer than any recursion should follow."""
    for i in range(300):
        (folder / f"c{i}.p").write_text(f'import "c{i + 1}.p".\n')
    (folder / "c300.p").write_text(GOOD)


@dataclass
class Case:
    """`telos ARGS` (`{dir}` is the folder of `files`) and its outcome.

    `status` 2: `says` are fragments of the one stderr line, `located` whether it names a
    position. `status` 0 or 1: `says` are fragments of stdout.
    """

    args: list[str]
    status: int
    says: list[str] = field(default_factory=list)
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    located: bool = True
    process: bool = False  # run as a real process under TIMEOUT


def check(*args: str) -> list[str]:
    """`telos check ARGS --theory nat-add`."""
    return ["check", *args, "--theory", "nat-add"]


def prove(goal: str, *args: str) -> list[str]:
    return ["prove", goal, "--theory", "nat-add", *args]


CASES = {
    # -- the resource attacks --------------------------------------------------------------------
    "attack_T1_term_330_deep": Case(
        check(str(ATTACKS / "T1_recursion_traceback.p")),
        2,
        [f"T1_recursion_traceback.p:1:{12 + 3 * MAX_NESTING + 1}:", "term nested deeper"],
        process=True,
    ),
    "attack_H1_24_nested_arrows": Case(
        check(str(ATTACKS / "H1_exponential_arrow_typing.p")),
        1,
        ["t: error at", "proof goal is still open"],
        process=True,
    ),
    "attack_H2_import_of_dev_zero": Case(
        check(str(ATTACKS / "H2_import_dev_zero.p")),
        2,
        ['H2_import_dev_zero.p:1:1: import "/dev/zero": not a regular file'],
        process=True,
    ),
    "H1_at_100_levels": Case(
        check("{dir}/f.p"),
        1,
        ["t: error at", "proof goal is still open"],
        files={"f.p": f"theorem t : {arrows(100)} {{ halt. }}\n"},
        process=True,
    ),
    "H1_at_the_nesting_limit": Case(
        check("{dir}/f.p"),
        1,
        ["t: error at"],
        # the `(= z z)` inside the innermost arrow is one level more
        files={"f.p": f"theorem t : {arrows(MAX_NESTING - 1)} {{ halt. }}\n"},
        process=True,
    ),
    # -- nesting ---------------------------------------------------------------------------------
    "term_at_the_nesting_limit": Case(
        check("{dir}/f.p"),
        0,
        ["t: ok"],
        files={"f.p": f"theorem t : (= {nested(MAX_NESTING - 1)} {nested(MAX_NESTING - 1)}) "
               f"{{\n    show (= {nested(MAX_NESTING - 1)} {nested(MAX_NESTING - 1)}) by "
               "eq_refl.\n}\n"},
    ),
    "term_one_level_over_the_limit": Case(
        check("{dir}/f.p"),
        2,
        [f"f.p:1:{16 + 3 * (MAX_NESTING - 1)}:", f"term nested deeper than {MAX_NESTING}"],
        files={"f.p": f"theorem t : (= {nested(MAX_NESTING)} z) {{\n}}\n"},
    ),
    "term_100000_deep": Case(
        check("{dir}/f.p"),
        2,
        ["term nested deeper"],
        files={"f.p": f"theorem t : (= {nested(100_000)} z) {{\n}}\n"},
        process=True,
    ),
    "lambdas_over_the_limit_in_a_definition": Case(
        check("{dir}/f.p"),
        2,
        ["f.p:1:", "term nested deeper"],
        files={"f.p": "f : nat = " + nested(MAX_NESTING + 1, "(lambda (x : nat) ", "x") + ".\n"},
    ),
    "blocks_at_the_nesting_limit": Case(
        check("{dir}/f.p"), 0, ["t: ok"], files={"f.p": blocks(MAX_NESTING)}
    ),
    "blocks_one_level_over_the_limit": Case(
        check("{dir}/f.p"),
        2,
        [f"f.p:{MAX_NESTING + 1}:14:", f"block nested deeper than {MAX_NESTING}"],
        files={"f.p": blocks(MAX_NESTING + 1)},
    ),
    "blocks_5000_deep": Case(
        check("{dir}/f.p"), 2, ["block nested deeper"], files={"f.p": blocks(5000)}
    ),
    # -- what is read ----------------------------------------------------------------------------
    "dev_zero_as_the_file": Case(
        check("/dev/zero"), 2, ["/dev/zero: not a regular file"], located=False, process=True
    ),
    "fifo_as_the_file": Case(
        check("{dir}/pipe.p"),
        2,
        ["pipe.p: not a regular file"],
        setup=make_fifo,
        located=False,
        process=True,
    ),
    "fifo_imported": Case(
        check("{dir}/f.p"),
        2,
        ['f.p:4:1: import "pipe.p": not a regular file'],
        files={"f.p": GOOD + 'import "pipe.p".\n'},
        setup=make_fifo,
        process=True,
    ),
    "link_to_dev_zero_imported": Case(
        check("{dir}/f.p"),
        2,
        ['f.p:1:1: import "zero.p": not a regular file'],
        files={"f.p": 'import "zero.p".\n' + GOOD},
        setup=make_link_to_dev_zero,
        process=True,
    ),
    "directory_as_the_file": Case(
        check("{dir}/folder.p"), 2, ["folder.p: is a directory"], setup=make_directory,
        located=False,
    ),
    "directory_imported": Case(
        check("{dir}/f.p"),
        2,
        ['f.p:1:1: import "folder.p": is a directory'],
        files={"f.p": 'import "folder.p".\n' + GOOD},
        setup=make_directory,
    ),
    "empty_import_path": Case(
        check("{dir}/f.p"),
        2,
        ['f.p:1:1: import "": is a directory'],
        files={"f.p": 'import "".\n' + GOOD},
    ),
    "nul_byte_in_an_import_path": Case(
        check("{dir}/f.p"),
        2,
        ["f.p:1:1: import", "cannot"],
        files={"f.p": 'import "a\0b.p".\n' + GOOD},
    ),
    "file_over_the_size_limit": Case(
        check("{dir}/big.p"),
        2,
        ["big.p: file of", f"over the limit of {MAX_SOURCE_BYTES} bytes"],
        files={"big.p": "/*" + " " * MAX_SOURCE_BYTES + "*/\n" + GOOD},
        located=False,
        process=True,
    ),
    "import_over_the_size_limit": Case(
        check("{dir}/f.p"),
        2,
        ['f.p:1:1: import "big.p": file of', "over the limit"],
        files={"f.p": 'import "big.p".\n' + GOOD, "big.p": "/*" + " " * MAX_SOURCE_BYTES + "*/"},
        process=True,
    ),
    "file_at_the_size_limit": Case(
        check("{dir}/f.p"),
        0,
        ["t: ok"],
        files={"f.p": GOOD + "/*" + " " * (MAX_SOURCE_BYTES - len(GOOD) - 4) + "*/"},
        process=True,
    ),
    "import_cycle": Case(
        check("{dir}/a.p"),
        0,
        ["t: ok", "u: ok"],
        files={
            "a.p": 'import "b.p".\n' + GOOD,
            "b.p": 'import "a.p".\ntheorem u : (= (s z) (s z)) {\n'
            "    show (= (s z) (s z)) by eq_refl.\n}\n",
        },
    ),
    "self_import": Case(
        check("{dir}/f.p"), 0, ["t: ok"], files={"f.p": 'import "f.p".\n' + GOOD}
    ),
    "import_chain_300_files_long": Case(
        check("{dir}/c0.p"), 0, ["t: ok"], setup=make_import_chain, process=True
    ),
    # -- bytes and text --------------------------------------------------------------------------
    "nul_byte_in_the_text": Case(
        check("{dir}/f.p"), 2, ["f.p:2:5:"], files={"f.p": "theorem t : (= z z) {\n    \0\n}\n"}
    ),
    "invalid_utf8_in_the_middle": Case(
        check("{dir}/f.p"),
        2,
        ["f.p:2:11:", "not UTF-8"],
        files={"f.p": GOOD.encode().replace(b"show (", b"show (\xc3\x28")},
    ),
    "byte_order_mark": Case(
        check("{dir}/f.p"), 2, ["f.p:1:1:"], files={"f.p": "\ufeff" + GOOD}
    ),
    "empty_file": Case(check("{dir}/f.p"), 0, files={"f.p": ""}),
    "only_a_comment": Case(check("{dir}/f.p"), 0, files={"f.p": "/* nothing */\n"}),
    "unclosed_comment_at_the_end": Case(
        check("{dir}/f.p"), 2, ["f.p:4:1:"], files={"f.p": GOOD + "/* open\n"}
    ),
    "unbalanced_closing_bracket": Case(
        check("{dir}/f.p"),
        2,
        ["f.p:1:19:", 'expected "{"'],
        files={"f.p": "theorem t : (= z z)) {\n    show (= z z) by eq_refl.\n}\n"},
    ),
    "stray_closing_brace": Case(check("{dir}/f.p"), 2, ["f.p:4:1:"], files={"f.p": GOOD + "}\n"}),
    "huge_numeral": Case(
        check("{dir}/f.p"),
        1,
        ["t: error at 1:16:", "numeric"],
        files={"f.p": "theorem t : (= " + "9" * 5000 + " z) {\n    halt.\n}\n"},
    ),
    "atom_of_a_million_characters": Case(
        check("{dir}/f.p"),
        1,
        ["t: error at 1:16:"],
        files={"f.p": "theorem t : (= " + "a" * 1_000_000 + " z) {\n    halt.\n}\n"},
        process=True,
    ),
    "arrow_of_20000_unquoted_binders": Case(
        check("{dir}/f.p"),
        1,
        ["t: error at", "still open"],
        files={"f.p": "theorem t : ["
               + "".join(f"(x{i} : nat) -> " for i in range(20_000))
               + "(= x0 x0)] {\n    halt.\n}\n"},
        process=True,
    ),
    # -- the command line ------------------------------------------------------------------------
    "unknown_theory": Case(
        ["check", "{dir}/f.p", "--theory", "../../etc/passwd"],
        2,
        ["unknown theory"],
        files={"f.p": GOOD},
        located=False,
    ),
    "unknown_lemma": Case(
        check("{dir}/f.p", "nope"), 2, ["f.p: no block named nope"], files={"f.p": GOOD},
        located=False,
    ),
    "lemma_name_with_a_newline": Case(
        check("{dir}/f.p", "a\nb"), 2, ["no block named a\\nb"], files={"f.p": GOOD},
        located=False,
    ),
    "file_name_with_a_newline": Case(
        check("{dir}/no\nsuch.p"), 2, ["no\\nsuch.p: no such file"], located=False
    ),
    # -- telos prove goals -----------------------------------------------------------------------
    "goal_with_leading_space": Case(prove(" (= z z)"), 0, ["theorem goal : (= z z) {"]),
    "goal_with_surrounding_whitespace": Case(
        prove("\t\n(= z z) \n"), 0, ["theorem goal : (= z z) {"]
    ),
    "goal_with_trailing_text": Case(
        prove("(= z z) this is not part of the goal"), 2, ["GOAL:1:9:", '"this"']
    ),
    "goal_of_two_statements": Case(prove("(= z z) (= z z)"), 2, ["GOAL:1:9:"]),
    "goal_with_a_period": Case(prove("(= z z)."), 2, ["GOAL:1:8:"]),
    "goal_of_only_whitespace": Case(prove("   "), 2, ["GOAL:1:4:", "expected a term"]),
    "goal_with_a_nul_byte": Case(prove("(= z \0 z)"), 2, ["GOAL:1:6:", "\\x00"]),
    "goal_that_is_a_theorem_block": Case(
        prove("theorem t : (= z z) { show (= z z) by eq_refl. }"), 2, ["GOAL:1:"]
    ),
    "goal_that_is_a_lambda": Case(
        prove("(lambda (x : nat) x)"), 2, ["GOAL:1:1:", "cannot appear in a statement"]
    ),
    "goal_400_deep": Case(
        prove(f"(= {nested(400)} z)"),
        2,
        [f"GOAL:1:{4 + 3 * (MAX_NESTING - 1)}:", "term nested deeper"],
        process=True,
    ),
    "goal_of_25_nested_arrows": Case(prove(arrows(25)), 1, ["no proof within"], process=True),
    "goal_of_100_nested_arrows": Case(
        prove(arrows(100), "--budget", "200"), 1, ["no proof within"], process=True
    ),
    "goal_with_1000_binders": Case(
        prove("[" + "".join(f"('a{i} : nat) -> " for i in range(1000)) + "(= z z)]",
              "--budget", "10"),
        1,
        ["no proof within 10 nodes"],
        process=True,
    ),
}


def run_case(case: Case, folder: Path, capsys: pytest.CaptureFixture[str]):
    for name, content in case.files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    if case.setup is not None:
        case.setup(folder)
    args = [a.replace("{dir}", str(folder)) for a in case.args]
    start = time.perf_counter()
    if case.process:
        done = subprocess.run(
            [TELOS, *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=folder,
            errors="backslashreplace",
        )
        status, out, err = done.returncode, done.stdout, done.stderr
    else:
        status, out, err = run_telos(capsys, args)
    return status, out, err, time.perf_counter() - start


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_input_gives_one_located_line_or_a_verdict(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    status, out, err, seconds = run_case(case, tmp_path, capsys)

    assert "Traceback" not in out + err
    assert seconds < TIMEOUT
    assert status == case.status, (status, out[-2000:], err[-2000:])
    if status == 2:
        assert out == ""
        assert err.endswith("\n") and err.count("\n") == 1, err
        assert err.startswith("telos: error: ")
        if case.located:
            assert LOCATED.search(err), err
        shown = err.replace(str(tmp_path), "{dir}")
        for text in case.says:
            assert text in shown, shown
    else:
        for text in case.says:
            assert text in out, out[-2000:]


def test_there_are_at_least_40_hostile_inputs():
    assert len(CASES) >= 40


# -- the recursion guard of the library ------------------------------------------------------


def depth(t: Term) -> int:
    """A recursive walk, as the kernel's operations on terms are."""
    return 1 + max(map(depth, t.args)) if type(t) is App else 0


def test_terms_built_deeper_than_the_guard_allows_give_a_located_depth_error():
    # Substitution and unfolding build terms deeper than any parsed one.
    deep = nested_term(50_000)
    with bounded_recursion():
        assert depth(nested_term(MAX_NESTING * 8)) == MAX_NESTING * 8  # room to spare
    with pytest.raises(DepthError) as info:
        with bounded_recursion((3, 7), "f.p"):
            depth(deep)
    assert info.value.located() == "f.p:3:7: terms nested too deeply to check"


def nested_term(n: int) -> Term:
    t: Term = Atom("z")
    for _ in range(n):
        t = App(Atom("s"), (t,))
    return t


def test_the_guard_puts_the_interpreter_limit_back():
    before = sys.getrecursionlimit()
    with bounded_recursion():
        assert sys.getrecursionlimit() >= RECURSION_LIMIT
        with bounded_recursion():
            pass
        assert sys.getrecursionlimit() >= RECURSION_LIMIT  # the outer guard still holds
    assert sys.getrecursionlimit() == before
    check_text(GOOD, prelude=load_theory("nat-add").text)
    with pytest.raises(ParseError):
        parse_term_exact(nested(MAX_NESTING + 1))
    assert sys.getrecursionlimit() == before
