"""The size of the kernel's trusted core, counted as issue and docs state it: lines of code,
not counting blank lines, comments and docstrings.

`TRUSTED` lists what the verdict of `telos check` depends on (docs/kernel.md explains each):
the core package, the parsed items it reads, the errors it raises, and the six named term
classes of `terms.py` that `from_named` reads (that file's operations, below its marker line,
are untrusted and not counted).
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

PEANO = Path(__file__).resolve().parents[1] / "src" / "telos" / "peano"
TRUSTED: tuple[tuple[str, str | None], ...] = (
    ("core/__init__.py", None),
    ("core/terms.py", None),
    ("core/typing.py", None),
    ("core/driver.py", None),
    ("syntax.py", None),
    ("errors.py", None),
    ("terms.py", "# Context-free operations"),  # only the term classes above this line
)
LIMIT = 1000


def code_lines(text: str) -> int:
    """Lines holding code: no blank line, comment or docstring (a string statement)."""
    lines: set[int] = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    for i, tok in enumerate(tokens):
        if tok.type in skip or tok.type == tokenize.ENDMARKER:
            continue
        if tok.type == tokenize.STRING and _is_docstring(tokens, i):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines)


def _is_docstring(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """A string that is a statement of its own: after a line break (or at the start), and
    followed by the end of the line."""
    j = i - 1
    while j >= 0 and tokens[j].type in (tokenize.NL, tokenize.COMMENT):
        j -= 1
    starts = j < 0 or tokens[j].type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    return starts and tokens[i + 1].type in (tokenize.NEWLINE, tokenize.ENDMARKER)


def trusted_counts() -> dict[str, int]:
    counts = {}
    for name, marker in TRUSTED:
        text = (PEANO / name).read_text()
        if marker is not None:
            text = text[: text.index(marker)]
        counts[name] = code_lines(text)
    return counts


if __name__ == "__main__":
    counts = trusted_counts()
    for name, n in counts.items():
        print(f"{n:5d}  src/telos/peano/{name}")
    print(f"{sum(counts.values()):5d}  in all (limit {LIMIT})")
