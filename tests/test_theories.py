"""The packaged theories load by name, match the shared reference files, and list their premises."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from telos.theories import THEORY_NAMES, Theory, UnknownTheoryError, load_theory

SHARED_THEORIES = Path(__file__).resolve().parents[2] / "shared" / "theories"

# The premise table of shared/theories/README.md, in its order.
EXPECTED_PREMISES = {
    "nat-add": ("eq_refl", "eq_symm", "rewrite", "+_z", "+_s", "nat_ind"),
    "nat-mul": ("eq_refl", "eq_symm", "rewrite", "+_z", "+_s", "*_s", "*_z", "nat_ind"),
    "groups": ("op_assoc", "op_comm", "id_l", "inv_l", "eq_refl", "eq_symm", "rewrite"),
    "propositional-logic": (
        "and_i", "and_el", "and_er", "or_il", "or_ir", "or_e", "not_i", "not_e",
        "exfalso", "iff_i", "iff_el", "iff_er", "em",
    ),
}  # fmt: skip

BUILTIN_RULES = {"eq_refl", "eq_symm", "rewrite"}


def test_theory_names_in_order():
    assert THEORY_NAMES == ("nat-add", "nat-mul", "groups", "propositional-logic")


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_loads_by_name(name):
    theory = load_theory(name)
    assert isinstance(theory, Theory)
    assert theory.name == name
    assert theory.path.name == f"{name}.p"
    assert theory.path.is_file()
    assert theory.text == theory.path.read_text(encoding="utf-8")
    assert theory.text.strip()


def test_theory_is_frozen():
    theory = load_theory("nat-add")
    with pytest.raises(dataclasses.FrozenInstanceError):
        theory.name = "other"  # type: ignore[misc]
    assert isinstance(theory.premises, tuple)


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_premises_match_readme_table(name):
    assert load_theory(name).premises == EXPECTED_PREMISES[name]


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_non_builtin_premises_are_declared_in_the_text(name):
    theory = load_theory(name)
    for premise in theory.premises:
        if premise in BUILTIN_RULES:
            continue
        declaration = re.compile(rf"^{re.escape(premise)} :", re.MULTILINE)
        assert declaration.search(theory.text), f"{premise} not declared in {name}.p"


def test_readme_table_matches_expected():
    readme = SHARED_THEORIES / "README.md"
    if not readme.is_file():
        pytest.skip(f"{readme} not present")
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in THEORY_NAMES:
            rows[cells[0]] = tuple(p.strip() for p in cells[1].split(","))
    assert rows == EXPECTED_PREMISES


@pytest.mark.parametrize("name", THEORY_NAMES)
def test_text_equals_shared_file(name):
    shared = SHARED_THEORIES / f"{name}.p"
    if not shared.is_file():
        pytest.skip(f"{shared} not present")
    assert load_theory(name).text == shared.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["nat", "Nat-Add", "", "../nat-add", "premises"])
def test_unknown_name_raises(bad):
    with pytest.raises(UnknownTheoryError) as excinfo:
        load_theory(bad)
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value) == (
        f"unknown theory '{bad}' (known: nat-add, nat-mul, groups, propositional-logic)"
    )
