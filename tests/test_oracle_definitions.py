"""The soundness oracle on definitions and lambdas: reference β-reduction, typing of
definitions, and audits of files with definitions.

The oracle reads a lambda applied to arguments by the reference normaliser of
`reference_beta.py` (rename binders apart, substitute, normalise). These tests check that
reading against the other way the models can read a lambda, as a Python function over the finite
domains, on random terms rich in shadowing; and the normaliser's capture-free substitution
against Curry's algorithm (rename only a binder that would capture).
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_claims import audit_text
from models import Uninterpretable, holds, refutation, typing_error
from reference_beta import (
    NormalisationLimit,
    Normaliser,
    alpha_equal,
    free_names,
    rename_apart,
    subst_avoiding,
    substitute,
)

from telos.peano import (
    App,
    Arrow,
    Atom,
    BlockResult,
    Decl,
    Lambda,
    check_text,
    parse_file,
    parse_term,
)
from telos.peano.syntax import ProofBlock
from telos.peano.terms import Term
from telos.theories import load_theory

# -- lambdas in statements -----------------------------------------------------------------------

TRUE_WITH_LAMBDAS = [
    ("nat-add", "(= ((lambda ('x : nat) (s 'x)) z) (s z))"),
    ("nat-add", "[('a : nat) -> (= ((lambda ('a : nat, 'b : nat) (+ 'b 'a)) z 'a) (+ 'a z))]"),
    ("nat-add", "(= (lambda ('x : nat) (+ 'x z)) (lambda ('y : nat) 'y))"),  # extensional
    ("nat-add", "[('a : nat) -> ((lambda ('a : nat) [('a : nat) -> (= 'a 'a)]) (s 'a))]"),
    ("groups", "[('x : G) -> (= ((lambda ('y : G, 'x : G) (op 'x 'y)) 'x id) (op id 'x))]"),
    ("propositional-logic", "[('p : prop) -> ((lambda ('q : prop) ['q -> 'q]) 'p)]"),
]

FALSE_WITH_LAMBDAS = [
    # C1: substituting 'b for 'a under the binders ('b, 'b_0) must not capture it
    ("nat-add", "[('b : nat) -> ((lambda ('a : nat, 'b : nat, 'b_0 : nat) (= 'b 'a)) 'b z 'b)]"),
    ("nat-add", "(= ((lambda ('x : nat, 'y : nat) 'x) z (s z)) (s z))"),
    ("nat-add", "(= s (lambda ('x : nat) 'x))"),
    # a lambda whose parameter shadows the argument's free name
    ("nat-add", "[('x : nat) -> (= ((lambda ('y : nat) (lambda ('x : nat) 'y)) 'x z) z)]"),
    ("propositional-logic", "[('p : prop) -> ((lambda ('p : prop, 'q : prop) 'q) 'p 'p)]"),
]


@pytest.mark.parametrize(("theory", "statement"), TRUE_WITH_LAMBDAS)
def test_statements_with_lambdas_that_reduce_to_truths_hold(theory, statement):
    assert holds(statement, theory)
    assert refutation(statement, theory, reduce=False) is None


@pytest.mark.parametrize(("theory", "statement"), FALSE_WITH_LAMBDAS)
def test_statements_with_lambdas_that_reduce_to_falsehoods_are_refuted(theory, statement):
    assert refutation(statement, theory) is not None
    assert refutation(statement, theory, reduce=False) is not None


def test_a_term_without_a_normal_form_is_uninterpretable_not_a_hang():
    omega = "(lambda ('x : nat) ('x 'x))"
    with pytest.raises(NormalisationLimit):
        Normaliser().normal(parse_term(f"({omega} {omega})"))
    with pytest.raises(Uninterpretable):
        holds(f"(= ({omega} {omega}) z)", "nat-add")


# -- the reference normaliser against closures, on random terms ------------------------------------

NAMES = ("'a", "'b", "'x")  # few names: binders shadow one another and arguments often


class _Terms:
    """Random well-sorted nat-add terms with lambdas, applied or compared, over few names."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def nat(self, scope: dict[str, str], depth: int) -> Term:
        rng = self.rng
        variables = [n for n, s in scope.items() if s == "nat"]
        if depth <= 0 or rng.random() < 0.25:
            return Atom(rng.choice(variables)) if variables and rng.random() < 0.7 else Atom("z")
        how = rng.choice(("s", "+", "lambda", "lambda"))
        if how == "s":
            return App(Atom("s"), (self.nat(scope, depth - 1),))
        if how == "+":
            return App(Atom("+"), (self.nat(scope, depth - 1), self.nat(scope, depth - 1)))
        return self.applied(scope, depth, "nat")

    def prop(self, scope: dict[str, str], depth: int) -> Term:
        rng = self.rng
        how = rng.choice(("=", "=", "forall", "lambda", "=fn"))
        if depth <= 0 or how == "=":
            return App(Atom("="), (self.nat(scope, depth - 1), self.nat(scope, depth - 1)))
        if how == "forall":
            name = rng.choice(NAMES)
            body = self.prop({**scope, name: "nat"}, depth - 1)
            return Arrow((Decl(name, Atom("nat")),), body)
        if how == "=fn":
            sides = (self.function(scope, depth - 1), self.function(scope, depth - 1))
            return App(Atom("="), sides)
        return self.applied(scope, depth, "prop")

    def function(self, scope: dict[str, str], depth: int) -> Term:
        name = self.rng.choice(NAMES)
        return Lambda((Decl(name, Atom("nat")),), self.nat({**scope, name: "nat"}, depth))

    def applied(self, scope: dict[str, str], depth: int, sort: str) -> Term:
        rng = self.rng
        k = rng.randint(1, 3)
        params = [rng.choice(NAMES) for _ in range(k)]
        inner = dict(scope)
        for p in params:
            inner[p] = "nat"
        body = self.nat(inner, depth - 1) if sort == "nat" else self.prop(inner, depth - 1)
        fn = Lambda(tuple(Decl(p, Atom("nat")) for p in params), body)
        args = tuple(self.nat(scope, depth - 1) for _ in params)
        return App(fn, args)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
def test_beta_reduction_means_what_the_lambdas_mean_as_functions(seed):
    rng = random.Random(seed)
    name = rng.choice(NAMES)
    statement = Arrow((Decl(name, Atom("nat")),), _Terms(rng).prop({name: "nat"}, 4))
    reduced = refutation(statement, "nat-add")
    as_functions = refutation(statement, "nat-add", reduce=False)
    assert (reduced is None) == (as_functions is None), statement
    normal = Normaliser().normal(statement)
    assert not any(type(t) is App and type(t.fn) is Lambda for t in _subterms(normal)), normal


def _subterms(t: Term):
    yield t
    if type(t) is App:
        for kid in (t.fn, *t.args):
            yield from _subterms(kid)
    elif type(t) in (Arrow, Lambda):
        items = t.inputs if type(t) is Arrow else t.params
        for item in items:
            yield from _subterms(item.type if type(item) is Decl else item)
        yield from _subterms(t.output if type(t) is Arrow else t.body)


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
def test_substitution_renaming_apart_agrees_with_curry_substitution(seed):
    rng = random.Random(seed)
    terms = _Terms(rng)
    free = {n: "nat" for n in NAMES}
    t = terms.prop(free, 4)
    mapping = {rng.choice(NAMES): terms.nat(free, 2) for _ in range(rng.randint(1, 2))}
    apart = substitute(rename_apart(t, itertools.count()), mapping)
    curry = subst_avoiding(t, mapping)
    assert alpha_equal(apart, curry), (t, mapping)
    assert free_names(curry) <= (free_names(t) - set(mapping)) | {
        n for k, v in mapping.items() if k in free_names(t) for n in free_names(v)
    }


# -- definitions ----------------------------------------------------------------------------------


def test_a_definition_is_of_its_type_only_when_its_value_has_that_sort():
    def err(value: str, ty: str) -> str | None:
        return typing_error(parse_term(value), parse_term(ty), (), "nat-add")

    assert err("(lambda ('x : nat) (= 'x z))", "[nat -> prop]") is None
    assert err("(lambda ('x : nat, 'y : nat) (+ 'x 'y))", "[nat -> nat -> nat]") is None
    assert err("s", "[nat -> nat]") is None
    assert err("(lambda ('x : nat) (s 'x))", "[nat -> prop]") is not None
    assert err("(lambda ('x : nat) 'x)", "[nat -> nat -> nat]") is not None
    assert err("(s z)", "prop") is not None


def _audit(text: str, theory: str = "nat-add"):
    """The audit of a file as if the checker had accepted every block."""
    blocks = [b for b in parse_file(text) if isinstance(b, ProofBlock)]
    accepted = [BlockResult(b.name, b.kind, True) for b in blocks]
    prelude = load_theory(theory).text
    return {a.name: a for a in audit_text(text, accepted, theory, prelude=prelude)}


def test_the_audit_reads_a_defined_name_as_its_value():
    audits = _audit(
        """Add0 : [nat -> nat] = (lambda ('n : nat) (+ 'n z)).
theorem good : [('n : nat) -> (= (Add0 'n) 'n)] {
    intro n : nat.
    show (= (+ n z) n) by +_z.
}
theorem bad : [('n : nat) -> (= (Add0 'n) z)] {
    intro n : nat.
    show (= (Add0 n) z) by +_z.
}
"""
    )
    assert audits["good"].verdict == "true" and audits["good"].checked >= 3
    assert audits["bad"].verdict == "false"


def test_the_audit_judges_what_a_definition_claims_in_the_blocks_that_use_it():
    audits = _audit(
        """P : [nat -> prop] = (lambda ('x : nat) (s 'x)).
f : [('n : nat) -> (= (s 'n) z)] = +_z.
theorem uses_p : [('n : nat) -> (P 'n)] { halt. }
theorem uses_f : (= z z) { show (= z z) by f. }
theorem uses_neither : (= z z) { show (= z z) by eq_refl. }
"""
    )
    ((fact, why),) = audits["uses_p"].false_facts
    assert fact.origin == "definition P" and "not [nat -> prop]" in why
    assert [f.origin for f, _ in audits["uses_f"].false_facts] == [
        "definition f : [('n : nat) -> (= (s 'n) z)]"
    ]
    assert audits["uses_neither"].verdict == "true"


def test_a_redeclaration_never_changes_what_a_theory_name_means_to_the_oracle():
    audits = _audit(
        """z : nat = (s z).
theorem t : (= z (s z)) { show (= z (s z)) by eq_refl. }
"""
    )
    assert audits["t"].verdict == "false"


def test_a_definition_used_only_after_a_block_is_not_part_of_that_block():
    audits = _audit(
        """theorem before : (= z z) { show (= z z) by eq_refl. }
P : [nat -> prop] = (lambda ('x : nat) (s 'x)).
"""
    )
    assert audits["before"].verdict == "true"


def test_a_definition_stated_as_an_axiom_of_the_theory_claims_what_the_models_satisfy():
    audits = _audit(
        """ind : [('q : [nat -> prop]) -> ('q z) -> [('m : nat) -> ('q 'm) -> ('q (s 'm))] ->
       [('m : nat) -> ('q 'm)]] = nat_ind.
theorem t : (= z z) { show (= z z) by ind. }
"""
    )
    assert audits["t"].verdict != "uninterpretable"


# -- the checker on false lemmas made of definitions and shadowing ---------------------------------

FALSE_LEMMAS_WITH_DEFINITIONS = {
    # a repeated parameter name: the second binds; (D z (s z)) is (s z)
    "repeated_parameter": """D : [nat -> nat -> nat] = (lambda ('a : nat, 'a : nat) 'a).
theorem t : (= (D z (s z)) z) { show (= z z) by eq_refl. }
""",
    # the inner lambda's 'x must not capture the argument x
    "capture_in_a_definition": """K : [nat -> [nat -> prop]] =
    (lambda ('y : nat) (lambda ('x : nat) (= 'x 'y))).
theorem t : [('x : nat) -> ((K 'x) z)] { intro x : nat. show (= z z) by eq_refl. }
""",
    # a binder named like a definition is not the definition
    "binder_named_like_a_definition": """one : nat = (s z).
theorem t : [('one : nat) -> (= 'one one)] { intro x : nat. show (= x x) by eq_refl. }
""",
    # an intro named like a definition gets a fresh name; `one` stays the definition
    "intro_named_like_a_definition": """one : nat = (s z).
theorem t : [('x : nat) -> (= 'x one)] { intro one : nat. show (= one one) by eq_refl. }
""",
    # a definition whose value proves another statement (D2)
    "definition_of_another_statement": """f : [('n : nat) -> (= (+ 'n z) z)] = +_z.
theorem t : (= (+ (s z) z) z) { show (= (+ (s z) z) z) by f. }
""",
    # a lambda as the proof of a wrong statement
    "lambda_proof_of_a_wrong_statement": """f : [('n : nat) -> (= (+ 'n z) z)] =
    (lambda ('n : nat) (+_z 'n)).
theorem t : (= (+ (s z) z) z) { show (= (+ (s z) z) z) by f. }
""",
    # a second declaration does not replace the first (S7)
    "redeclared_definition": """A : nat = z.
A : nat = (s z).
theorem t : (= A (s z)) { show (= (s z) (s z)) by eq_refl. }
""",
}


@pytest.mark.parametrize("case", sorted(FALSE_LEMMAS_WITH_DEFINITIONS))
def test_the_checker_accepts_no_false_lemma_made_of_definitions(case):
    text = FALSE_LEMMAS_WITH_DEFINITIONS[case]
    prelude = load_theory("nat-add").text
    results = check_text(text, prelude=prelude)
    assert not [r for r in results if r.name == "t"][0].ok
    assert _audit(text)["t"].verdict == "false"  # the lemma is false indeed
