"""The `telos` command.

    telos check FILE.p [LEMMA ...] [--theory NAME]

Exit status: 0 when every requested block verifies, 1 when some block fails, 2 when the input
cannot be used at all (one located message on stderr). Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from telos.peano import PeanoError, check_items, load_file, load_items
from telos.theories import THEORY_NAMES, UnknownTheoryError, load_theory

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


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
        metavar="NAME",
        help=f"load a packaged theory first ({', '.join(THEORY_NAMES)})",
    )
    return parser


def _unusable(message: str) -> int:
    print(f"telos: error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_check(file: str, lemmas: Sequence[str], theory: str | None) -> int:
    try:
        prelude = []
        if theory is not None:
            t = load_theory(theory)
            prelude = load_items(t.text, str(t.path))
        items = load_file(file)
    except UnknownTheoryError as e:
        return _unusable(str(e).strip("'\""))
    except PeanoError as e:
        return _unusable(e.located())
    results = check_items(prelude + items)
    # Only the blocks of the file itself are reported (the theory's own come first).
    results = results[len(check_items(prelude)) :] if prelude else results
    if lemmas:
        first: dict[str, object] = {}
        for r in results:
            first.setdefault(r.name, r)
        missing = [name for name in lemmas if name not in first]
        if missing:
            return _unusable(f"{file}: no block named {', '.join(missing)}")
        results = [first[name] for name in dict.fromkeys(lemmas)]  # type: ignore[misc]
    for r in results:
        print(r.line(main_file=file))  # type: ignore[attr-defined]
    failed = sum(not r.ok for r in results)  # type: ignore[attr-defined]
    if not results:
        print(f"{file}: no proofs found", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "check":
        return cmd_check(args.file, args.lemmas, args.theory)
    return EXIT_UNUSABLE  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
