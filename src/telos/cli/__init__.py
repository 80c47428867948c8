"""The `telos` command.

    telos check FILE.p [LEMMA ...] [--theory NAME]
    telos prove "GOAL" --theory NAME [--search S] [--budget N] [--seed S]

Exit status: 0 when every requested block verifies (or the goal is proven), 1 when some block
fails (or no proof is found within the budget), 2 when the input cannot be used at all (one
located message on stderr). Never a traceback for bad input.

A GOAL may have whitespace around it; anything else that is not exactly one well-formed
statement (trailing text, a second term, nesting deeper than the parser's limit) is unusable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from telos.peano import (
    CheckedContext,
    PeanoError,
    bounded_recursion,
    check_statement,
    load_file,
    load_items,
    load_theory_text,
)
from telos.peano.errors import one_line
from telos.search.strategies import STRATEGIES
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
    prove = commands.add_parser("prove", help="search for a proof of one goal")
    prove.add_argument("goal", help="a statement, e.g. \"[('a0 : nat) -> (= (+ z 'a0) 'a0)]\"")
    prove.add_argument("--theory", metavar="NAME", required=True, help=", ".join(THEORY_NAMES))
    prove.add_argument("--search", default="mcts", choices=list(STRATEGIES))
    prove.add_argument("--budget", type=_positive, default=1000, help="node expansions (1000)")
    prove.add_argument("--seed", type=int, default=0)
    prove.add_argument("--model", metavar="CKPT", help="a checkpoint directory (default: the "
                       "uniform policy)")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def _unusable(message: str) -> int:
    print(f"telos: error: {one_line(message)}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_check(file: str, lemmas: Sequence[str], theory: str | None) -> int:
    try:
        prelude = []
        if theory is not None:
            t = load_theory(theory)
            prelude = load_items(t.text, str(t.path))
        items = load_file(file)
        with bounded_recursion(file=file):
            context = CheckedContext()
            context.check(prelude)  # the theory's own blocks are not reported
            # With LEMMA names, checking stops after the last of them: later blocks cannot
            # change their verdicts (a verify block sees the whole file, so it checks all).
            results = context.check(items, wanted=set(lemmas) or None)
    except UnknownTheoryError as e:
        return _unusable(str(e).strip("'\""))
    except PeanoError as e:
        return _unusable(e.located())
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


def cmd_prove(
    goal: str, theory_name: str, search: str, budget: int, seed: int, model: str | None = None
) -> int:
    from tqdm import tqdm

    from telos.search import Problem, UniformPolicy, prove

    try:
        theory = load_theory(theory_name)
        # Checked here, against the text as given, so that a position names its column.
        check_statement(load_theory_text(theory.text), goal, file="GOAL")
    except UnknownTheoryError as e:
        return _unusable(str(e).strip("'\""))
    except PeanoError as e:
        return _unusable(e.located())
    policy = UniformPolicy()
    if model is not None:
        from telos.model import CheckpointError, ModelPolicy, load_checkpoint

        try:
            policy = ModelPolicy(load_checkpoint(model))
        except CheckpointError as e:
            return _unusable(str(e))
    problem = Problem(theory.text, theory.premises, goal.strip(), name="goal")
    # The bar appears only when the search runs over a second (tqdm's `delay`).
    with tqdm(total=budget, desc="expansions", unit="node", delay=1.0, file=sys.stderr,
              leave=False) as bar:
        def on_step(expansions: int, finished: int) -> None:
            bar.update(min(expansions, budget) - bar.n)

        try:
            result = prove(problem, policy, search, budget, seed, on_step=on_step)
        except PeanoError as e:  # e.g. a state too deep to print for the policy
            return _unusable(e.located())
    if result.success:
        print(result.proof, end="")
        return EXIT_OK
    print(f"no proof within {budget} nodes")
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
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
