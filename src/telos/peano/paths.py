"""Term positions: the paths to subterms, replacing the subterm at a path, and the capture
test for substituting into a flat list of arrow inputs. Pure functions of terms, shared by
typing, unification and the built-in rewrite rule."""

from __future__ import annotations

from .terms import App, Arrow, Decl, Lambda, Term, free_params, term_info


def captured(value: Term, inputs: tuple[Term, ...], start: int) -> bool:
    """Whether substituting `value` into `inputs[start:]` (and the output) as a flat list
    would put one of its free parameters under a later input's binder."""
    names = term_info(value)[0]
    if not any(n.startswith("'") for n in names):
        return False
    free = free_params(value)
    return any(type(i) is Decl and i.name in free for i in inputs[start:])


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


def occurrences(t: Term, target: Term, path: tuple[int, ...]):
    """Paths of `target` in `t`, pre-order, everywhere, not descending into an occurrence."""
    if t == target:
        yield path
        return
    for i, child in enumerate(child_terms(t)):
        yield from occurrences(child, target, path + (i,))


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
