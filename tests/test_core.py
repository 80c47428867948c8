"""The trusted core (`telos.peano.core`): terms with de Bruijn indices, and the judgements that
decide whether a proof is accepted. Each test is an example of one rule, stated directly on
core terms or through a `.p` text whose verdict only the core can give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telos.peano import App as NamedApp
from telos.peano import Arrow, Atom, Decl, Lambda, check_text, load_items, parse_term
from telos.peano.core import (
    App,
    Checker,
    CoreError,
    Env,
    EqRefl,
    EqSymm,
    Lam,
    Let,
    Rewrite,
    Var,
    from_named,
)
from telos.peano.core.terms import BVar, Pi, abstract, instantiate, lift
from telos.peano.core.typing import EVAL_BUDGET, Ctx
from telos.theories import load_theory

NAT_ADD = load_theory("nat-add").text


def core(text: str, params: bool = False):
    return from_named(parse_term(text), params=params)


def nat_add_env() -> Env:
    env = Env()
    for name, type_ in [
        ("=", "[('t : type) -> 't -> 't -> prop]"),
        ("nat", "type"),
        ("z", "nat"),
        ("s", "[nat -> nat]"),
        ("+", "[nat -> nat -> nat]"),
        ("+_z", "[('n : nat) -> (= (+ 'n z) 'n)]"),
        ("+_s", "[('n : nat) -> ('m : nat) -> (= (+ 'n (s 'm)) (s (+ 'n 'm)))]"),
        ("nat_ind", "[('p : [nat -> prop]) -> ('p z) -> [('n : nat) -> ('p 'n) -> "
         "('p (s 'n))] -> [('n : nat) -> ('p 'n)]]"),
    ]:
        env.declare(name, core(type_, params=True))
    return env


def verdicts(text: str, theory: str | None = NAT_ADD) -> dict[str, bool]:
    return {r.name: r.ok for r in check_text(text, prelude=theory)}


# -- terms -------------------------------------------------------------------------------------


def test_alpha_equivalent_statements_are_equal_core_terms():
    assert core("[('a : nat) -> (= 'a 'a)]") == core("[('b : nat) -> (= 'b 'b)]")
    assert core("[('a : nat) -> ('b : nat) -> (= 'a 'b)]") != core(
        "[('a : nat) -> ('b : nat) -> (= 'b 'a)]"
    )


def test_a_shadowing_binder_is_a_different_variable():
    # F1's confusion: [('b) -> [('b) -> b = b]] is not [('a) -> [('c) -> a = c]].
    shadowed = core("[('b : nat) -> [('b : nat) -> (= 'b 'b)] -> (= (s z) z)]")
    distinct = core("[('a : nat) -> [('c : nat) -> (= 'a 'c)] -> (= (s z) z)]")
    assert shadowed != distinct
    inner = shadowed.body.dom  # the hypothesis: its binder's own variable on both sides
    assert inner.body == App(Var("="), (BVar(0), BVar(0)))


def test_a_binders_type_is_outside_its_scope():
    t = core("[('n : nat) -> ('n : (= 'n z)) -> (= 'n z)]")
    assert t.body.dom == App(Var("="), (BVar(0), Var("z")))  # the outer 'n
    assert t.body.body == App(Var("="), (BVar(0), Var("z")))  # the inner one


def test_an_unbound_parameter_is_refused_outside_declared_types():
    with pytest.raises(CoreError, match="unbound parameter 'x"):
        core("(= 'x 'x)")
    assert "Param" in repr(type(core("(leq 'a 'b)", params=True).args[0]))


def test_instantiation_lifts_the_value_under_binders_so_nothing_is_captured():
    # (lambda ('y) (lambda ('x) 'y)) applied to a term with a loose index 0
    body = Lam("'x", Var("nat"), BVar(1))
    assert instantiate(body, BVar(0)) == Lam("'x", Var("nat"), BVar(1))
    assert instantiate(Pi(None, Var("nat"), BVar(1)), Var("c")) == Pi(None, Var("nat"), Var("c"))
    assert lift(BVar(0), 2) == BVar(2)
    assert abstract(App(Var("f"), (Var("x"),)), "x") == App(Var("f"), (BVar(0),))


# -- judgements --------------------------------------------------------------------------------


def test_a_proof_term_of_zero_add_types_as_its_statement():
    env = nat_add_env()
    statement = core("[('n : nat) -> (= (+ z 'n) 'n)]")
    motive = core("(lambda ('k : nat) (= (+ z 'k) 'k))")
    base = App(Var("+_z"), (Var("z"),))
    # step: λn. λh : (= (+ z n) n). rewrite h in (+_s z n) : (= (+ z (s n)) (s (+ z n)))
    step_body = Rewrite(BVar(0), App(Var("+_s"), (Var("z"), BVar(1))), (2, 1))
    step = Lam("'n", Var("nat"), Lam("'h", App(Var("="), (App(Var("+"), (Var("z"), BVar(0))),
                                                        BVar(0))), step_body))
    env.add_theorem("zero_add", statement, App(Var("nat_ind"), (motive, base, step)))
    assert "zero_add" in env.entries


def test_a_proof_of_another_statement_is_refused():
    env = nat_add_env()
    with pytest.raises(CoreError, match="the proof has type"):
        env.add_theorem("bad", core("(= (s z) z)"), App(Var("+_z"), (Var("z"),)))


def test_equality_rules_are_checked_not_trusted():
    env = nat_add_env()
    ctx = Ctx(env)
    fact = App(Var("+_z"), (Var("z"),))  # (= (+ z z) z)
    assert ctx.infer(EqSymm(fact)) == core("(= z (+ z z))")
    assert ctx.infer(EqRefl(Var("z"))) == core("(= z z)")
    with pytest.raises(CoreError):
        ctx.infer(EqRefl(fact))  # a proof is not an object of a type
    with pytest.raises(CoreError, match="is not"):
        ctx.infer(Rewrite(fact, fact, (2,)))  # the occurrence at @2 is z, not (+ z z)


def test_let_bound_facts_unfold_in_later_types():
    env = nat_add_env()
    one = core("(s z)")
    proof = Let("one", Var("nat"), one, App(Var("+_z"), (BVar(0),)))
    env.add_theorem("one_plus_zero", core("(= (+ (s z) z) (s z))"), proof)


def test_definitions_are_typed_and_names_declared_once():
    env = nat_add_env()
    env.define("two", Var("nat"), core("(s (s z))"))
    with pytest.raises(CoreError, match="the value of f"):
        env.define("f", core("[('n : nat) -> (= (s 'n) z)]"), Var("+_z"))  # attack D2
    with pytest.raises(CoreError, match="already declared"):
        env.declare("+_z", core("[('n : nat) -> (= 'n z)]"))  # attack D1
    env.declare("z", Var("nat"))  # the same declaration again changes nothing
    with pytest.raises(CoreError, match="already declared"):
        env.declare("eq_refl", core("(= z z)"))


def test_type_is_not_its_own_type():
    env = nat_add_env()
    ctx = Ctx(env)
    assert ctx.infer(core("prop")) == core("type")
    with pytest.raises(CoreError, match="kind has no type"):
        ctx.infer(ctx.infer(core("type")))
    # a statement may quantify over types: impredicative propositions
    assert ctx.sort_of(core("[('t : type) -> ('x : 't) -> (= 'x 'x)]")) == core("prop")


def test_evaluation_is_bounded():
    env = nat_add_env()
    double = "(lambda ('f : [nat -> nat]) (lambda ('x : nat) ('f ('f 'x))))"
    env.define("d", core("[[nat -> nat] -> nat -> nat]"), core(double))
    # d^40 s z unfolds to 2^40 applications of s: more than the budget allows
    tower = "s"
    for _ in range(40):
        tower = f"(d {tower})"
    with pytest.raises((CoreError, RecursionError)):  # the driver fails the block on either
        Ctx(env).defeq(core(f"({tower} z)"), core("z"))
    assert EVAL_BUDGET >= 100_000


# -- through the checker -------------------------------------------------------------------


def test_a_proof_term_the_elaborator_gets_wrong_is_refused_by_the_driver():
    # The elaborator (checker.py) is untrusted: whatever term it proposes, the verdict is the
    # core's. Here it claims the false `(= (s z) z)` with the proof term of `(= (+ z z) z)`.
    items = load_items(NAT_ADD) + load_items("theorem bad : (= (s z) z) { halt. }")
    proposed = App(Var("+_z"), (Var("z"),))
    script = from_named(parse_term("prop"))  # no steps

    def elaborate(block, file, passed):
        return proposed, script

    verdicts = Checker(elaborate, lambda item, file: None).feed(items)
    assert [(v.block.name, v.ok) for v in verdicts] == [("bad", False)]
    assert "core refuses the proof" in verdicts[0].message


def test_steps_after_the_goal_is_closed_are_checked_by_the_core_too():
    text = """
    theorem dead_have : (= z z) {
        show (= z z) by eq_refl.
        have [('b : nat) -> ['b -> 'b]] { intro x : nat. intro h : x. }
    }
    theorem dead_goal : (= z z) {
        show (= z z) by eq_refl.
        goal [z -> z] { intro h : z. }
    }
    theorem live : (= z z) {
        show (= z z) by eq_refl.
        have (= (+ z z) z) { show (= (+ z z) z) by +_z. }
    }"""
    assert verdicts(text) == {"dead_have": False, "dead_goal": False, "live": True}


def test_a_lemma_is_available_only_once_the_core_accepts_it():
    text = """
    theorem add_z : [('n : nat) -> (= (+ 'n z) 'n)] {
        intro n : nat.
        show (= (+ n z) n) by +_z.
    }
    theorem use : (= (+ (s z) z) (s z)) { show (= (+ (s z) z) (s z)) by add_z. }
    """
    assert verdicts(text) == {"add_z": True, "use": True}


def test_checking_stops_after_the_wanted_block():
    from telos.peano import check_items, load_items

    items = load_items(NAT_ADD) + load_items(
        "theorem a : (= z z) { show (= z z) by eq_refl. }\n"
        "theorem b : (= z z) { show (= z z) by eq_refl. }\n"
    )
    assert [r.name for r in check_items(items, wanted={"a"})] == ["a"]
    assert [r.name for r in check_items(items)] == ["a", "b"]


# -- the parser, held by a round trip --------------------------------------------------------

ATOMS = ["z", "s", "nat", "+", "=", "+_z", "op", "prop", "type"]
PARAMS = ["'a", "'b", "'n", "'b_0"]


def _terms():
    leaves = st.sampled_from([Atom(a) for a in ATOMS + PARAMS])
    decls = st.builds(Decl, st.sampled_from(PARAMS), leaves)  # leaves are never lambdas

    def extend(children):
        # where the grammar wants a type (arrow inputs and output, a declared type), no lambda
        types = children.filter(lambda t: type(t) is not Lambda)
        args = st.lists(children, min_size=1, max_size=3)
        apps = st.builds(lambda f, xs: NamedApp(f, tuple(xs)), children, args)
        one_input = st.one_of(types, st.builds(Decl, st.sampled_from(PARAMS), types))
        inputs = st.lists(one_input, min_size=1, max_size=3)
        arrows = st.builds(lambda i, o: Arrow(tuple(i), o), inputs, types)
        params = st.lists(decls, min_size=1, max_size=2)
        lambdas = st.builds(lambda ps, b: Lambda(tuple(ps), b), params, children)
        return st.one_of(apps, arrows, lambdas)

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(_terms())
def test_printing_a_term_and_parsing_it_back_gives_the_same_term(term):
    assert parse_term(str(term)) == term
