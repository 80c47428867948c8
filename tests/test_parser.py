"""The Peano parser (SPEC §1): grammar, binder renaming, positions and located parse errors."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from telos.peano.errors import MAX_NESTING, ParseError
from telos.peano.parser import parse_file, parse_term, parse_term_exact
from telos.peano.syntax import (
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
    ProofBlock,
    ShowStep,
    Using,
    VerifyBlock,
)
from telos.peano.terms import App, Arrow, Atom, Decl, Lambda, PatDecl

SHARED = Path(__file__).resolve().parents[2] / "shared"
CHECKS = SHARED / "peano" / "golden" / "checks"
THEORIES = SHARED / "theories"


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_file(text, "t.p")
    return info.value


# -- terms: printing round trip --------------------------------------------------------------

CANONICAL = [
    "x",
    "'n",
    "(f a b)",
    "[nat -> nat]",
    "[('n : nat) -> (= (+ z 'n) 'n)]",
    "[('t : type) -> 't -> 't -> prop]",
    "(lambda ('x : nat, 'y : nat) (s 'x))",
    "[('p : [nat -> prop]) -> ('p z) -> [('n : nat) -> ('p 'n) -> ('p (s 'n))] -> "
    "[('n : nat) -> ('p 'n)]]",
    "((lambda ('x : nat) 'x) z)",
    "[[nat -> nat] -> (f [('a : G) -> 'a])]",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_terms_print_back_verbatim(text):
    assert str(parse_term(text)) == text
    assert str(parse_term_exact(text)) == text


def test_term_forms_are_built_from_the_grammar():
    t = parse_term("[('n : nat) -> (s 'n)]")
    assert t == Arrow((Decl("'n", Atom("nat")),), App(Atom("s"), (Atom("'n"),)))
    lam = parse_term("(lambda (x : nat) x)")
    assert lam == Lambda((Decl("'x", Atom("nat")),), Atom("'x"))


def test_numeric_atoms_are_ordinary_atoms():
    assert parse_term("(+ 2 2/3)") == App(Atom("+"), (Atom("2"), Atom("2/3")))


def test_a_lambda_keyword_prefix_without_parameters_is_an_application():
    t = parse_term("(lambdax y)")
    assert t == App(Atom("lambdax"), (Atom("y"),))


# -- binder renaming (SPEC §1.4) --------------------------------------------------------------


def test_unquoted_arrow_binder_and_its_uses_are_quoted():
    assert parse_term("[(n : nat) -> (leq z n)]") == parse_term("[('n : nat) -> (leq z 'n)]")


def test_unquoted_lambda_parameters_are_quoted_in_later_types_and_body():
    t = parse_term("(lambda (t : type, x : t) (f x t))")
    assert str(t) == "(lambda ('t : type, 'x : 't) (f 'x 't))"


def test_renaming_leaves_the_declarations_own_type_and_earlier_inputs_alone():
    t = parse_term("[(p n) -> (n : (s n)) -> (q n)]")
    assert str(t) == "[(p n) -> ('n : (s n)) -> (q 'n)]"


def test_renaming_does_not_reach_outside_the_binder():
    t = parse_term("(f n [(n : nat) -> n] n)")
    assert str(t) == "(f n [('n : nat) -> 'n] n)"


def test_dependent_arrow_inputs_see_earlier_declarations():
    t = parse_term("[(t : type) -> t -> t -> prop]")
    assert str(t) == "[('t : type) -> 't -> 't -> prop]"


def test_inner_binders_are_renamed_before_outer_ones_shadow_nothing_else():
    t = parse_term("[(n : nat) -> [(m : nat) -> (= n m)] -> (p n)]")
    assert str(t) == "[('n : nat) -> [('m : nat) -> (= 'n 'm)] -> (p 'n)]"


# -- positions --------------------------------------------------------------------------------


def test_every_term_node_records_line_and_column_of_its_first_character():
    t = parse_term("[(n : nat) ->\n  (leq z n)]")
    assert t.pos == (1, 1)
    assert t.inputs[0].pos == (1, 3)
    assert t.inputs[0].type.pos == (1, 7)
    assert t.output.pos == (2, 3)
    assert t.output.args[1].pos == (2, 10)  # the renamed use keeps its place
    assert t.output.args[1] == Atom("'n")
    lam = parse_term("(lambda (x : nat) x)")
    assert lam.pos == (1, 1) and lam.params[0].pos == (1, 10) and lam.body.pos == (1, 19)


def test_statements_record_their_first_token_and_named_atoms():
    text = "nat : type.\n\nlemma l : nat {\n    show (= z z) by eq_refl.\n    apply h.\n}\n"
    decl, proof = parse_file(text)
    assert decl.pos == (1, 1)
    assert proof.pos == (3, 1) and proof.name_pos == (3, 7)
    show, apply = proof.actions
    assert show.pos == (4, 5) and show.by_pos == (4, 21)
    assert apply.pos == (5, 5) and apply.name_pos == (5, 11)


def test_assume_records_the_offset_of_its_keyword():
    (a,) = parse_file("/* c */\n  assume (p x).")
    assert a == Assume(parse_term("(p x)"), 10, (2, 3))
    assert a.offset == 10


# -- goal strings: prefix semantics and exact parsing ------------------------------------------


def test_parse_term_reads_a_prefix_and_ignores_the_rest():
    assert parse_term("x y") == Atom("x")
    assert parse_term("(f x) junk ; @") == parse_term("(f x)")
    assert parse_term("[nat -> nat]] ]") == parse_term("[nat -> nat]")


def test_parse_term_rejects_leading_whitespace():
    with pytest.raises(ParseError) as info:
        parse_term(" x")
    assert info.value.pos == (1, 1)


def test_parse_term_exact_allows_surrounding_whitespace_and_comments():
    assert parse_term_exact("  /* goal */ (f x)\n") == parse_term("(f x)")


def test_parse_term_exact_rejects_text_after_the_term_with_its_position():
    with pytest.raises(ParseError) as info:
        parse_term_exact("(f x)\n  y", file="goal")
    err = info.value
    assert err.pos == (2, 3) and err.file == "goal"
    assert "unexpected text after the term" in err.message


def test_parse_term_exact_rejects_an_empty_string():
    with pytest.raises(ParseError) as info:
        parse_term_exact("   ")
    assert info.value.pos == (1, 4)


# -- files: items and actions ------------------------------------------------------------------


def test_a_file_yields_its_items_in_order():
    text = """
        import "other.p".
        using a, b.
        nat : type.
        let two : nat = (s (s z)).
        assume (p z).
        #forward +_s ((+ 'n (s 'm)) : nat).
        #backward nat_ind infer subgoal.
        verify v { let k : nat. show (= k k) by eq_refl. construct o : nat = (s z) by s. }
        theorem t : (= z z) { show (= z z) by eq_refl. }
    """
    items = parse_file(text)
    assert [type(i) for i in items] == [
        Import,
        Using,
        Declare,
        Declare,
        Assume,
        Forward,
        Backward,
        VerifyBlock,
        ProofBlock,
    ]
    imp, using, nat, two, _, fwd, bwd, ver, thm = items
    assert imp.path == "other.p" and using.names == ("a", "b")
    assert nat.name == "nat" and nat.value is None
    assert two.name == "two" and str(two.value) == "(s (s z))"
    assert fwd.name == "+_s"
    assert fwd.preconditions == (PatDecl(parse_term("(+ 'n (s 'm))"), Atom("nat")),)
    assert bwd.name == "nat_ind" and bwd.modes == ("infer", "subgoal")
    assert ver.kind == "verify" and [type(x) for x in ver.items] == [
        Declare,
        ShowStep,
        ConstructStep,
    ]
    assert thm.kind == "theorem" and thm.name == "t" and str(thm.statement) == "(= z z)"


def test_every_proof_step_kind_is_parsed():
    text = """lemma l : [('n : nat) -> (p 'n)] {
        intro n : nat.
        apply nat_ind.
        construct c : nat = (s n) by s.
        current goal: (p n).
        have (p z) { show (p z) by h. }
        goal (p n) { using h. halt. }
        halt.
    }"""
    (proof,) = parse_file(text)
    kinds = [type(a) for a in proof.actions]
    assert kinds == [
        IntroStep,
        ApplyStep,
        ConstructStep,
        CurrentGoalStep,
        HaveBlock,
        GoalBlock,
        HaltStep,
    ]
    goal = proof.actions[5]
    assert [type(a) for a in goal.actions] == [Using, HaltStep]  # `using` nested: accepted


def test_keywords_are_prefixes_without_a_word_boundary():
    (d,) = parse_file("letter : nat.")
    assert d.name == "ter"
    (d,) = parse_file("axiomatic : prop.")
    assert d.name == "atic"


def test_a_definition_is_tried_before_the_block_rules():
    (d,) = parse_file("lemma : prop.")
    assert d == Declare("lemma", Atom("prop"), None, (1, 1))
    (d,) = parse_file("assume : prop.")
    assert isinstance(d, Declare) and d.name == "assume"


def test_an_assume_prefix_commits_to_the_assume_alternative():
    # PEG: `assume s` matches, then "." fails; the declaration alternative is not retried.
    err = parse_error("assumes : prop.")
    assert 'expected "."' in err.message


def test_current_goal_needs_exactly_one_space():
    parse_file("lemma l : x { current goal: x. }")
    assert parse_error("lemma l : x { current  goal: x. }").pos == (1, 15)


def test_comments_may_stand_wherever_whitespace_may():
    text = "/*a*/nat /*b*/:/*c*/[/*d*/nat /**/->/* e\n f */nat /*g*/]/*h*/./*i*/"
    (d,) = parse_file(text)
    assert d.name == "nat" and str(d.type) == "[nat -> nat]"


def test_a_comment_glued_to_an_atom_is_part_of_the_atom():
    # `/` and `*` are atom characters, so `nat/*b*/` is one atom (as in the reference parser).
    (d,) = parse_file("nat/*b*/ : type.")
    assert d.name == "nat/*b*/"


def test_an_empty_file_has_no_items():
    assert parse_file("") == []
    assert parse_file("  /* only a comment */\n") == []


# -- golden files ------------------------------------------------------------------------------


def _golden() -> dict:
    if not (CHECKS / "expected.json").is_file():
        pytest.skip(f"golden data not found under {CHECKS}")
    return json.loads((CHECKS / "expected.json").read_text())["files"]


def test_golden_files_that_load_parse_without_error():
    files = {k: v for k, v in _golden().items() if v["load"] != "parse_error"}
    assert files
    for name in files:
        assert parse_file((CHECKS / name).read_text(), name) is not None


def test_golden_parse_errors_are_reported_at_the_recorded_line_and_column():
    cases = {k: v for k, v in _golden().items() if v["load"] == "parse_error"}
    assert len(cases) >= 9
    for name, expected in cases.items():
        line, col = map(int, re.search(r"-->\s*(\d+):(\d+)", expected["load_message"]).groups())
        with pytest.raises(ParseError) as info:
            parse_file((CHECKS / name).read_text(), name)
        assert (name, info.value.pos) == (name, (line, col))
        assert info.value.file == name


def test_the_reference_theories_parse():
    files = sorted(THEORIES.glob("*.p")) if THEORIES.is_dir() else []
    if not files:
        pytest.skip(f"theories not found under {THEORIES}")
    for f in files:
        assert parse_file(f.read_text(), f.name)


def test_a_bad_token_error_names_the_token_where_the_parse_stopped():
    err = parse_error("lemma l : (= z z) {\n    show (= z z) by eq_refl; \n}\n")
    assert err.pos == (2, 16)  # as the reference parser: after the last complete term
    assert 'expected ".", found ";"' in err.message and "2:28" in err.message


# -- malformed inputs --------------------------------------------------------------------------

MALFORMED = [
    # (name, text, expected (line, col))
    ("unclosed comment", "nat : type.\n/* no end\nz : nat.", (2, 1)),
    ("unbalanced parenthesis", "x : (f (g a) b.", (1, 15)),
    # The position is where a grammar rule last failed, as in the reference parser (pest); the
    # message also names the furthest failed token (here `"."` at 1:17 and 2:1).
    ("extra closing bracket", "x : [nat -> nat]].", (1, 5)),
    ("missing period", "nat : type\nz : nat.", (1, 1)),
    ("arrow glued to an atom", "x : [nat->nat].", (1, 5)),
    ("application without argument", "x : (f).", (1, 7)),
    ("arrow without input", "x : [nat].", (1, 5)),
    ("empty arrow", "x : [].", (1, 6)),
    ("stray closing brace", "nat : type.\n}", (2, 1)),
    ("semicolon", "x : nat;", (1, 1)),
    ("at sign", "x : @.", (1, 5)),
    ("unterminated import string", 'import "theory.p.\n', (1, 8)),
    ("import without quotes", "import theory.p.", (1, 8)),
    ("show without by", "lemma l : x {\n  show x h.\n}", (2, 3)),
    ("intro without type", "lemma l : x {\n  intro n.\n}", (2, 3)),
    ("unknown step", "lemma l : x {\n  prove x by h.\n}", (2, 3)),
    ("definition inside a theorem", "lemma l : x {\n  y : nat.\n}", (2, 3)),
    ("lambda as a type", "x : (lambda (y : nat) y).", (1, 16)),
    ("let without a name", "let : nat.", (1, 5)),
    ("unknown annotation", "#frobnicate f.", (1, 2)),
]


@pytest.mark.parametrize(
    "text, pos", [(t, p) for _, t, p in MALFORMED], ids=[n for n, _, _ in MALFORMED]
)
def test_malformed_input_raises_a_located_parse_error(text, pos):
    err = parse_error(text)
    assert err.pos == pos
    assert err.file == "t.p"
    assert err.message.startswith("expected ")
    assert err.located().startswith(f"t.p:{pos[0]}:{pos[1]}: ")


def test_the_message_names_the_furthest_failed_token_too():
    err = parse_error("nat : type\nz : nat.")
    assert 'the parse stopped at 2:1: expected "=" or ".", found "z"' in err.message
    err = parse_error("x : [nat->nat].")
    assert 'expected "->", found "]"' in err.message


def test_malformed_goal_strings_raise_located_parse_errors():
    for text, pos in [("(f", (1, 3)), ("[nat ->", (1, 8)), (")", (1, 1)), ("", (1, 1))]:
        with pytest.raises(ParseError) as info:
            parse_term(text)
        assert info.value.pos == pos, text


def test_absurdly_deep_nesting_is_a_parse_error_not_a_crash():
    with pytest.raises(ParseError, match=f"term nested deeper than {MAX_NESTING} levels"):
        parse_term("(f " * 5000 + "x" + ")" * 5000)


@pytest.mark.parametrize(
    "opener, inner, closer",
    [("(s ", "z", ")"), ("[nat -> ", "nat", "]"), ("(lambda (x : nat) ", "x", ")")],
    ids=["application", "arrow", "lambda"],
)
def test_terms_nest_up_to_the_limit_and_one_level_more_is_located_at_its_bracket(
    opener: str, inner: str, closer: str
):
    deepest = opener * MAX_NESTING + inner + closer * MAX_NESTING
    assert parse_term_exact(deepest) is not None

    too_deep = opener * (MAX_NESTING + 1) + inner + closer * (MAX_NESTING + 1)
    with pytest.raises(ParseError, match=f"term nested deeper than {MAX_NESTING} levels") as e:
        parse_term_exact(too_deep, "f.p")
    assert e.value.located() == (
        f"f.p:1:{len(opener) * MAX_NESTING + 1}: term nested deeper than {MAX_NESTING} levels"
    )


def test_blocks_nest_up_to_the_limit_and_one_level_more_is_located_at_its_brace():
    def proof(depth: int) -> str:  # a theorem whose body is `depth` blocks deep
        return (
            "theorem t : (= z z) {\n"
            + "goal (= z z) {\n" * (depth - 1)
            + "show (= z z) by eq_refl.\n"
            + "}\n" * depth
        )

    (block,) = parse_file(proof(MAX_NESTING))
    assert isinstance(block, ProofBlock)

    with pytest.raises(ParseError) as e:
        parse_file(proof(MAX_NESTING + 1), "f.p")
    line = MAX_NESTING + 1  # the line of the brace that opens one block too many
    assert e.value.located() == (
        f"f.p:{line}:14: block nested deeper than {MAX_NESTING} levels"
    )


def test_unquoted_binders_of_a_long_arrow_are_quoted_in_linear_time():
    # Quoting renames every later input: done one input at a time, 20,000 inputs took minutes.
    n = 20_000
    text = "[" + "".join(f"(x{i} : nat) -> " for i in range(n)) + "(= x0 x19999)]"
    start = time.perf_counter()
    arrow = parse_term_exact(text)
    assert time.perf_counter() - start < 5
    assert arrow.inputs[-1] == Decl("'x19999", Atom("nat"))
    assert arrow.output == App(Atom("="), (Atom("'x0"), Atom("'x19999")))
