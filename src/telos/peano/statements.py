"""Statements that enter from outside a `.p` file, and the shared text formats of DESIGN.

- `check_statement`: the strict well-formedness check for `telos prove` goals, goal-set
  entries and conjectures (one term, every parameter bound, every atom declared, every
  application well-typed with exactly its arity, `=` on two terms of one declared type, the
  conclusion a proposition). Statements inside `.p` files follow SPEC §3.7 instead.
- `elaborate` / `contract` (SPEC §2.10, recursing into every argument as §5.1 requires),
  `normal_form` (§5.1: binders `'a0, 'a1, …`, every input named, `=` elaborated at every
  depth) and `conjecture_statement` (a conjecture's statement, §5.1).
- `state_text`: what the model reads for a proof state (context, goal, pending action).
"""

from __future__ import annotations

from .derivation import Derivation
from .errors import TypeCheckError, bounded_recursion
from .language import EQ, PROP, TYPE, is_numeric_atom
from .parser import parse_term_exact
from .state import ProofState
from .terms import App, Arrow, Atom, Decl, Lambda, PatDecl, Term, free_params

# -- the strict check ------------------------------------------------------------------------


def check_statement(d: Derivation, text: str, file: str | None = None) -> Term:
    """Parse `text` as one statement and check it strictly; return the term.

    Raises ParseError (not one term, or nested deeper than MAX_NESTING), TypeCheckError
    (located at the offending atom or application, column counted in `text`) or DepthError.
    """
    term = parse_term_exact(text, file)
    try:
        with bounded_recursion(term.pos, file):
            t = _wf(d, term, {})
            if t != PROP:
                raise TypeCheckError(f"{term} is not a proposition (its type is {t})", term.pos)
    except TypeCheckError as e:
        raise TypeCheckError(e.message, e.pos, file) from None
    return term


def _declared_type(d: Derivation, t: Term) -> bool:
    """`t` is a type the theory declares (`nat`, `G`), not a sort (`type`, `prop`)."""
    if type(t) is not Atom or t in (TYPE, PROP) or t.is_param:
        return False
    definition = d.lookup(t.name)
    return definition is not None and definition.type == TYPE


def _wf(d: Derivation, t: Term, env: dict[str, Term]) -> Term:
    k = type(t)
    if k is Atom:
        if t.is_param:  # type: ignore[attr-defined]
            if t.name not in env:  # type: ignore[attr-defined]
                raise TypeCheckError(f"unbound parameter {t}", t.pos)
            return env[t.name]  # type: ignore[attr-defined]
        if t == TYPE:
            return TYPE
        if is_numeric_atom(t.name):  # type: ignore[attr-defined]
            raise TypeCheckError(f"numeric literal {t} is not supported", t.pos)
        if d.lookup(t.name) is None:  # type: ignore[attr-defined]
            raise TypeCheckError(f"undeclared atom {t}", t.pos)
        return d.type_of(t)
    if k is App:
        fn, args = t.fn, t.args  # type: ignore[attr-defined]
        if fn == EQ:
            if len(args) != 2:
                raise TypeCheckError(f"= takes 2 arguments, given {len(args)} in {t}", t.pos)
            left, right = _wf(d, args[0], env), _wf(d, args[1], env)
            if not _declared_type(d, left):
                raise TypeCheckError(
                    f"= compares terms of a declared type, not of type {left}", args[0].pos
                )
            if d.eval(left) != d.eval(right):
                raise TypeCheckError(
                    f"= between {args[0]} of type {left} and {args[1]} of type {right}", t.pos
                )
            return PROP
        fn_type = _wf(d, fn, env)
        if type(fn_type) is not Arrow:
            raise TypeCheckError(f"{fn} is not a function, in {t}", t.pos)
        if len(args) != len(fn_type.inputs):
            raise TypeCheckError(
                f"{fn} takes {len(fn_type.inputs)} argument(s), given {len(args)}", t.pos
            )
        for a in args:
            _wf(d, a, env)
        return d.type_of(t, env)
    if k is Arrow:
        inner = dict(env)
        for i in t.inputs:  # type: ignore[attr-defined]
            input_type = i.type if type(i) is Decl else i
            sort = _wf(d, input_type, inner)
            if sort not in (TYPE, PROP) and input_type != TYPE:
                raise TypeCheckError(f"{input_type} is neither a type nor a proposition", i.pos)
            if type(i) is Decl:
                inner[i.name] = i.type
        out = _wf(d, t.output, inner)  # type: ignore[attr-defined]
        return PROP if out == PROP else TYPE
    raise TypeCheckError(f"{t} cannot appear in a statement", t.pos)


# -- elaborate / contract / normal form -----------------------------------------------------


def elaborate(d: Derivation, t: Term, env: dict[str, Term] | None = None) -> Term:
    """Make `=`'s type argument explicit everywhere: `(= a b)` → `(= T a b)`."""
    env = {} if env is None else env
    k = type(t)
    if k is App:
        args = tuple(elaborate(d, a, env) for a in t.args)  # type: ignore[attr-defined]
        if t.fn == EQ and len(t.args) == 2:  # type: ignore[attr-defined]
            return App(EQ, (d.type_of(t.args[0], env), *args))  # type: ignore[attr-defined]
        return App(elaborate(d, t.fn, env), args)  # type: ignore[attr-defined]
    if k is Arrow:
        inner = dict(env)
        inputs = []
        for i in t.inputs:  # type: ignore[attr-defined]
            if type(i) is Decl:
                inputs.append(Decl(i.name, elaborate(d, i.type, inner)))
                inner[i.name] = i.type
            else:
                inputs.append(elaborate(d, i, inner))
        return Arrow(tuple(inputs), elaborate(d, t.output, inner))  # type: ignore[attr-defined]
    if k is Lambda:
        inner = dict(env)
        params = []
        for p in t.params:  # type: ignore[attr-defined]
            params.append(Decl(p.name, elaborate(d, p.type, inner)))
            inner[p.name] = p.type
        return Lambda(tuple(params), elaborate(d, t.body, inner))  # type: ignore[attr-defined]
    if k is Decl:
        return Decl(t.name, elaborate(d, t.type, env))  # type: ignore[attr-defined]
    return t


def contract(t: Term) -> Term:
    """Drop `=`'s type argument everywhere: `(= T a b)` → `(= a b)` (recursing into all)."""
    k = type(t)
    if k is App:
        args = tuple(contract(a) for a in t.args)  # type: ignore[attr-defined]
        if t.fn == EQ and len(args) == 3:  # type: ignore[attr-defined]
            return App(EQ, args[1:])
        return App(contract(t.fn), args)  # type: ignore[attr-defined]
    if k is Arrow:
        return Arrow(tuple(contract(i) for i in t.inputs), contract(t.output))  # type: ignore[attr-defined]
    if k is Lambda:
        return Lambda(
            tuple(Decl(p.name, contract(p.type)) for p in t.params),  # type: ignore[attr-defined]
            contract(t.body),  # type: ignore[attr-defined]
        )
    if k is Decl:
        return Decl(t.name, contract(t.type))  # type: ignore[attr-defined]
    if k is PatDecl:
        return PatDecl(contract(t.pattern), contract(t.type))  # type: ignore[attr-defined]
    return t


def normal_form(d: Derivation, t: Term) -> Term:
    """SPEC §5.1: every arrow input named `'a0, 'a1, …` in order of appearance, `=`
    elaborated at every depth."""
    return elaborate(d, _rename_binders(t, {}, [0]))


def _rename_binders(t: Term, names: dict[str, str], counter: list[int]) -> Term:
    """Rename binders simultaneously through `names` (old -> new), so that a new name can
    never capture an old one (`[('a1 : nat) -> ('a0 : nat) -> …]` keeps its meaning)."""
    k = type(t)
    if k is Atom:
        new = names.get(t.name)  # type: ignore[attr-defined]
        return t if new is None else Atom(new)
    if k is Arrow:
        inner = dict(names)
        inputs = []
        for current in t.inputs:  # type: ignore[attr-defined]
            name = f"'a{counter[0]}"
            counter[0] += 1
            if type(current) is Decl:
                inputs.append(Decl(name, _rename_binders(current.type, inner, counter)))
                inner[current.name] = name
            else:
                inputs.append(Decl(name, _rename_binders(current, inner, counter)))
        return Arrow(tuple(inputs), _rename_binders(t.output, inner, counter))  # type: ignore[attr-defined]
    if k is App:
        return App(
            _rename_binders(t.fn, names, counter),  # type: ignore[attr-defined]
            tuple(_rename_binders(a, names, counter) for a in t.args),  # type: ignore[attr-defined]
        )
    if k is Lambda:
        inner = dict(names)
        params = []
        for p in t.params:  # type: ignore[attr-defined]
            params.append(Decl(p.name, _rename_binders(p.type, inner, counter)))
            inner.pop(p.name, None)
        return Lambda(tuple(params), _rename_binders(t.body, inner, counter))  # type: ignore[attr-defined]
    return t


def conjecture_statement(t: Term) -> Term:
    """A conjecture's statement (§5.1): its contraction, with every declared input that
    nothing after it mentions turned back into a plain input."""
    t = contract(t)
    if type(t) is not Arrow:
        return t
    inputs = list(t.inputs)  # type: ignore[attr-defined]
    for i, current in enumerate(inputs):
        if type(current) is Decl:
            later = [*inputs[i + 1 :], t.output]  # type: ignore[attr-defined]
            if not any(current.name in _mentions(x) for x in later):
                inputs[i] = conjecture_statement(current.type)
            else:
                inputs[i] = Decl(current.name, conjecture_statement(current.type))
        else:
            inputs[i] = conjecture_statement(current)
    return Arrow(tuple(inputs), conjecture_statement(t.output))  # type: ignore[attr-defined]


def _mentions(t: Term) -> set[str]:
    """The parameters `t` mentions freely, looking inside arrows too (SPEC §2.2's
    `free_variables` sees only an arrow's output, which would unname a binder used in a later
    hypothesis's arrow and leave its parameter unbound)."""
    return free_params(t.type if type(t) is Decl else t)


# -- state text ------------------------------------------------------------------------------


def state_text(state: ProofState, max_chars: int | None = None) -> str:
    """Context, goal and pending action, one line each (DESIGN, "State text").

    When the text would exceed `max_chars`, the context line is cut from the left and
    marked `…`; the goal and the pending action are kept whole.
    """
    context = state.format_context()
    goal = state.goal_text()
    pending = state.format_action_prefix()
    if max_chars is not None:
        room = max_chars - len(goal) - len(pending) - 2
        if len(context) > room:
            context = "…" + context[len(context) - max(room - 1, 0) :] if room > 0 else "…"
    return f"{context}\n{goal}\n{pending}"
