"""The Derivation queries of SPEC §5 answer like the original's `PyDerivation` on each theory.

`derivation.jsonl` (golden README §4) records, for each theory loaded into a fresh derivation,
the arrow set (`actions`, compared as a set since its order is hash order), the signature of
declared names, the arrows with a given output type and the atoms of a given type (both in
declaration order, compared exactly). Query arguments are type strings, parsed with
`parse_term`. The `state` dump includes the original's internal `NAME@type` entries and is
informational only: we require the same names in the same insertion order, and the same
type, value and proof flag for each.
"""

from __future__ import annotations

import pytest
from golden_util import derivation, golden_path, read_jsonl

from telos.peano import parse_term, queries
from telos.theories import THEORY_NAMES

RECORDS = list(read_jsonl(golden_path("derivation.jsonl")))
QUERIES = [r for r in RECORDS if r["kind"] != "state"]
STATES = {r["theory"]: r["result"] for r in RECORDS if r["kind"] == "state"}


def answer(theory_name: str, kind: str, arg: str | None):
    """Our answer to one recorded query, in the recording's JSON shape."""
    d = derivation(theory_name)
    if kind == "actions":
        return queries.arrow_names(d)
    if kind == "arrow_type_signature":
        signature = queries.arrow_type_signature(d, arg)
        if signature is None:
            return None
        inputs, output = signature
        return [[list(i) for i in inputs], output]
    if kind == "arrows_with_target_type":
        return queries.arrows_with_target_type(d, parse_term(arg))
    if kind == "declared_atoms_with_type":
        return queries.declared_atoms_with_type(d, parse_term(arg))
    raise AssertionError(f"unknown query kind {kind}")


def test_every_theory_has_recorded_queries():
    assert {r["theory"] for r in RECORDS} == set(THEORY_NAMES)
    assert set(STATES) == set(THEORY_NAMES)
    assert len(QUERIES) == 94


@pytest.mark.parametrize(
    "record",
    [pytest.param(r, id=f"{r['theory']}:{r['kind']}:{r['arg']}") for r in QUERIES],
)
def test_derivation_query_answers_like_the_original(record):
    got = answer(record["theory"], record["kind"], record["arg"])
    if record["kind"] == "actions":
        assert got == set(record["result"])  # hash order in the original
    else:
        assert got == record["result"]


def test_equality_signature_has_a_type_parameter_and_two_plain_inputs():
    # SPEC §5: for `=`: ([("'t", "type"), ("", "'t"), ("", "'t")], "prop").
    assert queries.arrow_type_signature(derivation("nat-add"), "=") == (
        [("'t", "type"), ("", "'t"), ("", "'t")],
        "prop",
    )


@pytest.mark.parametrize("theory_name", THEORY_NAMES)
def test_context_dump_lists_the_same_names_in_insertion_order(theory_name):
    ours = queries.context_state(derivation(theory_name))
    recorded = STATES[theory_name]
    assert [e[0] for e in ours] == [e[0] for e in recorded]
    # name, type, value and proof flag agree entry by entry; the dependencies (free atoms of
    # the value, SPEC §2.2) as sets, since the original's order is its own bookkeeping.
    assert [list(e[:4]) for e in ours] == [e[:4] for e in recorded]
    assert [set(e[4]) for e in ours] == [set(e[4]) for e in recorded]
