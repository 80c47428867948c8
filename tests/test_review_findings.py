"""What the first adversarial review of `telos check` found, as regression tests: a capture in
the parser's quoting of unquoted binders (false statements accepted), and inputs whose
checking took unbounded time (S8)."""

from __future__ import annotations

import pytest

from telos.peano import check_text, parse_term
from telos.peano.core import from_named
from telos.theories import load_theory

THEORIES = {name: load_theory(name).text for name in ("nat-add", "propositional-logic", "groups")}


def verdicts(text: str, theory: str = "nat-add") -> dict[str, bool]:
    return {r.name: r.ok for r in check_text(text, prelude=THEORIES[theory])}


def test_an_unquoted_binder_is_not_captured_by_a_quoted_one_of_the_same_name():
    written = parse_term("[(n : nat) -> [('n : nat) -> (= n 'n)]]")
    meant = parse_term("[('a : nat) -> [('b : nat) -> (= 'a 'b)]]")
    assert from_named(written) == from_named(meant)
    reversed_ = parse_term("[('n : nat) -> [(n : nat) -> (= 'n n)]]")
    assert from_named(reversed_) == from_named(meant)
    assert str(parse_term("[(n : nat) -> (= n n)]")) == "[('n : nat) -> (= 'n 'n)]"


@pytest.mark.parametrize(
    "theory, text",
    [
        ("nat-add", "theorem all_equal : [(a : nat) -> [('a : nat) -> (= a 'a)]] {\n"
         " intro x : nat. intro y : nat. show (= y y) by eq_refl. }"),
        ("nat-add", "theorem zero_is_one : (= (((lambda (x : nat) (lambda ('x : nat) x)) z)"
         " (s z)) (s z)) { show (= (s z) (s z)) by eq_refl. }"),
        ("propositional-logic", "theorem anything : [(A : prop) -> [('A : prop) -> [A -> 'A]]]"
         " { intro p : prop. intro q : prop. intro h : q. }"),
        ("groups", "theorem trivial : [(a : G) -> [('a : G) -> (= a 'a)]] {\n"
         " intro x : G. intro y : G. show (= y y) by eq_refl. }"),
    ],
)
def test_false_statements_through_binder_quoting_are_refused(theory, text):
    assert not any(verdicts(text, theory).values())


def test_definitions_that_unfold_exponentially_are_a_located_error():
    lines = ["d0 : nat = z."] + [f"d{k} : nat = (+ d{k - 1} d{k - 1})." for k in range(1, 17)]
    results = check_text("\n".join(lines) + "\ntheorem t : (= z z) { show (= z z) by eq_refl. }",
                         prelude=THEORIES["nat-add"])
    assert not results[0].ok
    assert "unfolds to more than" in results[0].message and results[0].pos[0] == 14


def test_a_step_with_too_many_argument_tuples_stops_at_the_enumeration_limit():
    decls = "\n".join(f"c{k} : nat." for k in range(600))  # 600 ** 2 tuples for +_s
    results = check_text(decls + "\ntheorem t : (= z (s z)) { show (= z (s z)) by +_s. }",
                         prelude=THEORIES["nat-add"])
    assert not results[0].ok and "a limit" in results[0].message


def test_or_e_on_a_deep_goal_stops_at_the_enumeration_limit():
    goal = "false"
    for _ in range(60):
        goal = f"(not {goal})"
    text = f"theorem t : {goal} {{ show false by or_e. }}"
    assert verdicts(text, "propositional-logic") == {"t": False}


def test_many_lemmas_rewriting_with_each_other_check_quickly_and_pass():
    text = "\n".join(
        f"lemma l{k} : (= (+ z z) z) {{ show (= (+ z z) z) by +_z. show (= z z) by rewrite. }}"
        for k in range(150)
    )
    assert all(verdicts(text).values())


def test_a_rewrite_step_over_large_unfolded_terms_stops_at_the_result_limit():
    # Review 2: each rewrite result copies a proposition of ~8,000 nodes; 50,000 of them ran
    # for minutes. The built-in rules' results past the targeted search are capped.
    lines = ["t0 : nat = (+ z z)."] + [f"t{k} : nat = (+ t{k - 1} t{k - 1})." for k in range(1, 11)]
    hyps = ["(= (+ z z) z)"] * 3 + ["(= t10 t10)"] * 3
    goal = "[" + " -> ".join(hyps) + " -> (= z (s z))]"
    intros = " ".join(f"intro h{i} : {h}." for i, h in enumerate(hyps))
    text = "\n".join(lines) + f"\ntheorem slow : {goal} {{ {intros} show (= z (s z)) by rewrite. }}"
    (result,) = check_text(text, prelude=THEORIES["nat-add"])
    assert not result.ok and "a limit" in result.message
