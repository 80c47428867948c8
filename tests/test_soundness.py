"""Soundness: whatever the checker accepts is true in the finite models of its theory.

The oracle (`models.py`) evaluates statements in small models (naturals modulo n and
truncated naturals, small abelian groups, truth tables) without asking the kernel anything.
These tests check that the oracle is not vacuous, then mutate valid proofs (`mutants.py`,
with the operators of `mutation_binders.py` that introduce shadowing binders and definitions
with lambdas) and random-walk proof states (`walks.py`), and require every statement, every
fact and every definition that the kernel accepts or creates to hold in every model; an
accepted mutant the models cannot read fails too. The oracle's reading of definitions and
lambdas is tested in `test_oracle_definitions.py`, the attack files in `test_attacks.py`.

The tests at the end are false lemmas that a checker following the letter of SPEC accepts
(each exploits a name capture: docs/kernel.md lists the fixes); ours must reject them all.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest
from block_edit import Draft, render_decl
from hypothesis import given, settings
from hypothesis import strategies as st
from model_claims import Fact, audit_text, facts_of_block, judge_facts, theory_of_text
from models import (
    THEORIES,
    Uninterpretable,
    counterexample,
    holds,
    holds_in_context,
    models_of,
    refutation,
)
from mutants import (
    OPERATORS,
    check_mutant,
    golden_file_sources,
    golden_proof_records,
    material,
    mutant,
    mutants,
    render_block,
    render_draft,
    sources,
)
from mutation_binders import involvement
from walks import facts_of_walk, random_walk, walk_roots

from telos.peano import BlockResult, check_text, parse_file, parse_term
from telos.peano.syntax import Declare, ProofBlock
from telos.theories import load_theory

GOLDEN_CHECKS = Path(__file__).resolve().parents[2] / "shared" / "peano" / "golden" / "checks"
if not GOLDEN_CHECKS.is_dir():
    if os.environ.get("CI") == "true":
        pytest.fail(f"golden data is missing: {GOLDEN_CHECKS}", pytrace=False)
    pytest.skip(f"golden data not found at {GOLDEN_CHECKS}", allow_module_level=True)


def judge(statement: str, theory: str) -> str:
    """ "true", "false" or "uninterpretable" for a closed statement."""
    try:
        return "true" if holds(statement, theory) else "false"
    except Uninterpretable:
        return "uninterpretable"


# -- the oracle is not vacuous -------------------------------------------------------------------

FALSE_STATEMENTS = [
    ("nat-add", "(= (s z) z)"),
    ("nat-add", "[('a : nat) -> (= (+ 'a 'a) 'a)]"),
    ("nat-add", "[('A : prop) -> 'A]"),
    ("nat-add", "[('n : nat) -> ('m : nat) -> (= 'n 'm)]"),
    # true of the naturals, but not a theorem of the theory (no cancellation without the
    # injectivity of s): the truncated naturals refute it
    ("nat-add", "[('a : nat) -> ('b : nat) -> (= (+ 'a 'b) 'b) -> (= 'a z)]"),
    ("nat-mul", "[('a : nat) -> (= (* 'a 'a) 'a)]"),
    ("nat-mul", "[('a : nat) -> ('b : nat) -> (= (* 'a (s 'b)) (+ (* 'a 'b) 'b))]"),
    ("groups", "[('a : G) -> (= (op 'a 'a) 'a)]"),
    ("groups", "[('a : G) -> (= (inv 'a) 'a)]"),
    ("groups", "[('a : G) -> ('b : G) -> (= (op 'a 'b) 'a)]"),
    ("propositional-logic", "false"),
    ("propositional-logic", "[('p : prop) -> 'p]"),
    ("propositional-logic", "[('p : prop) -> ('q : prop) -> (or 'p 'q) -> (and 'p 'q)]"),
    ("propositional-logic", "[('p : prop) -> ('q : prop) -> ['p -> 'q] -> ['q -> 'p]]"),
    ("propositional-logic", "[('p : prop) -> (iff 'p (not 'p))]"),
]

TRUE_STATEMENTS = [
    ("nat-add", "[('n : nat) -> (= (+ z 'n) 'n)]"),
    ("nat-add", "[('a : nat) -> ('b : nat) -> (= (+ 'a 'b) (+ 'b 'a))]"),
    ("nat-add", "[('a : nat) -> ('b : nat) -> ('c : nat) -> "
                "(= (+ (+ 'a 'b) 'c) (+ 'a (+ 'b 'c)))]"),
    ("nat-add", "[('a : nat) -> ('b : nat) -> (= 'a 'b) -> (= (s 'a) (s 'b))]"),
    ("nat-mul", "[('a : nat) -> ('b : nat) -> (= (* 'a 'b) (* 'b 'a))]"),
    ("nat-mul", "[('a : nat) -> ('b : nat) -> ('c : nat) -> "
                "(= (* 'a (+ 'b 'c)) (+ (* 'a 'b) (* 'a 'c)))]"),
    ("groups", "[('a : G) -> (= (inv (inv 'a)) 'a)]"),
    ("groups", "[('a : G) -> ('b : G) -> (= (op 'a 'b) id) -> (= 'b (inv 'a))]"),
    ("propositional-logic", "[('p : prop) -> ('q : prop) -> [['p -> 'q] -> 'p] -> 'p]"),
    ("propositional-logic", "[('p : prop) -> ('q : prop) -> "
                            "(iff (not (and 'p 'q)) (or (not 'p) (not 'q)))]"),
    ("propositional-logic", "[('p : prop) -> (or 'p (not 'p))]"),
]  # fmt: skip

UNINTERPRETABLE = [
    ("nat-add", "[('p : [nat -> prop]) -> ('p z) -> ('p z)]"),  # a higher-order binder
    ("nat-add", "(= (+ z) z)"),  # a partial application
    ("nat-add", "(= z (= z z))"),  # an equation between sorts
    ("nat-add", "(= nat z z)"),  # the elaborated form of =
    ("nat-add", "(= x z)"),  # an undeclared name
    ("nat-add", "(= (* z z) z)"),  # `*` is not part of nat-add
    ("groups", "[('t : type) -> ('a : 't) -> (= 'a 'a)]"),  # quantification over types
]


@pytest.mark.parametrize(("theory", "statement"), FALSE_STATEMENTS)
def test_known_false_statements_are_refuted_with_a_counterexample(theory, statement):
    cex = refutation(statement, theory)
    assert cex is not None and cex.startswith("in ")


@pytest.mark.parametrize(("theory", "statement"), TRUE_STATEMENTS)
def test_known_true_statements_hold_in_every_model(theory, statement):
    assert holds(statement, theory)


@pytest.mark.parametrize(("theory", "statement"), UNINTERPRETABLE)
def test_terms_without_a_meaning_in_the_models_are_uninterpretable(theory, statement):
    with pytest.raises(Uninterpretable):
        holds(statement, theory)


def test_reflexivity_holds_even_of_statements_the_models_cannot_evaluate():
    # eq_refl yields such equations for every proposition of the context, nat_ind included
    ind = "[('p : [nat -> prop]) -> ('p z) -> [('n : nat) -> ('p 'n) -> ('p (s 'n))] -> [('n : nat) -> ('p 'n)]]"  # noqa: E501
    assert holds(f"(= {ind} {ind})", "nat-add")


def test_a_counterexample_names_the_model_and_the_assignment():
    assert refutation("[('a : nat) -> (= (+ 'a 'a) 'a)]", "nat-add") == "in Z/2 with 'a=1"


@pytest.mark.parametrize("theory", THEORIES)
def test_every_model_satisfies_the_axioms_of_its_theory(theory):
    axioms = [
        item.type
        for item in parse_file(load_theory(theory).text)
        if isinstance(item, Declare) and judge(str(item.type), theory) != "uninterpretable"
    ]
    assert len(axioms) >= 2
    for axiom in axioms:
        assert holds(axiom, theory), axiom
    if theory.startswith("nat"):  # induction: every element is reached from z by s
        for model in models_of(theory):
            reached, x = {model.env["Z"]}, model.env["Z"]
            for _ in model.domain("nat"):
                x = model.env["S"][x]
                reached.add(x)
            assert reached == set(model.domain("nat")), model.name


def test_every_golden_valid_lemma_statement_holds():
    verdicts = Counter()
    for source in golden_file_sources():
        for block in source.blocks:
            verdict = judge(str(block.statement), source.theory)
            assert verdict != "false", (source.label, block.name)
            verdicts[verdict] += 1
    assert verdicts["true"] == 47


def test_every_golden_proof_goal_holds():
    records = golden_proof_records()
    assert len(records) == 69
    for rec in records:
        assert judge(rec["goal"], rec["theory"]) == "true", rec["goal"]


def test_the_oracle_refutes_the_false_lemmas_of_the_golden_invalid_files():
    refuted = set()
    for path in sorted(GOLDEN_CHECKS.glob("*.p")):
        if path.name.startswith(("parse-", "no-theory")):
            continue
        text = path.read_text(encoding="utf-8")
        theory = theory_of_text(text)
        for block in parse_file(text):
            if isinstance(block, ProofBlock) and judge(str(block.statement), theory) == "false":
                refuted.add(block.name)
    assert {"false_lemma", "mul_false", "inv_not_id", "or_to_and"} <= refuted


def test_a_fact_holds_in_context_only_under_its_hypotheses():
    a_eq_c = parse_term("(= a c)")
    variables = [(n, parse_term("nat")) for n in "abc"]
    hypotheses = [parse_term("(= a b)"), parse_term("(= b c)")]
    assert holds_in_context(a_eq_c, variables, hypotheses, "nat-add")
    assert not holds_in_context(a_eq_c, variables, hypotheses[:1], "nat-add")
    one = parse_term("(s z)")
    assert holds_in_context(parse_term("(= c (s z))"), [], [], "nat-add", lets=[("c", None, one)])


# -- the walker over proof blocks --------------------------------------------------------------

ZERO_ADD = """
lemma zero_add : [('n : nat) -> (= (+ z 'n) 'n)] {
    apply nat_ind.
    goal (= (+ z z) z) {
        show (= (+ z z) z) by +_z.
    }
    goal [('n : nat) -> (= (+ z 'n) 'n) -> (= (+ z (s 'n)) (s 'n))] {
        intro n : nat.
        intro h : (= (+ z n) n).
        show (= (+ z (s n)) (s (+ z n))) by +_s.
        show (= (+ z (s n)) (s n)) by rewrite.
    }
}
"""


def _block(text: str) -> ProofBlock:
    (block,) = [i for i in parse_file(text) if isinstance(i, ProofBlock)]
    return block


def test_facts_of_block_are_the_statement_and_every_shown_fact_in_its_context():
    facts = facts_of_block(_block(ZERO_ADD), "nat-add", defined=["z", "s", "+"])
    assert [f.origin.split(" {")[0] for f in facts] == [
        "statement",
        "goal (= (+ z z) z)",
        "show (= (+ z z) z) by +_z",
        "goal [('n : nat) -> (= (+ z 'n) 'n) -> (= (+ z (s 'n)) (s 'n))]",
        "show (= (+ z (s n)) (s (+ z n))) by +_s",
        "show (= (+ z (s n)) (s n)) by rewrite",
    ]
    last = facts[-1]
    assert [e[:2] for e in last.context] == [("var", "n"), ("hyp", "h")]
    assert str(last.context[1][2]) == "(= (+ z n) n)"
    assert judge_facts(facts, "nat-add").verdict == "true"


def test_facts_of_block_follow_the_checkers_fresh_names_and_substitution():
    block = _block(
        """lemma twice : [('a : nat) -> ('b : nat) -> (= 'a 'b) -> (= 'b 'a)] {
            intro a : nat.
            intro a : nat.
            intro h : (= a a0).
            show (= a0 a) by eq_symm.
        }"""
    )
    facts = facts_of_block(block, "nat-add", defined=["z"])
    assert [e[1] for e in facts[-1].context] == ["a", "a0", "h"]
    assert str(facts[-1].context[2][2]) == "(= a a0)"  # 'b became a0, the second intro
    assert judge_facts(facts, "nat-add").verdict == "true"


def test_the_audit_flags_a_false_fact_of_an_accepted_block():
    # As if the checker had accepted this block: the audit must catch the false step.
    text = """lemma bad : [('a : nat) -> (= (+ 'a z) 'a)] {
        intro a : nat.
        show (= (+ a z) z) by +_z.
        show (= (+ a z) a) by +_z.
    }"""
    (audit,) = audit_text(text, [BlockResult("bad", "lemma", True)], "nat-add")
    assert audit.verdict == "false"
    ((fact, cex),) = audit.false_facts
    assert fact.origin == "show (= (+ a z) z) by +_z" and cex.startswith("in ")


def test_an_audit_never_counts_an_uninterpretable_fact_as_true():
    fact = Fact(parse_term("[('p : [nat -> prop]) -> ('p z) -> ('p (s z))]"), (), "show")
    audit = judge_facts([fact], "nat-add")
    assert (audit.verdict, audit.checked, len(audit.uninterpretable)) == ("uninterpretable", 0, 1)


# -- mutants of valid proofs -----------------------------------------------------------------------


def test_every_source_block_renders_back_to_a_proof_the_checker_accepts():
    assert len(sources()) == 4 + 69 + 4  # golden files, golden proofs, one seed per theory
    for source in sources():
        parts = [render_decl(d) for d in source.decls] + [render_block(b) for b in source.blocks]
        text = "\n".join(parts)
        results = check_text(text, prelude=source.prelude)
        failing = {r.name for r in results if not r.ok}
        # iff_mp fails in the original too: `construct hpq` defines hpq<id>, not hpq
        assert failing <= {"iff_mp"}, (source.label, failing)
        assert all(a.verdict == "true" for a in audit_text(text, results, source.theory))


def test_the_seeds_have_shadowing_binders_and_definitions_with_lambdas():
    for source in sources():
        if source.label.startswith("seeds:"):
            text = "\n".join(
                [render_decl(d) for d in source.decls] + [render_block(b) for b in source.blocks]
            )
            assert involvement(text) == {"shadowing", "lambda definition"}, source.label


def test_involvement_sees_shadowing_and_used_lambda_definitions_only():
    assert involvement("theorem t : [('a : nat) -> ('a : nat) -> (= 'a 'a)] { halt. }") == {
        "shadowing"
    }
    assert involvement("theorem t : [('a : nat) -> ('b : nat) -> (= 'a 'b)] { halt. }") == set()
    unused = "D : [nat -> nat] = (lambda ('x : nat) 'x).\ntheorem t : (= z z) { halt. }"
    assert involvement(unused) == set()
    assert involvement(unused.replace("(= z z)", "(= (D z) z)")) == {"lambda definition"}


def test_mutants_are_deterministic_given_the_seed():
    first = [m.text for m in mutants(20, seed=7)]
    assert first == [m.text for m in mutants(20, seed=7)]
    assert first != [m.text for m in mutants(20, seed=8)]
    assert {m.theory for m in mutants(8, seed=7)} == set(THEORIES)


def test_every_operator_changes_some_block():
    chosen = [s for s in sources() if s.label in ("nat-add-valid.p", "seeds:nat-add")]
    for name, operator in OPERATORS.items():
        changed = 0
        for seed in range(40):
            source = chosen[seed % 2]
            mat = material(source)
            rng = random.Random(seed)
            draft = Draft(source.decls, source.blocks[seed % len(source.blocks)])
            new = operator(rng, draft, mat)
            changed += new is not None and render_draft(new) != render_draft(draft)
        assert changed, name


def test_alpha_goal_turns_the_true_half_of_f1_into_the_attack_and_the_checker_refuses_it():
    """`strong_hyp` states ∀a. (∀c. a = c) → 1 = 0 (true: every model has two elements).
    Mapping its two binders onto one gives F1's false ∀a. (∀a. a = a) → 1 = 0, proved by a
    goal block stating the true one: the operator must produce it, the checker refuse it."""
    source = next(s for s in sources() if s.label == "seeds:nat-add")
    block = next(b for b in source.blocks if b.name == "strong_hyp")
    mat, prelude = material(source), load_theory("nat-add").text
    attacks = 0
    for seed in range(60):
        draft = OPERATORS["alpha_goal"](random.Random(seed), Draft(source.decls, block), mat)
        goal = draft.block.actions[0]
        if judge(str(draft.block.statement), "nat-add") == "false" and holds(goal.term, "nat-add"):
            attacks += 1
            text = render_draft(draft)
            (result,) = [r for r in check_text(text, prelude=prelude) if r.name == "strong_hyp"]
            assert not result.ok, text
    assert attacks >= 5


@pytest.mark.parametrize("theory", THEORIES)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=400, deadline=None, derandomize=True, database=None)
def test_every_accepted_mutant_states_only_facts_true_in_the_models(theory, seed):
    outcome = check_mutant(mutant(seed, theory))
    assert outcome.status not in ("false", "crash", "uninterpretable"), outcome.report()


def test_a_decent_fraction_of_mutants_is_rejected_and_some_are_accepted():
    statuses = Counter(check_mutant(m).status for m in mutants(200, seed=1))
    assert statuses["false"] == statuses["crash"] == statuses["uninterpretable"] == 0
    accepted = statuses["true"]
    assert statuses["rejected"] >= 100, statuses  # the checker does refuse broken proofs
    assert accepted >= 10, statuses  # and the property above is not vacuous


def test_a_fifth_of_the_mutants_involve_shadowing_or_lambda_definitions_and_none_is_false():
    """The mutants the attacks are made of: binders that shadow one another, definitions with
    lambdas. At least a fifth of the mutants involve one or the other, some of each kind are
    accepted (the oracle judges them), and none accepted is false or beyond the oracle."""
    statuses, involved, accepted = Counter(), Counter(), Counter()
    for m in mutants(600, seed=2):
        outcome = check_mutant(m)
        assert outcome.status not in ("false", "crash", "uninterpretable"), outcome.report()
        statuses[outcome.status] += 1
        kinds = m.involves
        involved.update(kinds | ({"either"} if kinds else set()))
        if outcome.status == "true":
            accepted.update(kinds)
    assert involved["either"] >= 600 // 5, involved
    assert accepted["shadowing"] >= 10 and accepted["lambda definition"] >= 10, accepted


# -- random walks through proof states ----------------------------------------------------------


@pytest.mark.parametrize("theory", THEORIES)
def test_every_object_a_random_walk_creates_holds_in_the_models(theory):
    """From every golden root goal, one altered (mostly false) variant of each, one variant
    whose binders shadow one another and the seeds' statements, two seeded walks of at most 8
    steps: every intro'd hypothesis and constructed fact holds under the walk's variables and
    hypotheses, every goal an action closes holds, and every backward step's goal follows from
    its subgoals."""
    roots = [r for r in walk_roots(variants=1, shadowing=1) if r[0] == theory]
    checked = Counter()
    for i, (_theory, premises, goal) in enumerate(roots):
        for k in range(2):
            walk = random_walk(theory, premises, goal, random.Random(f"{goal}:{k}"), 8)
            assert not walk.errors, walk.errors
            for fact in facts_of_walk(walk):
                try:
                    cex = counterexample(fact.term, fact.context, theory)
                except Uninterpretable:
                    checked["uninterpretable"] += 1
                    continue
                assert cex is None, f"walk {i}.{k} from {goal}: {fact.origin} is false {cex}"
                checked["true"] += 1
    assert checked["true"] >= 300, checked


# -- false lemmas that the letter of SPEC accepts, found by these tests ---------------------------

CAPTURE_HOLES = {
    # SPEC §3.1/§3.7: a statement is only walked through applications, so an undeclared name
    # inside an arrow is never typed; a later intro of that name captures it.
    "undeclared_name_in_statement": (
        "nat-add",
        """lemma cap : [('a : nat) -> (= 'a z) -> (= x z)] {
    intro x : nat.
    intro h : (= x z).
}

lemma bad : [('b : nat) -> (= 'b z)] {
    intro x : nat.
    show (= z z) by eq_refl.
    show (= x z) by cap.
}
""",
    ),
    # SPEC §2.3/§3.3: intro substitutes its name for the bound parameter without avoiding
    # capture; a quoted intro name is captured by the next binder.
    "quoted_intro_name_captures_a_binder": (
        "nat-add",
        """lemma all_equal : [('n : nat) -> ('m : nat) -> (= 'n 'm)] {
    intro 'm : nat.
    intro m : nat.
    show (= m m) by eq_refl.
}
""",
    ),
    # SPEC §3.1/§3.3: `construct N` defines N<id> without a freshness check and a definition
    # replaces an existing one: the intro'd variable one1 becomes (s z).
    "construct_overwrites_an_intro": (
        "nat-add",
        """lemma every_nat_is_one : [('n : nat) -> (= 'n (s z))] {
    intro one1 : nat.
    construct one : nat = (s z) by s.
    show (= one1 (s z)) by eq_refl.
}
""",
    ),
    # SPEC §2.6: a binder inside a type pattern matches like a free pattern variable, so `em`
    # is accepted as a proof of [('q : prop) -> 'q].
    "binder_in_type_pattern_matches_anything": (
        "propositional-logic",
        """lemma everything : [('q : prop) -> 'q] {
    show (and [('q : prop) -> 'q] [('q : prop) -> 'q]) by and_i.
    show [('q : prop) -> 'q] by and_el.
}
""",
    ),
    # SPEC §2.7: flex-rigid unification abstracts over the literal parameter '0, captured by a
    # binder '0 of the goal: nat_ind's predicate forgets its argument.
    "flex_rigid_parameter_captures_a_binder": (
        "nat-add",
        """lemma all_equal : [('a : nat) -> [('0 : nat) -> (= '0 'a)]] {
    apply nat_ind.
    goal [('0 : nat) -> (= '0 '0)] {
        intro m : nat.
        show (= m m) by eq_refl.
    }
    goal [('n : nat) -> [('0 : nat) -> (= '0 '0)] -> [('0 : nat) -> (= '0 '0)]] {
        intro n : nat.
        intro h : [('0 : nat) -> (= '0 '0)].
    }
}
""",
    ),
}


@pytest.mark.parametrize("case", sorted(CAPTURE_HOLES))
def test_the_checker_accepts_no_false_lemma(case):
    theory, text = CAPTURE_HOLES[case]
    prelude = load_theory(theory).text
    results = check_text(text, prelude=prelude)
    false = [
        (audit.name, fact.origin, cex)
        for audit in audit_text(text, results, theory, prelude=prelude)
        for fact, cex in audit.false_facts
    ]
    assert not false, false


def test_the_checker_rejects_a_statement_with_an_undeclared_name():
    # Found by the mutants (counted as uninterpretable): `x` is declared nowhere, and the
    # intro captures it, so the statement reads as (= 'a 'a) to the checker.
    text = """lemma t : [('a : G) -> (= x 'a)] {
    intro x : G.
    show (= x x) by eq_refl.
}
"""
    (result,) = check_text(text, prelude=load_theory("groups").text)
    assert not result.ok


@pytest.mark.parametrize("case", sorted(CAPTURE_HOLES))
def test_each_capture_hole_lemma_is_false_in_the_models(case):
    theory, text = CAPTURE_HOLES[case]
    last = [i for i in parse_file(text) if isinstance(i, ProofBlock)][-1]
    assert judge(str(last.statement), theory) == "false"
