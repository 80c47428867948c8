"""Goal sets: named lists of theorems to steer the loop toward, read from JSON files.

A goal-set file is the goal-conditioned Minimo fork's shape (DESIGN, "Goal-set files"):

    {"goals": [{"name": "zero_add", "theorem": "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"}, ...]}

with optional extra fields at any level: a goal's extra fields (the fork's `solution` lists, for
instance) are kept unchanged in `Goal.extra`, the top level's in `GoalSet.extra`. telos's own
files add a top-level `"theory"` (the packaged theory the goals belong to) and a `"measured"`
record of how their easy/hard property was measured (`benchmarks/goal_sets.py`).

`load_goal_set(spec, derivation)` reads a packaged set by name or any file by path. Given the
theory's derivation, every theorem must pass the kernel's strict `check_statement`. Bad input is
one `GoalSetError` line, located `FILE:LINE:COL: reason` wherever a position applies (an
ill-formed theorem at the offending character inside its JSON string).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from telos.peano import Derivation, PeanoError, check_statement

__all__ = ["GOAL_SET_NAMES", "Goal", "GoalSet", "GoalSetError", "load_goal_set"]

GOAL_SET_NAMES: tuple[str, ...] = (
    "nat-add-easy",
    "nat-add-hard",
    "nat-mul-easy",
    "nat-mul-hard",
    "groups-easy",
    "groups-hard",
    "propositional-logic-easy",
    "propositional-logic-hard",
)

MAX_FILE_BYTES = 4 * 1024 * 1024
"""The largest goal-set file read (the kernel's limit on a `.p` file, docs/kernel.md)."""

# A goal's name becomes the name of its theorem block (search's `Problem.name`): one atom of the
# language, not a parameter (SPEC §1.1). The same pattern as `_NAME` in telos/search/prove.py,
# written out again because this layer may import nothing of telos but the kernel.
_NAME = re.compile(r"[0-9a-zA-Z_\-+/*=!$^><][0-9a-zA-Z'_\-+/*=!$^><]*")

_JSON_SPACE = " \t\n\r"
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class GoalSetError(ValueError):
    """A goal set that cannot be used: one line, `FILE:LINE:COL: reason` where a position
    applies."""


@dataclass(frozen=True)
class Goal:
    """One goal: the theorem's name, its statement text, and the entry's other fields."""

    name: str
    theorem: str
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class GoalSet:
    """A loaded goal set: its name (the packaged name, or the file's stem), its goals in file
    order, the file it came from, the packaged theory it names (None if the file names none)
    and the file's other top-level fields (e.g. `measured`)."""

    name: str
    goals: tuple[Goal, ...]
    path: Path
    theory: str | None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, repr=False)


def load_goal_set(
    spec: str | os.PathLike[str], derivation: Derivation | None = None
) -> GoalSet:
    """The goal set `spec`: a packaged name (one of GOAL_SET_NAMES) or a path to a JSON file.

    With `derivation` (the theory's, from `telos.peano.load_theory_text`), every theorem must be
    well-formed in it and no goal may be named after something the theory declares.
    Raises GoalSetError (one located line) for anything that cannot be used.
    """
    spec = os.fspath(spec)  # a Path is welcome too
    if spec in GOAL_SET_NAMES:
        name, path = spec, _packaged_path(spec)
    else:
        path = Path(spec)
        if not spec or (not _looks_like_path(spec) and not _exists(path)):
            known = ", ".join(GOAL_SET_NAMES)
            raise GoalSetError(_one_line(f"unknown goal set '{spec}' (known: {known})"))
        name = path.stem
    file = str(path)
    text = _read_text(path, file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        where = f"{file}:{e.lineno}:{e.colno}"
        raise GoalSetError(_one_line(f"{where}: invalid JSON: {e.msg}")) from None
    except RecursionError:
        raise GoalSetError(_one_line(f"{file}: invalid JSON: nested too deeply")) from None
    return _goal_set(name, path, _Located(file, text), data, derivation)


# -- reading --------------------------------------------------------------------------------


def _packaged_path(name: str) -> Path:
    resource = resources.files(__package__) / "goals" / f"{name}.json"
    return resource if isinstance(resource, Path) else Path(str(resource))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except ValueError:  # an embedded NUL: no such file (reading it says so, located)
        return True


def _looks_like_path(spec: str) -> bool:
    """A spec that names a file rather than a packaged set: it has a directory part or ends in
    `.json`. A missing one is an unreadable file, not an unknown name."""
    return spec.endswith(".json") or "/" in spec or os.sep in spec or (
        os.altsep is not None and os.altsep in spec
    )


def _read_text(path: Path, file: str) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES of UTF-8."""
    regular = True
    try:
        # Looked at before opening: opening a FIFO would block, a directory fails obscurely.
        if stat.S_ISREG(path.stat().st_mode):
            with open(path, "rb") as handle:
                regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
                data = handle.read(MAX_FILE_BYTES + 1) if regular else b""
        else:
            regular = False
    except OSError as e:
        raise GoalSetError(_one_line(f"{file}: cannot read: {e.strerror or e}")) from None
    except ValueError as e:  # e.g. an embedded NUL in the path
        raise GoalSetError(_one_line(f"{file}: cannot read: {e}")) from None
    if not regular:
        raise GoalSetError(_one_line(f"{file}: not a regular file"))
    if len(data) > MAX_FILE_BYTES:
        raise GoalSetError(_one_line(f"{file}: larger than 4 MiB (the limit on a goal-set file)"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start].decode("utf-8")
        line = before.count("\n") + 1
        column = len(before) - before.rfind("\n")
        raise GoalSetError(_one_line(f"{file}:{line}:{column}: not UTF-8 text")) from None


# -- shape ----------------------------------------------------------------------------------


def _goal_set(
    name: str, path: Path, where: _Located, data: Any, derivation: Derivation | None
) -> GoalSet:
    if not isinstance(data, dict):
        where.fail((), f"a goal set is a JSON object with a \"goals\" list, not {_kind(data)}")
    theory = data.get("theory")
    if "theory" in data:
        _check_theory(where, theory)
    if "goals" not in data:
        where.fail((), 'no "goals" list in the goal set')
    entries = data["goals"]
    if not isinstance(entries, list):
        where.fail(("goals",), f'"goals" is a list of goals, not {_kind(entries)}')
    if not entries:
        where.fail(("goals",), '"goals" is empty: a goal set has at least one goal')
    goals: list[Goal] = []
    first_seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        at = ("goals", i)
        if not isinstance(entry, dict):
            where.fail(at, f"goal {i + 1} is a JSON object, not {_kind(entry)}")
        for key in ("name", "theorem"):
            if key not in entry:
                where.fail(at, f'goal {i + 1} has no "{key}"')
            if not isinstance(entry[key], str):
                kind = _kind(entry[key])
                where.fail((*at, key), f'the "{key}" of goal {i + 1} is text, not {kind}')
        goal_name, theorem = entry["name"], entry["theorem"]
        if _NAME.fullmatch(goal_name) is None:
            reason = f"goal name {goal_name!r} is not an atom that can name a theorem"
            where.fail((*at, "name"), reason)
        if goal_name in first_seen:
            line, _ = where.line_column(("goals", first_seen[goal_name], "name"))
            where.fail((*at, "name"), f"duplicate goal name {goal_name!r} (first on line {line})")
        first_seen[goal_name] = i
        if derivation is not None:
            if derivation.lookup(goal_name) is not None:
                reason = f"goal name {goal_name!r} is already declared by the theory"
                where.fail((*at, "name"), reason)
            _check_theorem(where, (*at, "theorem"), goal_name, theorem, derivation)
        extra = {key: value for key, value in entry.items() if key not in ("name", "theorem")}
        goals.append(Goal(goal_name, theorem, extra))
    extra = {key: value for key, value in data.items() if key not in ("goals", "theory")}
    return GoalSet(name, tuple(goals), path, theory, extra)


def _check_theory(where: _Located, theory: Any) -> None:
    # Imported here: the package's __init__ imports this module before it defines the names.
    from . import THEORY_NAMES

    if not isinstance(theory, str) or theory not in THEORY_NAMES:
        known = ", ".join(THEORY_NAMES)
        shown = repr(theory) if isinstance(theory, str) else _kind(theory)
        where.fail(("theory",), f'"theory" is a packaged theory name ({known}), not {shown}')


def _check_theorem(
    where: _Located, at: tuple, goal_name: str, theorem: str, derivation: Derivation
) -> None:
    """The kernel's strict check of one theorem; its error located inside the JSON string."""
    try:
        check_statement(derivation, theorem, file=goal_name)
    except PeanoError as e:
        index = None
        if e.pos is not None:
            line, column = e.pos
            starts = [0] + [k + 1 for k, c in enumerate(theorem) if c == "\n"]
            index = min(starts[min(line, len(starts)) - 1] + column - 1, len(theorem))
        reason = f"the theorem of goal {goal_name!r} is not well-formed: {e.message}"
        where.fail(at, reason, inside=index)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _one_line(text: str) -> str:
    """`text` with non-printable characters escaped, so that a hostile name stays one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


# -- positions in the JSON text ---------------------------------------------------------------


class _Located:
    """Errors located in a goal-set file: `fail(path, reason)` raises at the value that `path`
    (keys and list indices from the top) names in the text. The json module keeps no
    positions, so a small scanner over the (already valid) text finds the values' offsets."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self._offsets: dict[tuple, int] | None = None

    def offset(self, path: tuple) -> int:
        if self._offsets is None:
            self._offsets = _value_offsets(self.text, max_depth=3)
        return self._offsets.get(path, 0)

    def line_column(self, path: tuple, inside: int | None = None) -> tuple[int, int]:
        offset = self.offset(path)
        if inside is not None:  # a character of the string value at `offset`
            offset = _raw_offset(self.text, offset, inside)
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - self.text.rfind("\n", 0, offset)

    def fail(self, path: tuple, reason: str, inside: int | None = None) -> Any:
        line, column = self.line_column(path, inside)
        raise GoalSetError(_one_line(f"{self.file}:{line}:{column}: {reason}"))


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in _JSON_SPACE:
        i += 1
    return i


def _value_offsets(text: str, max_depth: int) -> dict[tuple, int]:
    """The offset of every value of the valid JSON `text` at most `max_depth` keys/indices
    deep, by its path. Iterative, so deep nesting costs no stack; a repeated key keeps its
    last value, as `json.loads` does."""
    offsets: dict[tuple, int] = {}
    containers: list[list] = []  # [is_object, path, items so far]
    path: tuple = ()
    i = _skip_space(text, 0)
    while True:
        if len(path) <= max_depth:
            offsets[path] = i
        c = text[i]
        opened = False
        if c in "{[":
            i = _skip_space(text, i + 1)
            if text[i] in "}]":
                i = _skip_space(text, i + 1)
            else:
                containers.append([c == "{", path, 0])
                path, i = _member(text, i, containers[-1])
                opened = True
        elif c == '"':
            match = _JSON_STRING.match(text, i)
            assert match is not None  # the text is valid JSON
            i = _skip_space(text, match.end())
        else:  # a number, true, false or null
            while i < len(text) and text[i] not in ",]}" + _JSON_SPACE:
                i += 1
            i = _skip_space(text, i)
        if opened:
            continue
        while containers:  # after a value: the next member, or close containers
            if text[i] == ",":
                containers[-1][2] += 1
                path, i = _member(text, _skip_space(text, i + 1), containers[-1])
                break
            containers.pop()
            i = _skip_space(text, i + 1)
        else:
            return offsets


def _member(text: str, i: int, container: list) -> tuple[tuple, int]:
    """The path of the next member of `container` and the offset of its value."""
    is_object, path, index = container
    if not is_object:
        return (*path, index), i
    match = _JSON_STRING.match(text, i)
    assert match is not None
    key = json.loads(match.group())
    i = _skip_space(text, match.end())  # at ':'
    return (*path, key), _skip_space(text, i + 1)


def _raw_offset(text: str, quote: int, index: int) -> int:
    """The offset in `text` of character `index` of the JSON string whose opening quote is at
    `quote` (escapes such as `\\"` or `\\u00e9` are one character of the value; a surrogate pair
    of escapes is one, as `json.loads` decodes it). The index past the end is the closing quote."""
    i = quote + 1
    for _ in range(index):
        if text[i] != "\\":
            i += 1
        elif text[i + 1] != "u":
            i += 2
        elif (
            0xD800 <= int(text[i + 2 : i + 6], 16) < 0xDC00
            and text.startswith("\\u", i + 6)
            and 0xDC00 <= int(text[i + 8 : i + 12], 16) < 0xE000
        ):
            i += 12
        else:
            i += 6
    return i
