"""The `telos` command.

    telos check FILE.p [LEMMA ...] [--theory NAME_OR_PATH]
    telos prove "GOAL" --theory NAME [--search S] [--budget N] [--seed S] [--model CKPT]
    telos run [HYDRA FLAGS] [KEY=VALUE ...]

Exit status: 0 when every requested block verifies (or the goal is proven, or the run
completes), 1 when some block fails (or no proof is found within the budget, or the run
failed), 2 when the input cannot be used at all (one located message on stderr). Never a
traceback for bad input.

A GOAL may have whitespace around it; anything else that is not exactly one well-formed
statement (trailing text, a second term, nesting deeper than the parser's limit) is unusable.

`telos run` is a Hydra application (`telos.cli.run`): its arguments go to Hydra, not argparse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from telos.peano.errors import one_line
from telos.search.strategies import STRATEGIES
from telos.theories import THEORY_NAMES

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_UNUSABLE", "cmd_check", "cmd_prove", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors print one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="telos", description="A goal-oriented, self-improving theorem prover.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="verify the proofs in a Peano file")
    check.add_argument("file", help="a .p file")
    check.add_argument("lemmas", nargs="*", metavar="LEMMA", help="check only these blocks")
    check.add_argument(
        "--theory",
        metavar="NAME_OR_PATH",
        help=f"load a theory first: a packaged one ({', '.join(THEORY_NAMES)}) or a .p file",
    )
    prove = commands.add_parser("prove", help="search for a proof of one goal")
    prove.add_argument("goal", help="a statement, e.g. \"[('a0 : nat) -> (= (+ z 'a0) 'a0)]\"")
    prove.add_argument("--theory", metavar="NAME", required=True, help=", ".join(THEORY_NAMES))
    prove.add_argument("--search", default="mcts", choices=list(STRATEGIES))
    prove.add_argument("--budget", type=_positive, default=1000, help="node expansions (1000)")
    prove.add_argument("--seed", type=int, default=0)
    prove.add_argument("--model", metavar="CKPT", help="a checkpoint directory (default: the "
                       "uniform policy)")
    # Listed for `telos --help` only: `telos run …` is dispatched to Hydra before argparse.
    commands.add_parser(
        "run",
        help="the bootstrap loop, a Hydra application (telos run --help)",
        add_help=False,
    ).add_argument("overrides", nargs=argparse.REMAINDER, metavar="KEY=VALUE")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def unusable(message: str) -> int:
    """Print `telos: error: MESSAGE` (one line) on stderr; the exit status of unusable input."""
    print(f"telos: error: {one_line(message)}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_check(file: str, lemmas: Sequence[str], theory: str | None) -> int:
    from .check import cmd_check as check

    return check(file, lemmas, theory)


def cmd_prove(
    goal: str, theory_name: str, search: str, budget: int, seed: int, model: str | None = None
) -> int:
    from .prove import cmd_prove as prove

    return prove(goal, theory_name, search, budget, seed, model)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["run"]:
            from .run import main as run_main

            return run_main(argv[1:])
        args = _build_parser().parse_args(argv)
        if args.command == "check":
            return cmd_check(args.file, args.lemmas, args.theory)
        if args.command == "prove":
            return cmd_prove(
                args.goal, args.theory, args.search, args.budget, args.seed, args.model
            )
    except BrokenPipeError:  # `telos check … | head`: the reader has gone, nothing to say
        sys.stdout = open(os.devnull, "w")  # Python flushes stdout at exit: let it go nowhere
        return EXIT_FAILED
    return EXIT_UNUSABLE  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
