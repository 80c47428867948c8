"""Statements from outside a `.p` file, their normal forms, state text and the state accessors.

Read as examples of use:

- `check_statement(derivation, text)` is the strict well-formedness check (DESIGN, "Shared
  formats") for goals, goal-set entries and conjectures: it returns the parsed term or raises a
  `ParseError` / `TypeCheckError` carrying the `(line, column)` of the offending token;
- `normal_form` / `contract` / `conjecture_statement` (SPEC §5.1) translate between statement
  text and conjecture text;
- `state_text` is what the model reads for a proof state;
- the `ProofState` accessors used by hindsight relabeling (SPEC §4.10, §6).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from telos.peano import (
    ParseError,
    PeanoError,
    ProofTree,
    TypeCheckError,
    check_statement,
    check_text,
    conjecture_statement,
    contract,
    elaborate,
    load_theory_text,
    new_proof_state,
    normal_form,
    parse_term,
    state_text,
    theorem_text,
)
from telos.peano.terms import Arrow, Decl, alpha_equivalent
from telos.theories import THEORY_NAMES, load_theory

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLDEN_PROOFS = SHARED / "peano" / "golden" / "proofs.jsonl"


@pytest.fixture(scope="module")
def theories():
    """Each packaged theory loaded once into a derivation (read-only in these tests)."""
    return {name: load_theory_text(load_theory(name).text) for name in THEORY_NAMES}


@pytest.fixture(scope="module")
def nat(theories):
    return theories["nat-add"]


# -- check_statement: accepted ---------------------------------------------------------------

WELL_FORMED = [
    ("nat-add", "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"),
    ("nat-add", "(= (+ (s z) z) (s z))"),
    ("nat-add", "[('a : nat) -> ('b : nat) -> (= 'a 'b) -> (= 'b 'a)]"),
    ("nat-add", "[('x : nat) -> [('y : nat) -> (= 'x 'y)] -> (= 'x z)]"),
    # a binder of function type, and an application headed by a bound variable
    ("nat-add", "[('P : [nat -> prop]) -> ('P z) -> ('P z)]"),
    ("nat-mul", "[('n : nat) -> (= (* 'n z) z)]"),
    ("groups", "[('a : G) -> (= (op 'a id) 'a)]"),
    ("groups", "[('a : G) -> ('b : G) -> (= (op 'a 'b) (op 'b 'a))]"),
    # an implication as a hypothesis: outside what the original sampler can produce (§5.1)
    ("propositional-logic", "[('A : prop) -> ('B : prop) -> ['A -> 'B] -> 'A -> 'B]"),
    ("propositional-logic", "[('p : prop) -> false -> 'p]"),
    ("propositional-logic", "(not false)"),
]


@pytest.mark.parametrize(("theory", "text"), WELL_FORMED)
def test_check_statement_accepts_well_formed_goals(theories, theory, text):
    term = check_statement(theories[theory], text)
    assert str(term) == text  # the parsed statement prints back as statement text


def test_check_statement_allows_whitespace_and_comments_around_the_term(nat):
    assert str(check_statement(nat, "  (= z z) /* trailing comment */\n")) == "(= z z)"


def test_check_statement_quotes_unquoted_binders(nat):
    # SPEC §1.4: `(n : nat)` binds `n`, which becomes the parameter `'n`
    assert str(check_statement(nat, "[(n : nat) -> (= n n)]")) == "[('n : nat) -> (= 'n 'n)]"


# -- check_statement: rejected, with a position ----------------------------------------------

ILL_FORMED = [
    # (text, error class, (line, column), words of the message)
    ("[('a0 : nat) -> (= (+ z 'a0) 'a0)] extra", ParseError, (1, 36), "after the term"),
    ("(= z z) (= z z)", ParseError, (1, 9), "after the term"),
    ("(= z", ParseError, (1, 5), "found end of input"),
    ("(= 'x z)", TypeCheckError, (1, 4), "unbound parameter 'x"),
    ("[('x : nat) ->\n (= 'y z)]", TypeCheckError, (2, 5), "unbound parameter 'y"),
    ("(= foo z)", TypeCheckError, (1, 4), "undeclared atom foo"),
    ("(= 0 z)", TypeCheckError, (1, 4), "numeric literal 0"),  # no numeric literals
    ("(= (s z z) z)", TypeCheckError, (1, 4), "s takes 1 argument"),
    ("(s z z)", TypeCheckError, (1, 1), "s takes 1 argument"),
    ("(= (+ z) z)", TypeCheckError, (1, 4), "+ takes 2 argument"),
    ("(= (+ z z z) z)", TypeCheckError, (1, 4), "+ takes 2 argument"),
    ("(z z)", TypeCheckError, (1, 1), "not a function"),
    ("(= z)", TypeCheckError, (1, 1), "= takes 2 arguments, given 1"),
    ("(= nat z z)", TypeCheckError, (1, 1), "= takes 2 arguments, given 3"),
    ("(= z prop)", TypeCheckError, (1, 1), "of type nat"),
    ("(= (= z z) (= z z))", TypeCheckError, (1, 4), "not of type prop"),
    ("(= nat nat)", TypeCheckError, (1, 4), "not of type type"),
    ("(= prop prop)", TypeCheckError, (1, 4), "not of type type"),
    ("z", TypeCheckError, (1, 1), "not a proposition"),
    ("nat", TypeCheckError, (1, 1), "not a proposition"),
    ("prop", TypeCheckError, (1, 1), "not a proposition"),
    ("[nat -> nat]", TypeCheckError, (1, 1), "not a proposition"),
    ("[('x : nat) -> 'x]", TypeCheckError, (1, 1), "not a proposition"),
    ("[z -> (= z z)]", TypeCheckError, (1, 2), "neither a type nor a proposition"),
    ("(= (s (= z z)) z)", TypeCheckError, (1, 7), "ill-typed application (s (= z z))"),
    ("(lambda (x : nat) (= x x))", TypeCheckError, (1, 1), "cannot appear in a statement"),
    ("[('x : nat) -> (= (s (lambda ('y : nat) 'y)) 'x)]", TypeCheckError, (1, 22), "lambda"),
    # `=` only between terms of a declared type, never of a sort or a bound type variable
    ("[('t : type) -> ('x : 't) -> (= 'x 'x)]", TypeCheckError, (1, 33), "declared type"),
]


@pytest.mark.parametrize(("text", "error", "pos", "words"), ILL_FORMED)
def test_check_statement_rejects_with_a_located_error(nat, text, error, pos, words):
    with pytest.raises(error) as info:
        check_statement(nat, text)
    assert info.value.pos == pos
    assert words in info.value.message


@pytest.mark.parametrize(
    ("theory", "text", "pos"),
    [
        ("propositional-logic", "(and false)", (1, 1)),  # wrong arity
        ("propositional-logic", "[('A : prop) -> (= 'A 'A)]", (1, 20)),  # `=` between props
        ("groups", "(= (op id) id)", (1, 4)),
        ("groups", "(= (inv id id) id)", (1, 4)),
        ("groups", "(= z z)", (1, 4)),  # `z` is not declared in groups
    ],
)
def test_check_statement_rejects_in_other_theories(theories, theory, text, pos):
    with pytest.raises(TypeCheckError) as info:
        check_statement(theories[theory], text)
    assert info.value.pos == pos


def test_check_statement_errors_name_the_file_when_given(nat):
    with pytest.raises(PeanoError) as info:
        check_statement(nat, "(= foo z)", file="goals.json")
    assert info.value.file == "goals.json"
    assert info.value.located() == "goals.json:1:4: undeclared atom foo"


# -- elaborate / contract / normal form ------------------------------------------------------


def test_elaborate_makes_the_type_argument_of_equality_explicit(nat):
    assert str(elaborate(nat, parse_term("[('a : nat) -> (= 'a 'a)]"))) == (
        "[('a : nat) -> (= nat 'a 'a)]"
    )
    # an elaborated `=` is left as it is (the original drops its last argument, §7 item 16)
    assert str(elaborate(nat, parse_term("(= nat z z)"))) == "(= nat z z)"


def test_elaborate_recurses_into_equality_and_plain_inputs_see_earlier_binders(nat):
    # `=` between propositions (not well-formed, but elaborate still goes inside)
    assert str(elaborate(nat, parse_term("(= (= z z) (= z z))"))) == (
        "(= prop (= nat z z) (= nat z z))"
    )
    # the plain input `(= 'x z)` mentions the binder before it (the original crashed here)
    assert str(elaborate(nat, parse_term("[('x : nat) -> (= 'x z) -> (= 'x z)]"))) == (
        "[('x : nat) -> (= nat 'x z) -> (= nat 'x z)]"
    )


def test_contract_drops_the_type_argument_at_every_depth():
    t = parse_term("[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= prop (= nat 'a0 z) (= nat z z))]")
    assert str(contract(t)) == "[('a0 : nat) -> ('a1 : (= 'a0 z)) -> (= (= 'a0 z) (= z z))]"
    # two-argument equalities are already contracted
    assert str(contract(parse_term("(= z z)"))) == "(= z z)"


NORMAL_FORMS = [
    (
        "[('x : nat) -> (= 'x z) -> (= (+ 'x 'x) z)]",
        "[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat (+ 'a0 'a0) z)]",
    ),
    ("(= (+ z z) z)", "(= nat (+ z z) z)"),
    ("[(= z z) -> (= z z)]", "[('a0 : (= nat z z)) -> (= nat z z)]"),
    (
        # binders inside a hypothesis are numbered in order of appearance
        "[('x : nat) -> [('y : nat) -> (= 'x 'y)] -> (= 'x z)]",
        "[('a0 : nat) -> ('a1 : [('a2 : nat) -> (= nat 'a0 'a2)]) -> (= nat 'a0 z)]",
    ),
    (
        # a later binder with the same name shadows the earlier one
        "[('x : nat) -> ('x : nat) -> (= 'x z)]",
        "[('a0 : nat) -> ('a1 : nat) -> (= nat 'a1 z)]",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NORMAL_FORMS)
def test_normal_form_names_every_input_and_elaborates_equality(nat, text, expected):
    nf = normal_form(nat, check_statement(nat, text))
    assert str(nf) == expected
    # every input is a declaration; names are 'a0, 'a1, … in order of appearance (the
    # numbering continues inside hypotheses, so outer names need not be consecutive)
    if isinstance(nf, Arrow):
        assert all(isinstance(i, Decl) for i in nf.inputs)
        numbers = [int(i.name.removeprefix("'a")) for i in nf.inputs]
        assert numbers[0] == 0 and numbers == sorted(set(numbers))
    # the normal form is a fixed point
    assert str(normal_form(nat, nf)) == expected


def test_normal_form_keeps_the_meaning_when_binders_are_named_like_canonical_ones(nat):
    # Renaming `'a1` to `'a0` one binder at a time would capture the later binder `'a0`.
    t = check_statement(nat, "[('a1 : nat) -> ('a0 : nat) -> (= 'a1 'a0)]")
    assert str(normal_form(nat, t)) == "[('a0 : nat) -> ('a1 : nat) -> (= nat 'a0 'a1)]"


def test_contract_of_the_normal_form_keeps_the_named_inputs(nat):
    nf = normal_form(nat, check_statement(nat, "[('x : nat) -> (= 'x z) -> (= (+ 'x 'x) z)]"))
    assert str(contract(nf)) == "[('a0 : nat) -> ('a1 : (= 'a0 z)) -> (= (+ 'a0 'a0) z)]"


def test_conjecture_statement_turns_unused_declarations_back_into_plain_inputs(nat):
    nf = parse_term("[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat (+ 'a0 'a0) z)]")
    statement = conjecture_statement(nf)
    assert str(statement) == "[('a0 : nat) -> (= 'a0 z) -> (= (+ 'a0 'a0) z)]"
    # the statement is well-formed statement text, and normalises back to the conjecture
    assert str(normal_form(nat, check_statement(nat, str(statement)))) == str(nf)


def test_conjecture_statement_keeps_declarations_that_later_inputs_mention():
    nf = parse_term("[('a0 : nat) -> ('a1 : nat) -> (= nat (+ 'a0 'a1) 'a1)]")
    assert str(conjecture_statement(nf)) == "[('a0 : nat) -> ('a1 : nat) -> (= (+ 'a0 'a1) 'a1)]"
    # inside a hypothesis too: `'a2` is used, the hypothesis' own name `'a1` is not
    nf = parse_term("[('a0 : nat) -> ('a1 : [('a2 : nat) -> (= nat 'a0 'a2)]) -> (= nat 'a0 z)]")
    assert str(conjecture_statement(nf)) == (
        "[('a0 : nat) -> [('a2 : nat) -> (= 'a0 'a2)] -> (= 'a0 z)]"
    )


def _golden_goals() -> list[tuple[str, str]]:
    if not GOLDEN_PROOFS.is_file():
        return []
    with GOLDEN_PROOFS.open(encoding="utf-8") as f:
        return [(r["theory"], r["goal"]) for r in map(json.loads, f)]


GOLDEN_GOALS = _golden_goals()


@pytest.mark.skipif(not GOLDEN_GOALS, reason="shared golden data not available")
@pytest.mark.parametrize(("theory", "goal"), GOLDEN_GOALS, ids=[g for _, g in GOLDEN_GOALS])
def test_golden_goals_round_trip_through_conjecture_text(theories, theory, goal):
    """statement text → conjecture text (normal form) → statement text.

    The round trip gives the hand-written statement back up to the names of its binders:
    conjecture text renames them `'a0, 'a1, …`, so a goal written with `'n` or `'p` comes back
    alpha-equivalent (SPEC §2.5), and byte-identical when it already used those names.
    """
    d = theories[theory]
    statement = check_statement(d, goal)
    nf = normal_form(d, statement)
    back = conjecture_statement(nf)
    assert alpha_equivalent(back, statement), (goal, str(nf), str(back))
    if "'" not in goal or goal.startswith("[('a0 : "):
        assert str(back) == goal
    # conjecture text is what the sampler writes: normalising the statement again changes nothing
    assert str(normal_form(d, check_statement(d, str(back)))) == str(nf)
    # contract alone keeps every input named; it equals the statement when no input is plain
    if isinstance(statement, Arrow) and all(isinstance(i, Decl) for i in statement.inputs):
        assert alpha_equivalent(contract(nf), statement)


# -- proof states: accessors -----------------------------------------------------------------


@pytest.fixture(scope="module")
def worked_example():
    """SPEC §6: nat-add root `[('a0 : nat) -> (= (+ 'a0 (s z)) (s 'a0))]`, then `intro.`,
    `c +_s` and `=> (= (+ x (s z)) (s (+ x z))).` — the four states along that path."""
    theory = load_theory("nat-add")
    goal = "[('a0 : nat) -> (= (+ 'a0 (s z)) (s 'a0))]"
    root = new_proof_state(theory.text, theory.premises, goal)
    (after_intro,) = root.execute("intro.")
    (pending,) = after_intro.execute("c +_s")
    (constructed,) = pending.execute("=> (= (+ x (s z)) (s (+ x z))).")
    return theory, [root, after_intro, pending, constructed]


def test_accessors_along_a_path(worked_example):
    _theory, (root, after_intro, pending, constructed) = worked_example

    assert root.construction_history() == ()
    assert root.last_proven_proposition() is None
    assert root.next_goal_parameter() == "'a0"
    assert root.is_context_empty()
    assert root.format_action_prefix() == ""

    assert after_intro.construction_history() == ("x",)
    assert after_intro.last_proven_proposition() is None  # `x : nat` is not a proof
    assert after_intro.next_goal_parameter() is None  # the goal is no longer an arrow
    assert not after_intro.is_context_empty()

    assert pending.construction_history() == ("x", None)  # `c +_s` defines nothing
    assert pending.last_proven_proposition() is None
    assert pending.format_action_prefix() == "construct +_s"

    assert constructed.construction_history() == ("x", None, "p")
    assert constructed.construction_from_last_action() == "p"
    assert constructed.last_proven_proposition() == "(= (+ x (s z)) (s (+ x z)))"
    assert constructed.format_action_prefix() == ""


def test_an_introduced_hypothesis_is_a_proven_proposition():
    theory = load_theory("propositional-logic")
    root = new_proof_state(theory.text, theory.premises, "[('p : prop) -> 'p -> (or 'p 'p)]")
    (variable,) = root.execute("intro.")
    (hypothesis,) = variable.execute("intro.")
    assert variable.last_proven_proposition() is None  # `x : prop` is a proposition, not a proof
    assert hypothesis.format_context() == "{ x : prop, x0 : x }"
    assert hypothesis.last_proven_proposition() == "x"
    (backward,) = hypothesis.execute("a or_il")
    assert backward.format_action_prefix() == "apply or_il"
    assert backward.last_proven_proposition() is None


def test_next_goal_parameter_is_none_for_a_plain_first_input(nat):
    state = new_proof_state(nat, [], "[(= z z) -> (= z z)]")
    assert state.next_goal_parameter() is None


# -- state text ------------------------------------------------------------------------------


def test_state_text_is_context_goal_and_pending_action(worked_example):
    _theory, (root, after_intro, pending, constructed) = worked_example
    assert state_text(root) == "{  }\n[('a0 : nat) -> (= (+ 'a0 (s z)) (s 'a0))]\n"
    assert state_text(after_intro) == "{ x : nat }\n(= (+ x (s z)) (s x))\n"
    assert state_text(pending) == "{ x : nat }\n(= (+ x (s z)) (s x))\nconstruct +_s"
    assert state_text(constructed).split("\n") == [
        "{ x : nat, p : (= (+ x (s z)) (s (+ x z))) }",
        "(= (+ x (s z)) (s x))",
        "",
    ]


def test_state_text_cuts_the_context_from_the_left(worked_example):
    _theory, (*_, constructed) = worked_example
    full = state_text(constructed)
    assert state_text(constructed, max_chars=len(full)) == full  # fits: unchanged
    context, goal, pending = full.split("\n")

    cut = state_text(constructed, max_chars=40)
    cut_context, cut_goal, cut_pending = cut.split("\n")
    assert len(cut) == 40
    assert cut_context.startswith("…") and context.endswith(cut_context[1:])
    assert (cut_goal, cut_pending) == (goal, pending)  # kept whole


def test_state_text_keeps_goal_and_action_whole_even_past_the_limit(worked_example):
    _theory, (_root, _after_intro, pending, _constructed) = worked_example
    text = state_text(pending, max_chars=10)
    assert text == "…\n(= (+ x (s z)) (s x))\nconstruct +_s"


# -- hindsight relabeling: rewrite_goal_conclusion (SPEC §6 worked example) ------------------


def test_rewrite_goal_conclusion_reproduces_the_worked_example(worked_example):
    theory, (root, after_intro, pending, constructed) = worked_example
    fact = parse_term(constructed.last_proven_proposition())

    # Relabel upward: the states below the intro get the fact itself as their goal …
    relabeled = [s.rewrite_goal_conclusion(fact, [], 0) for s in (constructed, pending)]
    relabeled_intro = after_intro.rewrite_goal_conclusion(fact, [], 0)
    assert {str(s.goal) for s in [*relabeled, relabeled_intro]} == {str(fact)}
    # … crossing `intro.` keeps one input and maps the introduced `x` back to `'a0`.
    new_root = root.rewrite_goal_conclusion(relabeled_intro.goal, [("x", "'a0")], 1)
    statement = "[('a0 : nat) -> (= (+ 'a0 (s z)) (s (+ 'a0 z)))]"
    assert str(new_root.goal) == statement
    # the originals are untouched (states are values), and each edge is still offered
    assert str(root.goal) == "[('a0 : nat) -> (= (+ 'a0 (s z)) (s 'a0))]"
    assert "intro." in map(str, new_root.actions())
    assert "c +_s" in map(str, relabeled_intro.actions())
    assert "=> (= (+ x (s z)) (s (+ x z)))." in map(str, relabeled[1].actions())

    # Replaying the path on a fresh state for the new statement closes it.
    fresh = new_proof_state(theory.text, theory.premises, statement)
    (state,) = fresh.execute("intro.")
    (state,) = state.execute("c +_s")
    assert state.execute("=> (= (+ x (s z)) (s (+ x z))).") == []

    closing = ProofTree("=> (= (+ x (s z)) (s (+ x z))).")
    tree = ProofTree("intro.", (ProofTree("c +_s", (closing,)),))
    text = theorem_text("t", fresh, tree)
    assert text == (
        "theorem t : [('a0 : nat) -> (= (+ 'a0 (s z)) (s (+ 'a0 z)))] {\n"
        "    intro x : nat.\n"
        "    show (= (+ x (s z)) (s (+ x z))) by +_s.\n"
        "}\n"
    )
    (result,) = check_text(text, prelude=theory.text)
    assert result.ok, result.message


def test_rewrite_goal_conclusion_keeps_only_the_first_input(nat):
    # SPEC §7 item 11: any inputs_kept > 0 keeps exactly one input of the current goal
    state = new_proof_state(nat, [], "[('a : nat) -> ('b : nat) -> (= (+ 'a 'b) (+ 'a 'b))]")
    conclusion = parse_term("(= 'b 'a)")
    assert str(state.rewrite_goal_conclusion(conclusion, [], 2).goal) == (
        "[('a : nat) -> (= 'b 'a)]"
    )
    assert str(state.rewrite_goal_conclusion(conclusion, [], 0).goal) == "(= 'b 'a)"
    # an arrow conclusion contributes its inputs after the kept one; the substitutions map
    # introduced names back to the goal's parameters
    arrow = parse_term("[('c : nat) -> (= x 'c)]")
    assert str(state.rewrite_goal_conclusion(arrow, [("x", "'a")], 1).goal) == (
        "[('a : nat) -> ('c : nat) -> (= 'a 'c)]"
    )


def test_normal_form_does_not_capture_a_later_binder_named_like_an_earlier_new_name(nat):
    t = check_statement(nat, "[('b : nat) -> ('a0 : nat) -> (= 'b (s 'a0))]")
    assert str(normal_form(nat, t)) == "[('a0 : nat) -> ('a1 : nat) -> (= nat 'a0 (s 'a1))]"


def test_conjecture_statement_keeps_a_binder_used_only_inside_a_later_hypothesis(nat):
    nested = parse_term(
        "[('a0 : nat) -> ('a1 : [('a2 : (= nat 'a0 z)) -> (= nat z z)]) -> (= nat z z)]"
    )
    statement = conjecture_statement(nested)
    assert str(statement) == "[('a0 : nat) -> [(= 'a0 z) -> (= z z)] -> (= z z)]"
    check_statement(nat, str(statement))  # well formed: no unbound parameter
