"""The trusted core stays small (issue: at most 1,000 lines of code), and docs/kernel.md lists
every file of it."""

from __future__ import annotations

from pathlib import Path

from core_size import LIMIT, TRUSTED, code_lines, trusted_counts

DOCS = Path(__file__).resolve().parents[1] / "docs" / "kernel.md"


def test_the_trusted_core_is_at_most_a_thousand_lines_of_code():
    counts = trusted_counts()
    print(f"trusted core: {sum(counts.values())} lines of code ({counts})")
    assert sum(counts.values()) <= LIMIT, counts


def test_docs_list_every_trusted_file():
    text = DOCS.read_text()
    for name, _marker in TRUSTED:
        assert f"`{name}`" in text, name


def test_comments_docstrings_and_blank_lines_do_not_count():
    text = '"""Module docstring."""\n\n# a comment\ndef f(x):\n    """Doc."""\n    return x\n'
    assert code_lines(text) == 2
    assert code_lines('x = """not a docstring"""\n') == 1
