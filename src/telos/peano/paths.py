"""Term positions: the paths to subterms, replacing the subterm at a path, and the capture
test for substituting into a flat list of arrow inputs. Pure functions of terms, shared by
typing, unification and the built-in rewrite rule."""

from __future__ import annotations

from .terms import (
    App,
    Arrow,
    Decl,
    Lambda,
    Term,
    free_params,
    same_term,
    subst,
    term_info,
)


def captured(value: Term, inputs: tuple[Term, ...], start: int) -> bool:
    """Whether substituting `value` into `inputs[start:]` (and the output) as a flat list
    would put one of its free parameters under a later input's binder."""
    names = term_info(value)[0]
    if not any(n.startswith("'") for n in names):
        return False
    free = free_params(value)
    return any(type(i) is Decl and i.name in free for i in inputs[start:])


def subst_inputs(inputs: list[Term], start: int, name: str, value: Term) -> bool:
    """Substitute `name := value` into `inputs[start:]`, a flat list of arrow inputs, in
    place, as far as `name` is in scope: an input declaring `name` again has its own type
    substituted and ends the scope (S6; the original substitutes every input and the output
    alike). Returns whether the scope reaches past the last input (to the output)."""
    for j in range(start, len(inputs)):
        current = inputs[j]
        if type(current) is Decl and current.name == name:  # type: ignore[attr-defined]
            inputs[j] = Decl(name, subst(current.type, name, value))  # type: ignore[attr-defined]
            return False
        inputs[j] = subst(current, name, value)
    return True


def child_terms(t: Term) -> tuple[Term, ...]:
    k = type(t)
    if k is App:
        return (t.fn, *t.args)  # type: ignore[attr-defined]
    if k is Arrow:
        return (*t.inputs, t.output)  # type: ignore[attr-defined]
    if k is Lambda:
        return (*t.params, t.body)  # type: ignore[attr-defined]
    if k is Decl:
        return (t.type,)  # type: ignore[attr-defined]
    return ()


def rebuild(t: Term, children: list[Term]) -> Term:
    k = type(t)
    if k is App:
        return App(children[0], tuple(children[1:]))
    if k is Arrow:
        return Arrow(tuple(children[:-1]), children[-1])
    if k is Lambda:
        return Lambda(tuple(children[:-1]), children[-1])  # type: ignore[arg-type]
    return Decl(t.name, children[0])  # type: ignore[attr-defined]


def free_occurrences(t: Term, target: Term) -> list[tuple[int, ...]]:
    """Paths of `target` in `t` where it means what it means outside `t` (flex-rigid
    abstraction, §2.7): pre-order, everywhere (under arrows and lambdas too), not descending
    into an occurrence, and never in the scope of a binder of one of `target`'s free
    parameters, where the same text names something else (S6). A target with binders of its
    own is recognised whatever its binders are named."""
    free = free_params(target)
    own_binders = _has_binders(target)
    out: list[tuple[int, ...]] = []
    _free_occurrences(t, target, free, own_binders, (), out)
    return out


def _has_binders(t: Term) -> bool:
    k = type(t)
    if k is Lambda:
        return True
    if k is Arrow and any(type(i) is Decl for i in t.inputs):  # type: ignore[attr-defined]
        return True
    return any(_has_binders(c) for c in child_terms(t))


def _free_occurrences(
    t: Term,
    target: Term,
    free: set[str],
    own_binders: bool,
    path: tuple[int, ...],
    out: list[tuple[int, ...]],
) -> None:
    if t == target or (own_binders and same_term(t, target)):
        out.append(path)
        return
    k = type(t)
    if k is Arrow or k is Lambda:
        binders = t.inputs if k is Arrow else t.params  # type: ignore[attr-defined]
        for i, b in enumerate(binders):
            _free_occurrences(b, target, free, own_binders, path + (i,), out)
            if type(b) is Decl and b.name in free:
                return  # what follows is in the scope of a binder of the target's parameter
        body = t.output if k is Arrow else t.body  # type: ignore[attr-defined]
        _free_occurrences(body, target, free, own_binders, path + (len(binders),), out)
        return
    for i, child in enumerate(child_terms(t)):
        _free_occurrences(child, target, free, own_binders, path + (i,), out)


def app_occurrences(t: Term, target: Term, path: tuple[int, ...]):
    """Paths of `target` in `t` through applications only (rewrite, §2.9): 0 = function."""
    if t == target:
        yield path
        return
    if type(t) is App:
        yield from app_occurrences(t.fn, target, path + (0,))  # type: ignore[attr-defined]
        for i, a in enumerate(t.args, 1):  # type: ignore[attr-defined]
            yield from app_occurrences(a, target, path + (i,))


def replace_at(t: Term, path: tuple[int, ...], value: Term) -> Term | None:
    """`t` with the node at `path` replaced by `value`; None when the path does not exist."""
    if not path:
        return value
    children = list(child_terms(t))
    i = path[0]
    if i >= len(children):
        return None
    inner = replace_at(children[i], path[1:], value)
    if inner is None:
        return None
    children[i] = inner
    return rebuild(t, children)
