"""The parser of the Peano language: SPEC §1 (lexical rules and PEG grammar) and §1.4 (binders).

A hand-written recursive-descent PEG parser over an index into the source string. Each rule
method either returns its result with the index moved past it (and past the whitespace and
comments that follow, so every rule starts on a token), or returns `None` with the index back
where it started. Ordered choice is `a() or b()`; repetitions never backtrack into an iteration
that has finished. Keywords are literal prefixes with no word-boundary check, as in the original
(`letter : nat.` declares `ter`, SPEC §7 item 12).

Error positions follow the reference parser (a pest grammar): a parse error is reported at the
furthest position where a *named rule* (atom, application, arrow, a top-level item, a proof step,
…) was tried and failed, so `show (= z z) by eq_refl;` is reported at the `)` after which one more
term could have started, not at the `;`. Literal tokens (`.`, `by`, `->`, …) are tracked
separately: where one failed further on, the message says so as well.

Binder renaming (SPEC §1.4): a declaration in an arrow or a lambda whose name lacks the quote is
renamed `'name`, and so are the occurrences of `name` in the later inputs and the output (body),
with the shadowing rules of substitution (§2.3); the declaration's own type is left alone.
Every term records the `(line, column)` of its first character.

Nesting is bounded (S8): a term may nest at most MAX_NESTING applications, lambdas and arrows
(an arrow input's parenthesised declaration counts as a level too, the parser trying an
application there first), and a proof at most MAX_NESTING `have`/`goal` blocks; deeper input
is a ParseError at the bracket that opens the level too many. The parse runs under
`bounded_recursion`, which gives it the stack these nestings need.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import TypeVar

from .errors import MAX_NESTING, ParseError, bounded_recursion
from .syntax import (
    Action,
    ApplyStep,
    Assume,
    Backward,
    ConstructStep,
    CurrentGoalStep,
    Declare,
    Forward,
    GoalBlock,
    HaltStep,
    HaveBlock,
    Import,
    IntroStep,
    Item,
    ProofBlock,
    ShowStep,
    Using,
    VerifyBlock,
)
from .terms import App, Arrow, Atom, Decl, Lambda, PatDecl, Pos, Term, all_names

__all__ = ["parse_file", "parse_term", "parse_term_exact"]

_T = TypeVar("_T")

_ATOM = re.compile(r"[0-9a-zA-Z'_\-+/*=!$^><]+")
# Whitespace and `/* … */` comments (not nested). An unclosed `/*` is not a comment: it is left
# in place, where it reads as the start of an atom (`/` and `*` are atom characters), as in pest.
_SKIP = re.compile(r"(?:[ \t\r\n]+|/\*.*?\*/)*", re.S)

# How sets of failed rules read in error messages (the reference parser lists rule names).
_GROUPS = (
    (("lambda", "application", "atom", "arrow"), "a term"),
    (("application", "atom", "arrow"), "a type"),
    (
        ("apply", "construct", "show", "intro", "current goal", "have", "goal", "halt", "using"),
        "a proof step",
    ),
    (
        ("import", "definition", "verify block", "proof block", "annotation", "using"),
        "a top-level item",
    ),
)


def parse_file(text: str, file: str | None = None) -> list[Item]:
    """Parse a whole `.p` file (the `file` rule) into its top-level items, in file order."""
    p = _Parser(text, file)
    return p.run(p.whole_file)


def parse_term(text: str) -> Term:
    """The `term` rule applied to a prefix of `text` (SPEC §1.2, notes): goal strings.

    Leading whitespace is rejected; whatever follows the first complete term is ignored, so
    a goal from outside should be checked with `parse_term_exact` (or `check_statement`).
    """
    p = _Parser(text, None)
    return p.run(p.term_prefix)


def parse_term_exact(text: str, file: str | None = None) -> Term:
    """`text` must be exactly one term, with optional whitespace or comments around it."""
    p = _Parser(text, file)
    return p.run(p.term_exact)


# ---------------------------------------------------------------------------------------------
# Binder renaming (SPEC §1.4)


def _rename(t: Term, names: dict[str, str]) -> Term:
    """`t` with each free `old` of `names` replaced by `Atom(names[old])`, with the rules of
    `terms.subst` (§2.3), keeping source positions. The new names are quoted and the old ones
    are not, so renaming them all at once is renaming them one after the other."""
    k = type(t)
    if k is Atom:
        new = names.get(t.name)  # type: ignore[attr-defined]
        return t if new is None else Atom(new, t.pos)
    if k is App:
        fn = _rename(t.fn, names)  # type: ignore[attr-defined]
        args = tuple(_rename(a, names) for a in t.args)  # type: ignore[attr-defined]
        if fn is t.fn and all(x is y for x, y in zip(args, t.args)):  # type: ignore[attr-defined]
            return t
        return App(fn, args, t.pos)
    if k is Arrow or k is Lambda:
        parts = t.inputs if k is Arrow else t.params  # type: ignore[attr-defined]
        last = t.output if k is Arrow else t.body  # type: ignore[attr-defined]
        shadowed = [d.name for d in parts if type(d) is Decl and d.name in names]
        if shadowed:  # a binder of `old` hides it from the whole arrow or lambda
            names = {old: new for old, new in names.items() if old not in shadowed}
            if not names:
                return t
        new_parts = tuple(_rename(d, names) for d in parts)
        new_last = _rename(last, names)
        if new_last is last and all(x is y for x, y in zip(new_parts, parts)):
            return t
        return k(new_parts, new_last, t.pos)  # type: ignore[arg-type]
    if k is Decl:
        ty = _rename(t.type, names)  # type: ignore[attr-defined]
        name = names.get(t.name, t.name)  # type: ignore[attr-defined]
        if ty is t.type and name == t.name:  # type: ignore[attr-defined]
            return t
        return Decl(name, ty, t.pos)
    return t  # PatDecl: unchanged


def _bind(parts: list[Term], last: Term) -> tuple[tuple[Term, ...], Term]:
    """Quote the unquoted declarations of `parts`, renaming their uses in later parts and `last`.

    One pass (linear, S8): each part is renamed by the declarations before it, then its own
    name, if a declaration's, joins the renaming; the declaration's own type is left alone.
    """
    names: dict[str, str] = {}
    taken: set[str] | None = None  # every name the arrow or lambda holds, once needed
    for j, d in enumerate(parts):
        if names:
            d = _rename(d, names)
        if type(d) is Decl and not d.name.startswith("'"):  # type: ignore[attr-defined]
            if taken is None:
                taken = set().union(*map(all_names, parts), all_names(last))
            # `n` becomes `'n`, unless a `'n` is written in its scope: that one is another
            # variable, which the renamed `n` must not capture (S6); then `'n_0`, `'n_1`, …
            new = "'" + d.name  # type: ignore[attr-defined]
            k = 0
            while new in taken:
                new, k = f"'{d.name}_{k}", k + 1  # type: ignore[attr-defined]
            names[d.name] = new  # type: ignore[attr-defined]
            taken.add(new)
            d = Decl(new, d.type, d.pos)  # type: ignore[attr-defined]
        parts[j] = d
    return tuple(parts), (_rename(last, names) if names else last)


# ---------------------------------------------------------------------------------------------
# The parser


class _Parser:
    """One parse of one string. Rule methods: see the module docstring for the conventions."""

    def __init__(self, text: str, file: str | None):
        self.text = text
        self.n = len(text)
        self.i = 0
        self.file = file
        self.fail_at = -1  # furthest start of a failed named rule, and those rules
        self.fail_rules: list[str] = []
        self.lit_at = -1  # furthest failed literal token, and those literals
        self.lit_expected: list[str] = []
        self._line_starts: list[int] | None = None
        self.depth = 0  # terms (applications, lambdas, arrows) open at the index
        self.block_depth = 0  # `{ … }` blocks open at the index

    # -- entry points --------------------------------------------------------------------------

    def run(self, rule: Callable[[], _T]) -> _T:
        # The nesting limits keep the recursion within the guard's room; the guard is there so
        # that nothing but a located error can come out even if they did not.
        with bounded_recursion(self.pos(self.i), self.file):
            return rule()

    def whole_file(self) -> list[Item]:
        self.skip()
        items: list[Item] = []
        while True:
            item = self.import_() or self.definition() or self.verify() or self.proof()
            item = item or self.annotation() or self.using()
            if item is None:
                break
            items.append(item)
        if self.i != self.n:
            self.fail(self.i, "end of input")
            raise self.error()
        return items

    def term_prefix(self) -> Term:
        t = self.term()
        if t is None:
            raise self.error()
        return t

    def term_exact(self) -> Term:
        self.skip()
        t = self.term_prefix()
        if self.i != self.n:
            message = f"unexpected text after the term: found {self.found(self.i)}"
            raise ParseError(message, self.pos(self.i), self.file)
        return t

    # -- positions and errors ------------------------------------------------------------------

    def pos(self, i: int) -> Pos:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            k = self.text.find("\n")
            while k >= 0:
                starts.append(k + 1)
                k = self.text.find("\n", k + 1)
            self._line_starts = starts
        line = bisect_right(starts, i)
        return (line, i - starts[line - 1] + 1)

    def fail(self, at: int, rule: str) -> None:
        """Record that the named `rule`, tried at `at`, failed. Returns None for convenience."""
        if at > self.fail_at:
            self.fail_at = at
            self.fail_rules = [rule]
        elif at == self.fail_at and rule not in self.fail_rules:
            self.fail_rules.append(rule)
        return None

    def found(self, i: int) -> str:
        if i >= self.n:
            return "end of input"
        m = _ATOM.match(self.text, i)
        tok = m.group()[:30] if m else self.text[i]
        if tok.isspace():
            return "whitespace"
        return f"'{tok}'" if '"' in tok else f'"{tok}"'

    def error(self) -> ParseError:
        at = self.fail_at if self.fail_at >= 0 else max(self.lit_at, self.i)
        expected = list(self.fail_rules)
        if self.lit_at == at:
            expected += self.lit_expected
        message = f"expected {_describe(expected)}, found {self.found(at)}"
        if self.lit_at > at:
            line, col = self.pos(self.lit_at)
            message += (
                f"; the parse stopped at {line}:{col}: expected "
                f"{_describe(self.lit_expected)}, found {self.found(self.lit_at)}"
            )
        return ParseError(message, self.pos(at), self.file)

    # -- tokens --------------------------------------------------------------------------------

    def skip(self) -> None:
        self.i = _SKIP.match(self.text, self.i).end()  # type: ignore[union-attr]

    def lit(self, s: str) -> bool:
        """Consume the literal token `s`; on a mismatch record it as expected here."""
        if self.text.startswith(s, self.i):
            self.i += len(s)
            self.skip()
            return True
        q = f"'{s}'" if '"' in s else f'"{s}"'
        if self.i > self.lit_at:
            self.lit_at = self.i
            self.lit_expected = [q]
        elif self.i == self.lit_at and q not in self.lit_expected:
            self.lit_expected.append(q)
        return False

    def kw(self, s: str) -> bool:
        """Consume `s` if present, recording nothing: a rule's leading keyword or an option."""
        if self.text.startswith(s, self.i):
            self.i += len(s)
            self.skip()
            return True
        return False

    def deeper(self, start: int, what: str) -> None:
        """Enter one more level of a term (or block) opened at `start`, within MAX_NESTING."""
        if what == "block":
            self.block_depth += 1
            depth = self.block_depth
        else:
            self.depth += 1
            depth = self.depth
        if depth > MAX_NESTING:
            message = f"{what} nested deeper than {MAX_NESTING} levels"
            raise ParseError(message, self.pos(start), self.file)

    def back(self, start: int, rule: str) -> None:
        """Fail the named `rule` begun at `start`: restore the index and record the failure."""
        self.i = start
        return self.fail(start, rule)

    # -- terms ---------------------------------------------------------------------------------

    def term(self) -> Term | None:
        """term = lambda | application | atom | arrow"""
        return self.lambda_() or self.application() or self.atom() or self.arrow()

    def type_(self) -> Term | None:
        """type = atom | application | arrow"""
        return self.atom() or self.application() or self.arrow()

    def atom(self) -> Atom | None:
        m = _ATOM.match(self.text, self.i)
        if m is None:
            return self.fail(self.i, "atom")
        a = Atom(m.group(), self.pos(self.i))
        self.i = m.end()
        self.skip()
        return a

    def application(self) -> App | None:
        """application = "(" term term { term } ")" """
        start = self.i
        if not self.kw("("):
            return self.fail(start, "application")
        self.deeper(start, "term")
        fn = self.term()
        if fn is not None:
            args = []
            while (a := self.term()) is not None:
                args.append(a)
            if args and self.lit(")"):
                self.depth -= 1
                return App(fn, tuple(args), self.pos(start))
        self.depth -= 1
        return self.back(start, "application")

    def lambda_(self) -> Lambda | None:
        """lambda = "(" "lambda" "(" declaration { "," declaration } ")" term ")" """
        start = self.i
        if not self.kw("("):
            return self.back(start, "lambda")
        self.deeper(start, "term")
        if self.kw("lambda") and self.lit("("):
            params = self.separated(self.declaration)
            if params and self.lit(")"):
                body = self.term()
                if body is not None and self.lit(")"):
                    self.depth -= 1
                    ps, body = _bind(params, body)
                    return Lambda(ps, body, self.pos(start))  # type: ignore[arg-type]
        self.depth -= 1
        return self.back(start, "lambda")

    def arrow(self) -> Arrow | None:
        """arrow = "[" arrow_input "->" { arrow_input "->" } type "]" """
        start = self.i
        if not self.kw("["):
            return self.fail(start, "arrow")
        self.deeper(start, "term")
        inputs: list[Term] = []
        while (inp := self.arrow_input()) is not None:
            after = self.i
            if not self.lit("->"):
                break
            inputs.append(inp)
        # The output `type` starts where the last `arrow_input` was tried, and arrow_input tries
        # `type` first: its result, unless a declaration, is the output (no re-parse, which
        # would be exponential in the nesting of arrows in output position).
        self.depth -= 1
        if inputs and inp is not None and type(inp) is not Decl:
            self.i = after
            if self.lit("]"):
                ins, out = _bind(inputs, inp)
                return Arrow(ins, out, self.pos(start))
        return self.back(start, "arrow")

    def arrow_input(self) -> Term | None:
        """arrow_input = type | "(" declaration ")" """
        t = self.type_()
        if t is not None:
            return t
        start = self.i
        if self.kw("("):
            d = self.declaration()
            if d is not None and self.lit(")"):
                return d
        self.i = start
        return None

    def declaration(self) -> Decl | None:
        """declaration = [ "let" | "axiom" ] atom ":" type"""
        start = self.i
        self.kw("let") or self.kw("axiom")
        name = self.atom()
        if name is not None and self.lit(":"):
            ty = self.type_()
            if ty is not None:
                return Decl(name.name, ty, self.pos(start))
        return self.back(start, "declaration")

    def separated(self, rule: Callable[[], Term | None]) -> list[Term]:
        """`rule { "," rule }`; empty when the first `rule` fails."""
        first = rule()
        if first is None:
            return []
        out = [first]
        while True:
            at = self.i
            if self.lit(","):
                nxt = rule()
                if nxt is not None:
                    out.append(nxt)
                    continue
            self.i = at
            return out

    # -- top level -----------------------------------------------------------------------------

    def name(self) -> tuple[str, Pos] | None:
        """An atom used as a name (of a block, a step's object or arrow): its text and place."""
        a = self.atom()
        return None if a is None else (a.name, a.pos)  # type: ignore[return-value]

    def import_(self) -> Import | None:
        """import = "import" STRING "." """
        start = self.i
        if self.kw("import"):
            at = self.i
            end = self.text.find('"', at + 1) if self.text.startswith('"', at) else -1
            if end >= 0:
                self.i = end + 1
                self.skip()
                if self.lit("."):
                    return Import(self.text[at + 1 : end], self.pos(start))
            else:
                self.fail(at, "string")
                if self.text.startswith('"', at):  # unterminated: the closing quote is missing
                    self.i = self.n
                    self.lit('"')
        return self.back(start, "import")

    def using(self) -> Using | None:
        """using = "using" atom { "," atom } "." """
        start = self.i
        if self.kw("using"):
            names = self.separated(self.atom)
            if names and self.lit("."):
                return Using(tuple(str(a) for a in names), self.pos(start))
        return self.back(start, "using")

    def definition(self) -> Declare | Assume | None:
        """definition = ( "assume" type | declaration [ "=" term ] ) "." """
        start = self.i
        if self.kw("assume"):
            ty = self.type_()
            if ty is not None:  # the first alternative matched: no retry as a declaration
                if self.lit("."):
                    return Assume(ty, start, self.pos(start))
                return self.back(start, "definition")
            self.i = start
        d = self.declaration()
        if d is not None:
            value = None
            at = self.i
            if self.lit("="):
                value = self.term()
                if value is None:
                    self.i = at
            if self.lit("."):
                return Declare(d.name, d.type, value, self.pos(start))
        return self.back(start, "definition")

    def annotation(self) -> Forward | Backward | None:
        """annotation = "#" ( forward | backward ) "." """
        start = self.i
        if self.kw("#"):
            item = self.forward(start) or self.backward(start)
            if item is not None and self.lit("."):
                return item
        return self.back(start, "annotation")

    def forward(self, hash_at: int) -> Forward | None:
        """forward = "forward" atom { "(" type ":" type ")" }"""
        start = self.i
        name = self.name() if self.kw("forward") else None
        if name is None:
            return self.back(start, "forward")
        pre = []
        while True:
            at = self.i
            if self.lit("("):
                pattern = self.type_()
                if pattern is not None and self.lit(":"):
                    ty = self.type_()
                    if ty is not None and self.lit(")"):
                        pre.append(PatDecl(pattern, ty, pattern.pos))
                        continue
            self.i = at
            return Forward(name[0], tuple(pre), self.pos(hash_at))

    def backward(self, hash_at: int) -> Backward | None:
        """backward = "backward" atom { "infer" | "subgoal" }"""
        start = self.i
        name = self.name() if self.kw("backward") else None
        if name is None:
            return self.back(start, "backward")
        modes = []
        while True:
            mode = "infer" if self.lit("infer") else "subgoal" if self.lit("subgoal") else None
            if mode is None:
                return Backward(name[0], tuple(modes), self.pos(hash_at))
            modes.append(mode)

    def verify(self) -> VerifyBlock | None:
        """verify = ("verify" | "example" | "test") atom "{" {show | construct | definition} "}" """
        start = self.i
        kind = next((k for k in ("verify", "example", "test") if self.kw(k)), None)
        name = self.name() if kind is not None else None
        if kind is not None and name is not None and self.lit("{"):
            items: list[ShowStep | ConstructStep | Declare | Assume] = []
            while (it := self.show() or self.construct() or self.definition()) is not None:
                items.append(it)
            if self.lit("}"):
                return VerifyBlock(kind, name[0], tuple(items), self.pos(start), name[1])
        return self.back(start, "verify block")

    def proof(self) -> ProofBlock | None:
        """proof = ( "theorem" | "lemma" | "corollary" ) atom ":" type "{" { action } "}" """
        start = self.i
        kind = next((k for k in ("theorem", "lemma", "corollary") if self.kw(k)), None)
        name = self.name() if kind is not None else None
        if kind is not None and name is not None and self.lit(":"):
            statement = self.type_()
            actions = self.block() if statement is not None else None
            if statement is not None and actions is not None:
                return ProofBlock(kind, name[0], statement, actions, self.pos(start), name[1])
        return self.back(start, "proof block")

    # -- proof steps ---------------------------------------------------------------------------

    def block(self) -> tuple[Action, ...] | None:
        """The `"{" { action } "}"` of a proof, goal or have block."""
        start = self.i
        if not self.lit("{"):
            return None
        self.deeper(start, "block")
        actions = []
        while (a := self.action()) is not None:
            actions.append(a)
        self.block_depth -= 1
        return tuple(actions) if self.lit("}") else None

    def action(self) -> Action | None:
        """action = apply | construct | show | intro | check_goal | have | goal | halt | using"""
        return (
            self.apply()
            or self.construct()
            or self.show()
            or self.intro()
            or self.check_goal()
            or self.nested("have", HaveBlock)
            or self.nested("goal", GoalBlock)
            or self.halt()
            or self.using()
        )

    def apply(self) -> ApplyStep | None:
        """apply = "apply" atom "." """
        start = self.i
        name = self.name() if self.kw("apply") else None
        if name is not None and self.lit("."):
            return ApplyStep(name[0], self.pos(start), name[1])
        return self.back(start, "apply")

    def construct(self) -> ConstructStep | None:
        """construct = "construct" atom ":" type "=" term "by" atom "." """
        start = self.i
        name = self.name() if self.kw("construct") else None
        if name is not None and self.lit(":"):
            ty = self.type_()
            value = self.term() if ty is not None and self.lit("=") else None
            by = self.name() if value is not None and self.lit("by") else None
            if ty is not None and value is not None and by is not None and self.lit("."):
                return ConstructStep(name[0], ty, value, by[0], self.pos(start), by[1])
        return self.back(start, "construct")

    def show(self) -> ShowStep | None:
        """show = "show" type "by" atom "." """
        start = self.i
        ty = self.type_() if self.kw("show") else None
        by = self.name() if ty is not None and self.lit("by") else None
        if ty is not None and by is not None and self.lit("."):
            return ShowStep(ty, by[0], self.pos(start), by[1])
        return self.back(start, "show")

    def intro(self) -> IntroStep | None:
        """intro = "intro" atom ":" type "." """
        start = self.i
        name = self.name() if self.kw("intro") else None
        ty = self.type_() if name is not None and self.lit(":") else None
        if name is not None and ty is not None and self.lit("."):
            return IntroStep(name[0], ty, self.pos(start))
        return self.back(start, "intro")

    def check_goal(self) -> CurrentGoalStep | None:
        """check_goal = "current goal" ":" term "." """
        start = self.i
        t = self.term() if self.kw("current goal") and self.lit(":") else None
        if t is not None and self.lit("."):
            return CurrentGoalStep(t, self.pos(start))
        return self.back(start, "current goal")

    def nested(self, keyword: str, cls: type[GoalBlock] | type[HaveBlock]) -> Action | None:
        """goal = "goal" term "{" { action } "}" ;  have = "have" term "{" { action } "}" """
        start = self.i
        t = self.term() if self.kw(keyword) else None
        actions = self.block() if t is not None else None
        if t is not None and actions is not None:
            return cls(t, actions, self.pos(start))
        return self.back(start, keyword)

    def halt(self) -> HaltStep | None:
        """halt = "halt" "." """
        start = self.i
        if self.kw("halt") and self.lit("."):
            return HaltStep(self.pos(start))
        return self.back(start, "halt")


def _describe(names: list[str]) -> str:
    """`["lambda", "application", "atom", "arrow", '")"']` -> `a term or ")"`."""
    names = list(dict.fromkeys(names))
    if "definition" in names:  # its declaration (or that one's atom) failed here too: say it once
        names = [x for x in names if x not in ("declaration", "atom")]
    labels = []
    for group, label in _GROUPS:
        if all(g in names for g in group):
            names = [x for x in names if x not in group]
            labels.append(label)
    parts = labels + names
    if len(parts) <= 1:
        return parts[0] if parts else "something else"
    return ", ".join(parts[:-1]) + " or " + parts[-1]
