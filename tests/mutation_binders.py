"""Mutations that introduce shadowing binders and definitions with lambdas.

Every false statement the checker once accepted (`../shared/peano/attacks/`) came from a binder
shadowing another name or from a definition: α-equivalence mapping two binders onto one (F1),
matching or unification touching a bound occurrence (F2, F3), substitution capturing under a
lambda (C1), a definition's value never checked (D2), a redeclaration replacing an axiom (D1).
These operators generate that family around valid proofs:

- `shadow_binder`: rename a binder (of a statement, a goal/have/intro/show type or a
  definition) to the name of a binder around it, its bound occurrences following, so that it
  shadows the outer one (and captures the outer one's occurrences in its scope);
- `duplicate_binder`: give a binder the name of an earlier binder of the same arrow or lambda
  (its occurrences following or not);
- `swap_binders`: swap the names of two binders of one arrow or lambda, consistently (an
  α-variant) or only at the binders (the meaning changes);
- `shadowing_have`: insert `have [('v : nat) -> ('v : nat) -> (= 'v 'v)] { … }` or the like,
  with its proof (or a proof about the shadowed binder);
- `alpha_goal`: wrap the proof in `goal S' { … }` where S' is an α-variant of the statement,
  then map two binders onto one in the statement or in S' (the F1 pattern), or α-vary an
  existing goal/have statement;
- `abstract_definition`: insert `D : [S1 -> … -> Sk -> S] = (lambda ('p1 : S1, …) u).` and put
  `(D x1 … xk)` where `u` stood (parameter names chosen to clash with the arguments, as C1's;
  sometimes a wrong type or a parameter list with a repeated name);
- `proof_definition`: insert `d : T = A.` for an arrow `A` a step uses, with `T` its type, an
  α-variant of it or a wrong one (D2), and make the step `by d`;
- `redeclare_name`: redeclare a name of the theory (an axiom with another statement, a constant
  with a value, a function with a lambda) or of the file (D1);
- `change_definition`: a small change in a definition's type or value.

`involvement(text)` tells whether a mutant's text has shadowing binders or definitions with
lambdas (the benchmark counts them). The seeds mutants start from are in `mutation_seeds.py`.
"""

from __future__ import annotations

import dataclasses

from block_edit import (
    Draft,
    declaration,
    draft_slots,
    get_draft_slot,
    neighbours,
    positions,
    replace_all,
    replace_at,
    set_draft_slot,
    term_slots,
)
from models import SIGNATURES, SORTS
from reference_beta import all_names, free_names, subst_avoiding, substitute

from telos.peano import App, Arrow, Atom, Decl, Lambda, parse_file
from telos.peano.syntax import (
    ConstructStep,
    Declare,
    GoalBlock,
    HaveBlock,
    IntroStep,
    ProofBlock,
    ShowStep,
)
from telos.peano.terms import Term

# -- binders in terms --------------------------------------------------------------------------


def _items(node: Term) -> tuple[Term, ...]:
    return node.inputs if type(node) is Arrow else node.params


def _body(node: Term) -> Term:
    return node.output if type(node) is Arrow else node.body


def _node(like: Term, items, body: Term) -> Term:
    return Arrow(tuple(items), body) if type(like) is Arrow else Lambda(tuple(items), body)


def binder_sites(t: Term, path=(), scope=()) -> list[tuple[tuple, int, tuple[str, ...]]]:
    """(path of an arrow/lambda, index of a declared input, names bound around that input).

    Paths follow `block_edit.children`: an arrow's input types, then its output.
    """
    out = []
    k = type(t)
    if k is Arrow or k is Lambda:
        inner = scope
        items = _items(t)
        for i, item in enumerate(items):
            if type(item) is Decl:
                out += binder_sites(item.type, path + (i,), inner)
                out.append((path, i, inner))
                inner = inner + (item.name,)
            else:
                out += binder_sites(item, path + (i,), inner)
        out += binder_sites(_body(t), path + (len(items),), inner)
    elif k is App:
        for i, kid in enumerate((t.fn, *t.args)):
            out += binder_sites(kid, path + (i,), scope)
    return out


def subterm(t: Term, path) -> Term:
    for i in path:
        t = (t.fn, *t.args)[i] if type(t) is App else ([*_types(t), _body(t)])[i]
    return t


def _types(node: Term) -> list[Term]:
    return [i.type if type(i) is Decl else i for i in _items(node)]


def rename_binder(node: Term, i: int, new: str, follow: bool = True) -> Term:
    """`node` (an arrow or lambda) with its i-th declared input named `new`; with `follow`,
    the occurrences it binds are renamed too, by plain substitution (which captures where an
    inner binder is already named `new`: that is the point)."""
    items = list(_items(node))
    old = items[i].name
    items[i] = Decl(new, items[i].type)
    rest, body = items[i + 1 :], _body(node)
    if follow and old != new:
        if rest:
            scoped = substitute(_node(node, rest, body), {old: Atom(new)})
            rest, body = list(_items(scoped)), _body(scoped)
        else:
            body = substitute(body, {old: Atom(new)})
    return _node(node, items[: i + 1] + rest, body)


def alpha_rename(node: Term, i: int, new: str) -> Term | None:
    """A proper α-renaming of the i-th binder (None if `new` is free where it would bind)."""
    items = list(_items(node))
    rest = items[i + 1 :]
    scoped = _node(node, rest, _body(node)) if rest else _body(node)
    if new in free_names(scoped) - {items[i].name}:
        return None
    renamed = subst_avoiding(scoped, {items[i].name: Atom(new)})
    items[i] = Decl(new, items[i].type)
    if rest:
        return _node(node, items[: i + 1] + list(_items(renamed)), _body(renamed))
    return _node(node, items, renamed)


_NAMES = ("'a", "'b", "'c", "'x", "'y", "'n", "'m", "'b_0", "'a0", "'p", "'q")


def alpha_variant(t: Term, rng) -> Term:
    """`t` with binders renamed (properly, so the meaning stays) to names drawn from a small
    pool or, more often, to the name of a binder around them: shadowing that captures nothing."""
    for path, i, scope in reversed(binder_sites(t)):
        node = subterm(t, path)
        new = rng.choice(scope) if scope and rng.random() < 0.6 else rng.choice(_NAMES)
        renamed = alpha_rename(node, i, new)
        if renamed is not None:
            t = replace_at(t, path, renamed)
    return t


def merge_binders(t: Term, rng) -> Term | None:
    """Rename one binder of `t` to a name bound around it (its occurrences following)."""
    sites = [(p, i, s) for p, i, s in binder_sites(t) if set(s) - {_decl_name(t, p, i)}]
    if not sites:
        return None
    path, i, scope = rng.choice(sites)
    node = subterm(t, path)
    new = rng.choice(sorted(set(scope) - {_items(node)[i].name}))
    return replace_at(t, path, rename_binder(node, i, new, follow=True))


def _decl_name(t: Term, path, i) -> str:
    return _items(subterm(t, path))[i].name


# -- shadowing operators -------------------------------------------------------------------------


def _binder_choices(draft: Draft):
    return [
        (slot, path, i, scope)
        for slot in draft_slots(draft)
        for path, i, scope in binder_sites(get_draft_slot(draft, slot))
    ]


def _everywhere(draft: Draft, old: Term, new: Term) -> Draft:
    for slot in draft_slots(draft):
        draft = set_draft_slot(draft, slot, replace_all(get_draft_slot(draft, slot), old, new))
    return draft


def _put(draft: Draft, slot, path, node: Term, new_node: Term, rng) -> Draft:
    if rng.random() < 0.5:
        return _everywhere(draft, node, new_node)
    return set_draft_slot(draft, slot, replace_at(get_draft_slot(draft, slot), path, new_node))


def shadow_binder(rng, draft, mat):
    """Rename a binder to the name of a binder around it, so that it shadows that one."""
    sites = [c for c in _binder_choices(draft) if c[3]]
    rng.shuffle(sites)
    for slot, path, i, scope in sites:
        node = subterm(get_draft_slot(draft, slot), path)
        names = sorted(set(scope) - {_items(node)[i].name})
        if names:
            new_node = rename_binder(node, i, rng.choice(names), follow=True)
            return _put(draft, slot, path, node, new_node, rng)
    return None


def duplicate_binder(rng, draft, mat):
    """Give a binder the name of an earlier binder of the same arrow or lambda."""
    sites = []
    for slot, path, i, _scope in _binder_choices(draft):
        node = subterm(get_draft_slot(draft, slot), path)
        earlier = [d.name for d in _items(node)[:i] if type(d) is Decl]
        if set(earlier) - {_items(node)[i].name}:
            sites.append((slot, path, i, node, earlier))
    if not sites:
        return None
    slot, path, i, node, earlier = rng.choice(sites)
    new_node = rename_binder(node, i, rng.choice(earlier), follow=rng.random() < 0.6)
    return _put(draft, slot, path, node, new_node, rng)


def swap_binders(rng, draft, mat):
    """Swap the names of two binders of one arrow or lambda: as an α-variant, or only at the
    binders (their occurrences keep their names, so the meaning changes)."""
    sites = []
    for slot in draft_slots(draft):
        for path, t in positions(get_draft_slot(draft, slot)):
            if type(t) in (Arrow, Lambda):
                decls = [i for i, d in enumerate(_items(t)) if type(d) is Decl]
                if len(decls) >= 2:
                    sites.append((slot, path, t, decls))
    if not sites:
        return None
    slot, path, node, decls = rng.choice(sites)
    i, j = sorted(rng.sample(decls, 2))
    a, b = _items(node)[i].name, _items(node)[j].name
    if a == b:
        return None
    if rng.random() < 0.5:
        new_node = node
        for k, name in ((i, "'%swap_i"), (j, "'%swap_j"), (i, b), (j, a)):
            new_node = rename_binder(new_node, k, name, follow=True)
    else:
        items = list(_items(node))
        items[i], items[j] = Decl(b, items[i].type), Decl(a, items[j].type)
        new_node = _node(node, items, _body(node))
    return _put(draft, slot, path, node, new_node, rng)


def alpha_goal(rng, draft, mat):
    """Prove the statement in `goal S' { … }`, S' an α-variant of it, then map two binders
    onto one in the statement or in S' (F1); or α-vary an existing goal/have statement."""
    block = draft.block
    inner = [s for s in term_slots(block)[1:] if s[-1] == "term" and binder_sites(_get(block, s))]
    if inner and rng.random() < 0.4:
        slot = rng.choice(inner)
        old = _get(block, slot)
        new = alpha_variant(old, rng)
        if rng.random() < 0.5:
            new = merge_binders(new, rng) or new
        return set_draft_slot(draft, slot, new) if new != old else None
    statement = block.statement
    variant = alpha_variant(statement, rng)
    how = rng.choice(("valid", "merge_statement", "merge_statement", "merge_goal"))
    if how == "merge_statement":
        statement = merge_binders(statement, rng) or statement
    elif how == "merge_goal":
        variant = merge_binders(variant, rng) or variant
    wrapped = GoalBlock(variant, block.actions, block.pos)
    return Draft(draft.decls, dataclasses.replace(block, statement=statement, actions=(wrapped,)))


def shadowing_have(rng, draft, mat):
    """Insert `have H { … }` where H's binders shadow one another, e.g. `[('v : nat) -> ('v :
    nat) -> (= 'v 'v)]`, with its proof; sometimes a proof about the shadowed binder instead."""
    sort = rng.choice(SORTS[mat.theory])
    v, w = rng.sample(("'v", "'w", "'b", "'x"), 2)
    a, b = [n for n in ("sa", "sb", "sc", "sd", "se", "sf") if n not in mat.names][:2]
    if sort == "prop":
        goals = [f"[({v} : prop) -> ({v} : prop) -> [{v} -> {v}]]",
                 f"[({v} : prop) -> [({v} : prop) -> [{v} -> {v}]]]"]  # fmt: skip
        proof = [f"intro {a} : prop.", f"intro {b} : prop.", f"intro h{a} : {b}."]
    else:
        goals = [f"[({v} : {sort}) -> ({v} : {sort}) -> (= {v} {v})]",
                 f"[({v} : {sort}) -> [({v} : {sort}) -> (= {v} {v})]]"]  # fmt: skip
        proof = [f"intro {a} : {sort}.", f"intro {b} : {sort}.", f"show (= {b} {b}) by eq_refl."]
        if rng.random() < 0.3:
            proof[-1] = f"show (= {a} {a}) by eq_refl."  # the outer binder's equation
        if rng.random() < 0.3:
            goals = [f"[({v} : {sort}) -> [({w} : {sort}) -> (= {w} {w})] -> (= {v} {v})]"]
            proof = [f"intro {a} : {sort}.", f"intro h{a} : [({v} : {sort}) -> (= {v} {v})].",
                     f"show (= {a} {a}) by eq_refl."]  # fmt: skip
    text = f"theorem h : {rng.choice(goals)} {{ {' '.join(proof)} }}"
    (parsed,) = [i for i in parse_file(text) if isinstance(i, ProofBlock)]
    have = HaveBlock(parsed.statement, parsed.actions, draft.block.pos)
    actions = draft.block.actions
    i = rng.randrange(len(actions) + 1)
    block = dataclasses.replace(draft.block, actions=actions[:i] + (have,) + actions[i:])
    return Draft(draft.decls, block)


def _get(block: ProofBlock, slot) -> Term:
    return get_draft_slot(Draft((), block), slot)


# -- definition operators --------------------------------------------------------------------------


def _fresh_name(rng, draft: Draft, mat, pool=("D", "F", "P", "Q", "K", "L3", "W", "Lm")) -> str:
    taken = set(mat.names) | set(mat.arrows) | set(mat.theory_names) | {draft.block.name}
    taken |= {d.name for d in draft.decls}
    for slot in draft_slots(draft):
        taken |= all_names(get_draft_slot(draft, slot))
    base = rng.choice(pool)
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}{k}"
    return name


def _scoped_positions(t: Term, sorts, path=(), scope=None):
    """(path, subterm, {bound name: sort}) for every subterm of `t`."""
    scope = dict(scope or {})
    yield path, t, scope
    k = type(t)
    if k is Arrow or k is Lambda:
        inner = dict(scope)
        for i, item in enumerate(_items(t)):
            ty = item.type if type(item) is Decl else item
            yield from _scoped_positions(ty, sorts, path + (i,), inner)
            if type(item) is Decl:
                if type(ty) is Atom and ty.name in sorts:
                    inner[item.name] = ty.name
                else:
                    inner[item.name] = None  # bound, but not an object of a sort
        yield from _scoped_positions(_body(t), sorts, path + (len(_items(t)),), inner)
    elif k is App:
        for i, kid in enumerate((t.fn, *t.args)):
            yield from _scoped_positions(kid, sorts, path + (i,), scope)


def _sort_of(t: Term, env: dict, theory: str, sig) -> str | None:
    """The sort of a term where it is evident (variables, constants, `=`, arrows)."""
    if type(t) is Atom:
        if t.name in env:
            return env[t.name]
        spec = sig.get(t.name)
        return spec[1] if spec is not None and not spec[0] else None
    if type(t) is App and type(t.fn) is Atom:
        if t.fn.name == "=":
            return "prop"
        spec = sig.get(t.fn.name)
        return spec[1] if spec is not None and len(spec[0]) == len(t.args) else None
    if type(t) is Arrow:
        return "prop"
    return None


def _intro_sorts(block: ProofBlock, sorts) -> dict[str, str]:
    out = {}
    for a in _all_actions(block.actions):
        if isinstance(a, IntroStep) and type(a.type) is Atom and a.type.name in sorts:
            out[a.name] = a.type.name
    return out


def _all_actions(actions):
    for a in actions:
        yield a
        if isinstance(a, (GoalBlock, HaveBlock)):
            yield from _all_actions(a.actions)


def abstract_definition(rng, draft, mat):
    """Put `(D x1 … xk)` where a subterm `u` stood, with `D := (lambda (p1 … pk) u[x := p])`."""
    theory, block = mat.theory, draft.block
    sorts, sig = SORTS[theory], SIGNATURES[theory]
    slots = term_slots(block)
    slot = slots[0] if rng.random() < 0.45 else rng.choice(slots)
    term = _get(block, slot)
    context = _intro_sorts(block, sorts) if slot != ("statement",) else {}
    options = []
    for path, u, scope in _scoped_positions(term, sorts):
        env = {**context, **{k: v for k, v in scope.items() if v is not None}}
        sort = _sort_of(u, env, theory, sig)
        if sort is None or (type(u) is Atom and u.name not in env):
            continue
        variables = [n for n in _ordered_atoms(u) if n in env]
        if any(scope.get(n, "") is None for n in _ordered_atoms(u)):
            continue  # a bound proof or predicate: not an object we can abstract over
        options.append((path, u, sort, variables, env))
    if not options:
        return None
    weights = [1 + 2 * len(o[3]) for o in options]  # prefer subterms with variables
    path, u, sort, variables, env = rng.choices(options, weights)[0]
    if variables and rng.random() < 0.15:
        variables = rng.sample(variables, rng.randrange(len(variables)))
    params = _param_names(rng, variables)
    body = subst_avoiding(u, {x: Atom(p) for x, p in zip(variables, params)})
    input_sorts = [env[x] for x in variables]
    value: Term = Lambda(tuple(Decl(p, Atom(s)) for p, s in zip(params, input_sorts)), body)
    if not variables:
        value = body
    ty = _function_type(rng, input_sorts, sort, sorts)
    name = _fresh_name(rng, draft, mat)
    use = App(Atom(name), tuple(Atom(x) for x in variables)) if variables else Atom(name)
    if rng.random() < 0.5:  # every occurrence in the block (not in the definitions)
        block = _everywhere(Draft((), block), u, use).block
    else:
        block = set_draft_slot(Draft((), block), slot, replace_at(term, path, use)).block
    return Draft(draft.decls + (declaration(name, ty, value),), block)


def _ordered_atoms(t: Term) -> list[str]:
    return list(dict.fromkeys(sub.name for _p, sub in positions(t) if type(sub) is Atom))


def _param_names(rng, variables: list[str]) -> list[str]:
    quoted = [x if x.startswith("'") else "'" + x for x in variables]
    how = rng.random()
    if how < 0.35:
        names = quoted
    elif how < 0.65 and len(quoted) > 1:
        names = quoted[1:] + quoted[:1]  # each parameter named after another argument (C1)
    else:
        names = [rng.choice(_NAMES) for _ in variables]
    if len(names) > 1 and len(set(names)) == len(names) and rng.random() < 0.1:
        names[-1] = names[0]  # a repeated parameter name
    return names


def _function_type(rng, inputs: list[str], output: str, sorts) -> Term:
    """`[S1 -> … -> S]`, sometimes wrong (another output sort, an input dropped or added)."""
    ins: list[Term] = [Atom(s) for s in inputs]
    out = output
    if rng.random() < 0.2:
        wrong = rng.choice(("output", "drop", "add"))
        if wrong == "output":
            out = rng.choice([s for s in sorts if s != output] or [output])
        elif wrong == "drop" and ins:
            ins.pop(rng.randrange(len(ins)))
        else:
            ins.insert(rng.randrange(len(ins) + 1), Atom(rng.choice(sorts)))
    if rng.random() < 0.2:
        ins = [Decl(rng.choice(_NAMES), t) for t in ins]
    return Arrow(tuple(ins), Atom(out)) if ins else Atom(out)


def proof_definition(rng, draft, mat):
    """`d : T = A.` for an arrow A a show step uses (T its type, an α-variant, or a wrong
    statement), and the step made `by d`."""
    sites = []
    for slot in term_slots(draft.block)[1:]:
        if slot[-1] == "type":
            step = _step_of(draft.block, slot)
            if isinstance(step, (ShowStep, ConstructStep)):
                sites.append((slot, step))
    if not sites or not mat.arrow_types:
        return None
    slot, step = rng.choice(sites)
    arrow = step.by if step.by in mat.arrow_types else rng.choice(sorted(mat.arrow_types))
    ty = mat.arrow_types[arrow]
    how = rng.random()
    if how < 0.25:
        ty = alpha_variant(ty, rng)
    elif how < 0.5:
        options = _neighbouring(ty, mat.theory)
        if options:
            ty = rng.choice(options)
    name = _fresh_name(rng, draft, mat, pool=("d", "pf", "f", "ax", "h0"))
    d = Draft(draft.decls + (declaration(name, ty, Atom(arrow)),), draft.block)
    path, i = slot[:-2], slot[-2]
    block = _set_step(d.block, path, i, dataclasses.replace(step, by=name))
    return Draft(d.decls, block)


def _neighbouring(t: Term, theory: str) -> list[Term]:
    return [replace_at(t, p, n) for p, sub in positions(t) for n in neighbours(sub, theory)]


def _step_of(block: ProofBlock, slot):
    actions = block.actions
    for i in slot[:-2]:
        actions = actions[i].actions
    return actions[slot[-2]]


def _set_step(block: ProofBlock, path, i, new_step) -> ProofBlock:
    def rec(actions, path):
        if not path:
            return actions[:i] + (new_step,) + actions[i + 1 :]
        k = path[0]
        inner = dataclasses.replace(actions[k], actions=rec(actions[k].actions, path[1:]))
        return actions[:k] + (inner,) + actions[k + 1 :]

    return dataclasses.replace(block, actions=rec(block.actions, path))


def redeclare_name(rng, draft, mat):
    """Declare again a name the theory (or the file) declares: an axiom with another
    statement or the same, a constant with a value, a function with a lambda."""
    options = [
        d for d in list(mat.theory_decls) + list(draft.decls)
        if d.name != "=" and d.type != Atom("type")
    ]  # fmt: skip
    if not options:
        return None
    old = rng.choice(options)
    sorts = SORTS[mat.theory]
    ty, value = old.type, old.value
    if type(ty) is Atom and ty.name in sorts:  # a constant: give it a value
        pool = [t for t in mat.closed.get(ty.name, []) if t != Atom(old.name)]
        if not pool:
            return None
        value = rng.choice(pool)
    elif type(ty) is Arrow and _returns_sort(ty, sorts):  # a function: a lambda value
        ins = [i.type if type(i) is Decl else i for i in ty.inputs]
        if not all(type(s) is Atom for s in ins):
            return None
        params = tuple(Decl(rng.choice(_NAMES), s) for s in ins)
        body_pool = [Atom(p.name) for p in params if p.type == ty.output] or [Atom(old.name)]
        value = Lambda(params, rng.choice(body_pool))
    else:  # an axiom or a definition: another statement, an α-variant, or the same
        how = rng.random()
        if how < 0.5:
            options = _neighbouring(ty, mat.theory)
            ty = rng.choice(options) if options else ty
        elif how < 0.7:
            ty = alpha_variant(ty, rng)
    return Draft(draft.decls + (declaration(old.name, ty, value),), draft.block)


def _returns_sort(ty: Term, sorts) -> bool:
    while type(ty) is Arrow:
        ty = ty.output
    return type(ty) is Atom and ty.name in sorts


def change_definition(rng, draft, mat):
    """A neighbouring subterm in a declaration's value or type."""
    slots = [s for s in draft_slots(draft) if s[0] == "decl"]
    options = [
        (s, p, n)
        for s in slots
        for p, t in positions(get_draft_slot(draft, s))
        for n in neighbours(t, mat.theory)
    ]
    if not options:
        return None
    slot, path, new = rng.choice(options)
    return set_draft_slot(draft, slot, replace_at(get_draft_slot(draft, slot), path, new))


OPERATORS = {
    "shadow_binder": shadow_binder,
    "duplicate_binder": duplicate_binder,
    "swap_binders": swap_binders,
    "alpha_goal": alpha_goal,
    "shadowing_have": shadowing_have,
    "abstract_definition": abstract_definition,
    "proof_definition": proof_definition,
    "redeclare_name": redeclare_name,
    "change_definition": change_definition,
}

WEIGHTS = {
    "shadow_binder": 1.5,
    "duplicate_binder": 1.0,
    "swap_binders": 1.0,
    "alpha_goal": 2.0,
    "shadowing_have": 1.5,
    "abstract_definition": 3.0,
    "proof_definition": 1.5,
    "redeclare_name": 1.0,
    "change_definition": 1.0,
}


# -- what a mutant involves ------------------------------------------------------------------------


def shadowing(t: Term, scope: frozenset[str] = frozenset()) -> bool:
    """Whether a binder of `t` has the name of a binder around it or one of `scope`'s names."""
    return any(_decl_name(t, path, i) in set(around) | scope for path, i, around in binder_sites(t))


def involvement(text: str) -> set[str]:
    """{"shadowing", "lambda definition"} as far as a Peano text's proof blocks involve them:
    a binder of a block's terms, or of a definition a block uses (directly or through other
    definitions), shadows another name; a definition with a lambda in its value is used."""
    items = parse_file(text)
    decls = {i.name: i for i in items if isinstance(i, Declare)}
    blocks = [i for i in items if isinstance(i, ProofBlock)]
    found: set[str] = set()
    used: set[str] = set()
    for block in blocks:
        quoted = frozenset(
            a.name for a in _all_actions(block.actions)
            if isinstance(a, IntroStep) and a.name.startswith("'")
        )  # fmt: skip
        terms = [block.statement] + [
            getattr(a, f)
            for a in _all_actions(block.actions)
            for f in ("type", "value", "term")
            if isinstance(getattr(a, f, None), Term)
        ]
        if any(shadowing(t, quoted) for t in terms):
            found.add("shadowing")
        used |= {sub.name for t in terms for _p, sub in positions(t) if type(sub) is Atom}
        steps = _all_actions(block.actions)
        used |= {a.by for a in steps if isinstance(a, (ShowStep, ConstructStep))}
    todo = [n for n in used if n in decls]
    seen: set[str] = set()
    while todo:
        d = decls[todo.pop()]
        if d.name in seen:
            continue
        seen.add(d.name)
        terms = [d.type] + ([d.value] if d.value is not None else [])
        if d.value is not None and any(type(t) is Lambda for _p, t in positions(d.value)):
            found.add("lambda definition")
        if any(shadowing(t) for t in terms):
            found.add("shadowing")
        todo += [sub.name for t in terms for _p, sub in positions(t) if type(sub) is Atom]
        todo = [n for n in todo if n in decls and n not in seen]
    return found
