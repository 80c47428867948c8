"""The constrained conjecture sampler (`telos.conjecture`): the completion engine's grammar,
its coverage of the golden goals, the well-formedness of everything it completes, and sampling
from an untrained tiny model (validity, distinctness, determinism, temperature 0, length cap)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from telos.conjecture import (
    END,
    Grammar,
    conjecture_statement,
    default_binder_types,
    sample_conjectures,
    statement_text,
)
from telos.peano import check_statement, load_theory_text, normal_form, parse_term
from telos.peano.terms import free_params
from telos.theories import THEORY_NAMES, load_theory

GOLDEN_PROOFS = Path(__file__).resolve().parents[2] / "shared" / "peano" / "golden" / "proofs.jsonl"


@pytest.fixture(scope="module")
def derivations():
    return {name: load_theory_text(load_theory(name).text) for name in THEORY_NAMES}


@pytest.fixture(scope="module")
def grammars(derivations):
    return {name: Grammar(d) for name, d in derivations.items()}


@pytest.fixture(scope="module")
def shallow(derivations):
    """Grammars with depth 3 and 3 binders: shorter texts, so the slow CPU model samples them
    faster. The random walks below cover the default limits."""
    return {name: Grammar(d, max_depth=3, max_binders=3) for name, d in derivations.items()}


@pytest.fixture(scope="module")
def model():
    """The untrained tiny model, run on one thread while this module's tests use it: on the
    shared 2-core machine, one thread is several times faster for small batches."""
    import torch

    from telos.model import LanguageModel, model_config

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield LanguageModel(model_config("tiny"), device="cpu", seed=0)
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def samples(model, derivations, shallow):
    """100 samples per theory from the untrained tiny model."""
    return {
        name: sample_conjectures(model, d, 100, seed=0, batch_size=100, grammar=shallow[name])
        for name, d in derivations.items()
    }


def _next(grammar: Grammar, prefix: str) -> set[str] | None:
    found = grammar.completion(prefix)
    return None if found is None else set(found.next_chars)


def _assert_well_formed(d, text: str) -> None:
    assert str(parse_term(text)) == text
    term = check_statement(d, statement_text(text))
    assert str(normal_form(d, term)) == text


# -- the completion engine on small prefixes -------------------------------------------------


def test_binder_types(derivations):
    assert default_binder_types(derivations["nat-add"]) == ("nat",)
    assert default_binder_types(derivations["nat-mul"]) == ("nat",)
    assert default_binder_types(derivations["groups"]) == ("G",)
    assert default_binder_types(derivations["propositional-logic"]) == ("prop",)


def test_next_characters_nat_add(grammars):
    g = grammars["nat-add"]
    assert _next(g, "") == {"(", "["}
    assert _next(g, "[") == {"("}
    assert _next(g, "(") == {"="}
    assert _next(g, "[(") == {"'"}
    assert g.cursor("[").forced() == "('a0 : "
    assert _next(g, "[('a0 : ") == {"n", "(", "["}  # a binder over nat, or a hypothesis
    assert g.cursor("[('a0 : nat").forced() == ") -> "
    assert _next(g, "[('a0 : nat) -> ") == {"(", "["}
    assert _next(g, "[('a0 : nat) -> (") == {"'", "="}  # a declaration or an equality
    assert g.cursor("[('a0 : nat) -> ('").forced() == "a1 : "
    assert g.cursor("(").forced() == "= nat "  # `=`'s type argument: nat, never a sort
    assert _next(g, "(= nat ") == {"(", "z"}
    assert _next(g, "[('a0 : nat) -> (= nat ") == {"(", "z", "'"}
    assert _next(g, "(= nat (") == {"s", "+"}
    assert _next(g, "(= nat z z") == {")"}
    assert g.completion("(= nat z z)").complete
    assert _next(g, "(= nat z z)") == set()


def test_illegal_prefixes(grammars):
    g = grammars["nat-add"]
    for prefix in [
        "(= prop",
        "(= type",
        "(= z",
        "(= nat nat",
        "[('a1",  # the first binder is 'a0
        "[('a0 : nat) -> ('a0",
        "[('a0 : prop",  # no proposition binders in nat-add
        "[('a0 : [nat",  # no binder of function type
        "[('a0 : nat) -> 'a0",  # a nat is not a proposition
        "(= nat 'a0",  # unbound
        "(=  ",
        "(+ z z)",
        " ",
    ]:
        assert g.completion(prefix) is None, prefix
    assert not g.accepts("(= nat z z")
    assert not g.accepts("(= nat z z) ")
    assert not g.accepts("(= z z)")  # conjecture text carries `=`'s type argument


def test_propositional_logic_prefixes(grammars):
    g = grammars["propositional-logic"]
    assert _next(g, "") == {"(", "[", "f"}
    assert _next(g, "(") == {"n", "a", "o", "i"}
    assert _next(g, "[('a0 : ") == {"p", "f", "(", "["}
    assert _next(g, "[('a0 : prop) -> ") == {"'", "(", "[", "f"}
    assert g.accepts("false")
    assert g.accepts("[('a0 : prop) -> 'a0]")
    assert g.accepts("[('a0 : prop) -> ('a1 : 'a0) -> [('a2 : 'a0) -> false]]")
    assert g.accepts("(not [('a0 : false) -> false])")
    assert g.completion("(= ") is None  # no `=` in this theory


def test_groups_equality_type_is_forced(grammars):
    g = grammars["groups"]
    assert g.cursor("(").forced() == "= G "
    assert _next(g, "(= G ") == {"(", "i"}
    assert g.accepts("[('a0 : G) -> (= G (op 'a0 (inv 'a0)) id)]")


def test_depth_and_binder_caps(derivations):
    d = derivations["nat-add"]
    flat = Grammar(d, max_depth=1)
    assert _next(flat, "(= nat ") == {"z"}
    assert flat.completion("[") is None  # an arrow needs depth for its output
    assert flat.accepts("(= nat z z)")
    one = Grammar(d, max_binders=1)
    assert _next(one, "[('a0 : nat) -> ") == {"("}
    assert _next(one, "[('a0 : nat) -> (") == {"="}
    assert _next(one, "[('a0 : ") == {"n", "("}  # no nested arrow: it would need a binder
    assert Grammar(d, max_binders=0).completion("[") is None


def test_dead_ends_are_pruned():
    d = load_theory_text(
        "= : [('t : type) -> 't -> 't -> prop].\nnat : type.\nz : nat.\nempty : type.\n"
    )
    g = Grammar(d)
    assert default_binder_types(d) == ("nat", "empty")
    assert g.cursor("(").forced() == "= nat z z)"  # `empty` has no closed term
    assert g.accepts("[('a0 : empty) -> (= empty 'a0 'a0)]")
    with pytest.raises(ValueError):
        Grammar(load_theory_text("nat : type.\nz : nat.\n"))  # no proposition at all


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_random_walks_complete_and_are_well_formed(name, derivations, grammars):
    """Uniform random walks through the engine never get stuck, and every completion is a
    well-formed conjecture in normal form."""
    d, g = derivations[name], grammars[name]
    rng = random.Random(name)
    for _ in range(300):
        cursor = g.cursor()
        while not cursor.finished:
            legal = sorted(cursor.legal())
            assert legal, cursor.text
            cursor = cursor.feed(rng.choice(legal))
        _assert_well_formed(d, cursor.text)


# -- the golden goals ------------------------------------------------------------------------


def test_every_golden_goal_is_samplable(derivations, grammars):
    if not GOLDEN_PROOFS.is_file():
        pytest.skip(f"{GOLDEN_PROOFS} not present")
    count = 0
    for line in GOLDEN_PROOFS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        d, g = derivations[record["theory"]], grammars[record["theory"]]
        text = str(normal_form(d, check_statement(d, record["goal"])))
        cursor = g.cursor()
        for i, ch in enumerate(text):
            assert ch in cursor.legal(), (text, text[:i])
            cursor = cursor.feed(ch)
        assert cursor.complete, text
        assert END in cursor.legal()
        count += 1
    assert count > 0


# -- statements ------------------------------------------------------------------------------


def test_statement_of_a_conjecture():
    text = "[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat (+ 'a0 'a0) z)]"
    assert statement_text(text) == "[('a0 : nat) -> (= 'a0 z) -> (= (+ 'a0 'a0) z)]"
    # A binder used only inside a later hypothesis's arrow keeps its name.
    nested = "[('a0 : nat) -> ('a1 : [('a2 : (= nat 'a0 z)) -> (= nat z z)]) -> (= nat z z)]"
    assert statement_text(nested) == "[('a0 : nat) -> [(= 'a0 z) -> (= z z)] -> (= z z)]"


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_the_statement_of_every_sampled_conjecture_is_closed(name, grammars):
    rng = random.Random(f"statement {name}")
    g = grammars[name]
    for _ in range(200):
        cursor = g.cursor()
        while not cursor.finished:
            cursor = cursor.feed(rng.choice(sorted(cursor.legal())))
        assert not free_params(conjecture_statement(parse_term(cursor.text))), cursor.text


# -- sampling from an untrained tiny model ---------------------------------------------------


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_samples_are_well_formed_and_mostly_distinct(name, samples, derivations):
    batch = samples[name]
    d = derivations[name]
    assert batch.requested == 100
    assert batch.finished + batch.discarded == 100
    assert batch.rejected == 0
    assert len(batch.conjectures) == batch.finished - batch.duplicates
    assert len(batch.conjectures) >= 50  # ≥ 50 % distinct
    assert len({c.text for c in batch.conjectures}) == len(batch.conjectures)
    for c in batch.conjectures:
        assert str(parse_term(c.text)) == c.text
        assert len(c.text) <= 256
        check_statement(d, c.statement)
        assert c.statement == str(conjecture_statement(parse_term(c.text)))
        assert str(normal_form(d, check_statement(d, c.statement))) == c.text
        assert c.logprob < 0
    assert batch.seconds > 0


def test_logprob_is_the_whole_text_under_the_model(model, samples):
    c = samples["nat-add"].conjectures[0]
    [expected] = model.completion_logprobs([("Conj:(hard) ", c.text)])
    assert c.logprob == pytest.approx(expected, abs=1e-4)


def test_deterministic_under_the_seed(model, derivations):
    d = derivations["groups"]
    g = Grammar(d, max_depth=2, max_binders=2)  # few steps: each is a model call
    first = sample_conjectures(model, d, 8, seed=3, grammar=g)
    again = sample_conjectures(model, d, 8, seed=3, grammar=g)
    other = sample_conjectures(model, d, 8, seed=4, grammar=g)
    assert [c.text for c in first.conjectures] == [c.text for c in again.conjectures]
    assert [c.text for c in first.conjectures] != [c.text for c in other.conjectures]


def test_temperature_zero_repeats_one_sample(model, derivations, shallow):
    d, g = derivations["propositional-logic"], shallow["propositional-logic"]
    texts = []
    for temperature in (0.0, 1e-6):
        batch = sample_conjectures(model, d, 4, temperature=temperature, grammar=g)
        assert batch.finished == 4
        assert len(batch.conjectures) == 1 and batch.duplicates == 3
        texts.append(batch.conjectures[0].text)
    assert texts[0] == texts[1]


def test_length_cap_discards_and_counts(model, derivations, grammars):
    d, g = derivations["nat-add"], grammars["nat-add"]
    batch = sample_conjectures(model, d, 20, max_chars=14, grammar=g)
    assert batch.discarded > 0
    assert batch.finished + batch.discarded == 20
    assert all(len(c.text) <= 14 for c in batch.conjectures)
    for c in batch.conjectures:
        check_statement(d, c.statement)


def test_no_samples(model, derivations):
    batch = sample_conjectures(model, derivations["nat-add"], 0)
    assert batch.conjectures == [] and batch.finished == 0 and batch.requested == 0
