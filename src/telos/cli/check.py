"""`telos check FILE.p [LEMMA ...] [--theory NAME_OR_PATH]`: verify the proofs in a Peano file.

The theory is a packaged one by name, or a path to the user's own `.p` theory (what the loop's
`theory=` takes, so that a run's `library.p` can be checked against it); a path is read with
the same limits and located errors as FILE (not a regular file, over 4 MiB, not UTF-8, a parse
error at `path:line:col`). A name that is not packaged and does not end in `.p` is an unknown
theory, whether or not a file of that name exists.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from telos.peano import CheckedContext, PeanoError, bounded_recursion, load_file, load_items
from telos.theories import THEORY_NAMES, UnknownTheoryError, load_theory

from . import EXIT_FAILED, EXIT_OK, unusable


def load_prelude(theory: str | None) -> list:
    """The items of a theory given by name or path (none without one); raises
    UnknownTheoryError or PeanoError (located)."""
    if theory is None:
        return []
    if theory in THEORY_NAMES:
        t = load_theory(theory)
        return load_items(t.text, str(t.path))
    if Path(theory).suffix != ".p":
        known = ", ".join(THEORY_NAMES)
        raise UnknownTheoryError(f"unknown theory '{theory}' (known: {known}; or a path to a "
                                 ".p file)")
    with bounded_recursion(file=theory):
        return load_file(theory)


def cmd_check(file: str, lemmas: Sequence[str], theory: str | None) -> int:
    try:
        prelude = load_prelude(theory)
        items = load_file(file)
        with bounded_recursion(file=file):
            context = CheckedContext()
            context.check(prelude)  # the theory's own blocks are not reported
            # With LEMMA names, checking stops after the last of them: later blocks cannot
            # change their verdicts (a verify block sees the whole file, so it checks all).
            results = context.check(items, wanted=set(lemmas) or None)
    except UnknownTheoryError as e:
        return unusable(str(e).strip("'\""))
    except PeanoError as e:
        return unusable(e.located())
    if lemmas:
        first: dict[str, object] = {}
        for r in results:
            first.setdefault(r.name, r)
        missing = [name for name in lemmas if name not in first]
        if missing:
            return unusable(f"{file}: no block named {', '.join(missing)}")
        results = [first[name] for name in dict.fromkeys(lemmas)]  # type: ignore[misc]
    for r in results:
        print(r.line(main_file=file))  # type: ignore[attr-defined]
    failed = sum(not r.ok for r in results)  # type: ignore[attr-defined]
    if not results:
        print(f"{file}: no proofs found", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
