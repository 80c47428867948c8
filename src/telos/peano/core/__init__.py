"""The trusted core of the kernel: what decides whether a proof is accepted.

Terms with de Bruijn indices (`terms.py`), their evaluation, definitional equality and type
inference, with the global context every block is checked in (`typing.py`), and the file-level
rules that turn typed proof terms into verdicts (`driver.py`). Everything else in `telos.peano`
— parser aside, which is held by a round-trip test — proposes; a proof counts only if the core
types its proof term as the statement. docs/kernel.md lists the rules and how each is checked.
"""

from .driver import Checker, Verdict, check_file
from .terms import (
    App,
    CoreError,
    EqRefl,
    EqSymm,
    Lam,
    Let,
    Rewrite,
    Term,
    Var,
    abstract,
    from_named,
)
from .typing import Env

__all__ = [
    "App",
    "Checker",
    "CoreError",
    "Env",
    "EqRefl",
    "EqSymm",
    "Lam",
    "Let",
    "Rewrite",
    "Term",
    "Var",
    "Verdict",
    "abstract",
    "check_file",
    "from_named",
]
