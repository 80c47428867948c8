"""Proof search (`telos.search`) with the uniform policy: what every strategy finds, how it fails,
and what a search result promises.

- every strategy (`mcts`, `best-first`, `beam`, `sample`) proves easy statements of every theory
  within a small budget, and stops cleanly at the budget on false ones;
- every proof it reports is theorem text that the kernel's checker (and `telos check`) accepts;
- `log_prob` is the sum of the log-priors of the actions on the solution;
- `prove_many` makes one policy call per round for all its searches together;
- searches are deterministic given seed, budget and policy, in any process;
- the policy contract (DESIGN, "Policy contract") is enforced, NaN priors included;
- the node records (the training signal) describe the expanded nodes and mark the solution;
- `telos prove` prints a proof (exit 0), `no proof within N nodes` (exit 1), or one located
  error line on stderr (exit 2).

The easy goals below were measured: each strategy proves each of them with seed 0 in at most
~400 expansions and about a second. Goals like `'A -> 'A` or `'A -> (not (not 'A))` are not in
the list: with uniform priors `sample` (rollouts of depth 32, each expanding new nodes) does not
prove them within 500 expansions at seed 0, and its deep propositional states cost up to a
second each to expand.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
from cli_util import run_telos

from telos.peano import (
    ParseError,
    ProofState,
    ProofTree,
    TypeCheckError,
    check_text,
    parse_file,
    parse_term_exact,
)
from telos.peano.state import Action
from telos.peano.terms import alpha_equivalent
from telos.search import (
    STRATEGIES,
    Evaluation,
    Policy,
    Problem,
    SearchResult,
    UniformPolicy,
    prove,
    prove_many,
)
from telos.theories import Theory, load_theory

TELOS = shutil.which("telos", path=str(Path(sys.executable).parent)) or "telos"
GOLDEN_PROOFS = (
    Path(__file__).resolve().parents[2] / "shared" / "peano" / "golden" / "proofs.jsonl"
)
SEARCHES = ("mcts", "best-first", "beam", "sample")

# Statements every strategy proves with the uniform policy, seed 0, budget BUDGET.
BUDGET = 500
EASY = {
    "nat-add": [
        "[('n : nat) -> (= (+ 'n z) 'n)]",
        "(= (+ (s z) (s z)) (s (s z)))",
        "[('a : nat) -> ('b : nat) -> (= (+ 'a (s 'b)) (s (+ 'a 'b)))]",
    ],
    "nat-mul": [
        "[('a : nat) -> (= (* 'a z) z)]",
        "(= (* (s (s z)) z) z)",
        "[('a : nat) -> ('b : nat) -> (= (* 'a (s 'b)) (+ 'a (* 'a 'b)))]",
    ],
    "groups": [
        "(= (op id id) id)",
        "(= (op (inv id) id) id)",
        "[('a : G) -> (= (op (inv 'a) 'a) id)]",
        "[('a : G) -> (= (op id 'a) 'a)]",
    ],
    "propositional-logic": [
        "[('A : prop) -> (iff 'A 'A)]",
        "[false -> false]",
    ],
}
# False statements: no strategy may claim them.
FALSE = {
    "nat-add": "(= (s z) z)",
    "propositional-logic": "[('A : prop) -> 'A]",
    "groups": "[('a : G) -> (= (op 'a 'a) 'a)]",
}
FALSE_BUDGET = 100
# A step may expand several nodes at once (the subgoals of an AND-node, a beam's width).
OVERSHOOT = 8


@cache
def theory(name: str) -> Theory:
    return load_theory(name)


def problem(theory_name: str, goal: str, name: str = "goal") -> Problem:
    t = theory(theory_name)
    return Problem(t.text, t.premises, goal, name)


def states_the_goal(result: SearchResult) -> bool:
    """The reported theorem's statement is the goal asked, up to the names of its binders."""
    assert result.proof is not None
    (block,) = parse_file(result.proof)
    return alpha_equivalent(block.statement, parse_term_exact(result.problem.goal))


def checks(result: SearchResult, theory_name: str) -> bool:
    """The kernel's checker accepts the reported proof text after the theory's own text."""
    assert result.proof is not None
    verdicts = check_text(result.proof, prelude=theory(theory_name).text)
    return bool(verdicts) and all(v.ok for v in verdicts)


def comparable(result: SearchResult) -> dict:
    """A result's JSON without its wall time (the only field that may differ between runs)."""
    data = result.to_json()
    del data["wall_time"]
    return data


def proof_actions(tree: ProofTree) -> list[str]:
    return [tree.action] + [a for c in tree.children for a in proof_actions(c)]


class CountingPolicy:
    """The uniform policy, recording the size of every batch it is asked to evaluate."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    @property
    def calls(self) -> int:
        return len(self.batch_sizes)

    def evaluate(
        self, states: Sequence[ProofState], actions: Sequence[Sequence[Action]]
    ) -> list[Evaluation]:
        self.batch_sizes.append(len(states))
        return UniformPolicy().evaluate(states, actions)


EASY_CASES = [
    pytest.param(search, theory_name, goal, id=f"{search}-{theory_name}-{i}")
    for search in SEARCHES
    for theory_name, goals in EASY.items()
    for i, goal in enumerate(goals)
]


def test_every_strategy_is_registered() -> None:
    assert set(STRATEGIES) == set(SEARCHES)
    assert isinstance(UniformPolicy(), Policy)


# -- proving and failing ---------------------------------------------------------------------


@pytest.mark.parametrize("search, theory_name, goal", EASY_CASES)
def test_strategy_proves_easy_goal_and_proof_checks(search: str, theory_name: str, goal: str):
    result = prove(problem(theory_name, goal), UniformPolicy(), search, budget=BUDGET, seed=0)
    assert result.success, f"{search} did not prove {goal} in {result.expansions} expansions"
    assert 1 <= result.expansions <= BUDGET
    assert result.strategy == search and result.problem.goal == goal
    assert result.proof is not None and result.proof.startswith("theorem goal : ")
    assert checks(result, theory_name)
    assert states_the_goal(result)
    assert result.tree is not None
    assert result.log_prob is not None and result.log_prob <= 0.0


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("theory_name", sorted(FALSE))
def test_strategy_fails_cleanly_on_false_goal_within_budget(search: str, theory_name: str):
    result = prove(problem(theory_name, FALSE[theory_name]), UniformPolicy(), search,
                   budget=FALSE_BUDGET, seed=0)
    assert not result.success
    assert result.proof is None and result.tree is None and result.log_prob is None
    assert 1 <= result.expansions <= FALSE_BUDGET + OVERSHOOT
    assert all(r.solution_action is None for r in result.nodes)


def test_unknown_strategy_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown search 'dfs'"):
        prove(problem("nat-add", "(= z z)"), UniformPolicy(), "dfs", budget=10)


# -- goals that are not exactly one well-formed statement ------------------------------------

NOT_ONE_STATEMENT = {
    "trailing-text": ("(= z z) this is not part of the goal", ParseError, (1, 9)),
    "two-statements": ("(= z z) (= z z)", ParseError, (1, 9)),
    "unbalanced": ("(= z z", ParseError, (1, 7)),
    "empty": ("", ParseError, (1, 1)),
    "unbound-parameter": ("[('a : nat) -> (= 'a 'b)]", TypeCheckError, (1, 22)),
    "not-a-proposition": ("(s z)", TypeCheckError, (1, 1)),
    "undeclared-atom": ("(= q z)", TypeCheckError, (1, 4)),
    "nested-400-deep": ("(= " + "(s " * 400 + "z" + ")" * 400 + " z)", ParseError, (1, 769)),
}


@pytest.mark.parametrize("goal, error, pos", NOT_ONE_STATEMENT.values(),
                         ids=NOT_ONE_STATEMENT.keys())
def test_prove_refuses_a_goal_that_is_not_one_statement_before_searching(
    goal: str, error: type, pos: tuple[int, int]
) -> None:
    policy = CountingPolicy()
    with pytest.raises(error) as info:
        prove(problem("nat-add", goal, name="g"), policy, "mcts", budget=50)
    assert info.value.pos == pos and info.value.file == "g"  # the problem's name
    assert policy.calls == 0


def test_prove_many_refuses_every_problem_when_one_goal_is_not_a_statement() -> None:
    policy = CountingPolicy()
    problems = [problem("nat-add", "(= z z)", "fine"), problem("nat-add", "(= z z) extra", "bad")]
    with pytest.raises(ParseError, match="extra") as info:
        prove_many(problems, policy, "mcts", budget=50)
    assert info.value.located() == 'bad:1:9: unexpected text after the term: found "extra"'
    assert policy.calls == 0


@pytest.mark.parametrize("name", ["a b", "'x", "", "nat_ind"])
def test_prove_refuses_a_problem_name_that_cannot_name_its_theorem(name: str) -> None:
    with pytest.raises(ValueError, match="problem name"):
        prove(problem("nat-add", "(= z z)", name), UniformPolicy(), "mcts", budget=10)


def test_whitespace_and_comments_around_a_goal_are_not_part_of_it() -> None:
    goal = "  /* asked */ [('n : nat) -> (= (+ 'n z) 'n)]\n"
    result = prove(problem("nat-add", goal), UniformPolicy(), "mcts", budget=BUDGET)
    assert result.success
    assert result.proof is not None
    assert result.proof.startswith("theorem goal : [('n : nat) -> (= (+ 'n z) 'n)] {")
    assert states_the_goal(result) and checks(result, "nat-add")


def test_golden_shallow_goals_are_proven_by_mcts_and_check() -> None:
    """The recorded solved goals of depth ≤ 3 (golden proofs.jsonl) are within MCTS's reach."""
    if not GOLDEN_PROOFS.exists():
        pytest.skip(f"golden data not found: {GOLDEN_PROOFS}")
    records = [json.loads(line) for line in GOLDEN_PROOFS.read_text().splitlines() if line]
    shallow = [r for r in records if r["depth"] <= 3]
    assert len(shallow) >= 10
    problems = [
        Problem(theory(r["theory"]).text, tuple(r["premises"]), r["goal"], f"g{i}")
        for i, r in enumerate(shallow)
    ]
    results = prove_many(problems, UniformPolicy(), "mcts", budget=BUDGET, seed=0)
    unproven = [r.problem.goal for r in results if not r.success]
    assert not unproven
    for r, record in zip(results, shallow):
        assert checks(r, record["theory"])


# -- proofs round-trip through the checker ---------------------------------------------------


def test_found_proofs_pass_telos_check_as_a_file(tmp_path: Path) -> None:
    """Proofs found by every strategy, written to one file, verify with the real console script."""
    goals = EASY["nat-add"]
    texts = []
    for search in SEARCHES:
        tag = search.replace("-", "_")
        problems = [problem("nat-add", g, name=f"t{i}_{tag}") for i, g in enumerate(goals)]
        for r in prove_many(problems, UniformPolicy(), search, budget=BUDGET, seed=0):
            assert r.success and r.proof is not None
            texts.append(r.proof)
    path = tmp_path / "found.p"
    path.write_text("\n".join(texts), encoding="utf-8")
    run = subprocess.run([TELOS, "check", str(path), "--theory", "nat-add"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == len(goals) * len(SEARCHES)
    assert all(line.endswith(": ok") for line in lines)


@pytest.mark.parametrize("theory_name", sorted(EASY))
def test_found_proof_passes_telos_check_per_theory(theory_name: str, tmp_path: Path) -> None:
    result = prove(problem(theory_name, EASY[theory_name][0], name="found"), UniformPolicy(),
                   "best-first", budget=BUDGET)
    assert result.success and result.proof is not None
    path = tmp_path / "found.p"
    path.write_text(result.proof, encoding="utf-8")
    run = subprocess.run([TELOS, "check", str(path), "--theory", theory_name],
                         capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, "found: ok\n", "")


# -- log-probability of the solution ---------------------------------------------------------


@pytest.mark.parametrize("search", SEARCHES)
def test_log_prob_is_sum_of_uniform_log_priors_on_solution(search: str) -> None:
    goal = "(= (+ (s z) (s z)) (s (s z)))"
    result = prove(problem("nat-add", goal), UniformPolicy(), search, budget=BUDGET)
    assert result.success and result.log_prob is not None
    on_solution = [r for r in result.nodes if r.solution_action is not None]
    expected = sum(math.log(1.0 / len(r.actions)) for r in on_solution)
    assert result.log_prob == pytest.approx(expected, abs=1e-9)
    assert result.log_prob < 0.0  # several steps had a choice


class LinearPolicy:
    """Prior of action i proportional to i + 1 (not uniform), value 0.5."""

    def evaluate(self, states, actions):
        out = []
        for acts in actions:
            total = len(acts) * (len(acts) + 1) / 2
            out.append(Evaluation(tuple((i + 1) / total for i in range(len(acts))), 0.5))
        return out


@pytest.mark.parametrize("search", SEARCHES)
def test_log_prob_follows_the_policy_priors(search: str) -> None:
    """With a non-uniform policy, log_prob sums the priors the policy gave the chosen actions."""
    result = prove(problem("nat-add", "(= (+ (s z) (s z)) (s (s z)))"), LinearPolicy(), search,
                   budget=BUDGET)
    assert result.success and result.log_prob is not None
    expected = 0.0
    for r in result.nodes:
        if r.solution_action is not None:
            n = len(r.actions)
            expected += math.log((r.solution_action + 1) / (n * (n + 1) / 2))
    assert result.log_prob == pytest.approx(expected, abs=1e-9)


# -- batching: prove_many ----------------------------------------------------------------------

MANY = [
    ("nat-add", "(= (+ (s z) (s z)) (s (s z)))"),
    ("nat-add", "(= (s z) z)"),
    ("nat-mul", "[('a : nat) -> (= (* 'a z) z)]"),
    ("groups", "[('a : G) -> (= (op (inv 'a) 'a) id)]"),
    ("groups", "[('a : G) -> (= (op 'a 'a) 'a)]"),
]


@pytest.mark.parametrize("search", SEARCHES)
def test_prove_many_makes_one_policy_call_per_round(search: str) -> None:
    problems = [problem(t, g) for t, g in MANY]
    budget = 60
    # Alone, search k (seeded seed + k, as prove_many seeds it) needs rounds[k] policy calls.
    rounds = []
    for k, p in enumerate(problems):
        alone = CountingPolicy()
        prove(p, alone, search, budget=budget, seed=k)
        rounds.append(alone.calls)
    together = CountingPolicy()
    prove_many(problems, together, search, budget=budget, seed=0)
    assert together.calls == max(rounds)
    assert together.batch_sizes[0] == len(problems)  # every root, in the first call
    for r, size in enumerate(together.batch_sizes):
        still_running = sum(n > r for n in rounds)
        assert size >= still_running  # each unfinished search contributes its pending states


@pytest.mark.parametrize("search", SEARCHES)
def test_prove_many_calls_the_policy_five_times_less_than_one_by_one(search: str) -> None:
    problems = [problem("nat-add", "(= (s z) z)", name=f"p{k}") for k in range(5)]
    together = CountingPolicy()
    results = prove_many(problems, together, search, budget=100, seed=0)
    one_by_one = CountingPolicy()
    for k, p in enumerate(problems):
        prove(p, one_by_one, search, budget=100, seed=k)
    assert not any(r.success for r in results)
    assert one_by_one.calls >= 4.5 * together.calls
    assert sum(together.batch_sizes) == sum(one_by_one.batch_sizes)  # the same states, batched


@pytest.mark.parametrize("search", SEARCHES)
def test_prove_many_gives_the_same_results_as_separate_searches(search: str) -> None:
    problems = [problem(t, g, name=f"p{k}") for k, (t, g) in enumerate(MANY)]
    together = prove_many(problems, UniformPolicy(), search, budget=60, seed=7)
    assert [r.problem for r in together] == problems  # in the order given
    for k, p in enumerate(problems):
        alone = prove(p, UniformPolicy(), search, budget=60, seed=7 + k)
        assert comparable(together[k]) == comparable(alone)


def test_prove_many_reports_progress_after_every_round() -> None:
    problems = [problem(t, g) for t, g in MANY]
    steps: list[tuple[int, int]] = []
    results = prove_many(problems, UniformPolicy(), "mcts", budget=40,
                         on_step=lambda e, f: steps.append((e, f)))
    assert steps
    assert [e for e, _ in steps] == sorted(e for e, _ in steps)
    assert [f for _, f in steps] == sorted(f for _, f in steps)
    assert steps[-1] == (sum(r.expansions for r in results), len(problems))


# -- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("theory_name, goal", [
    ("nat-add", "(= (+ (s z) (s z)) (s (s z)))"),
    ("groups", "[('a : G) -> (= (op 'a 'a) 'a)]"),
])
def test_same_seed_budget_and_policy_give_the_same_search(search, theory_name, goal) -> None:
    first = prove(problem(theory_name, goal), UniformPolicy(), search, budget=80, seed=3)
    second = prove(problem(theory_name, goal), UniformPolicy(), search, budget=80, seed=3)
    assert comparable(first) == comparable(second)
    assert first.nodes == second.nodes
    assert first.proof == second.proof and first.log_prob == second.log_prob


REPRODUCE = """
import json
from telos.search import Problem, UniformPolicy, prove
from telos.theories import load_theory
t = load_theory("propositional-logic")
goal = "[('A : prop) -> ('B : prop) -> (and 'A 'B) -> (and 'B 'A)]"
out = []
for search in ("mcts", "best-first", "beam", "sample"):
    data = prove(Problem(t.text, t.premises, goal), UniformPolicy(), search, 40, 1).to_json()
    del data["wall_time"]
    out.append(data)
print(json.dumps(out, sort_keys=True))
"""


def test_searches_are_reproducible_across_processes_and_hash_seeds() -> None:
    """No result depends on set or dict order of strings (PYTHONHASHSEED differs per process)."""
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", REPRODUCE], capture_output=True, text=True,
                             timeout=120, env=env)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


# -- the policy contract ---------------------------------------------------------------------


class Broken:
    """A policy that answers with `make(actions)` for each state's actions."""

    def __init__(self, make, count_delta: int = 0) -> None:
        self.make = make
        self.count_delta = count_delta

    def evaluate(self, states, actions):
        out = [self.make(a) for a in actions]
        return out[: len(out) + self.count_delta] if self.count_delta < 0 else out


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("policy, message", [
    (Broken(lambda a: Evaluation(tuple([1.0 / (len(a) + 1)] * (len(a) + 1)), 0.5)),
     "priors for"),
    (Broken(lambda a: Evaluation(tuple([1.0] * len(a)), 0.5)), "not a distribution"),
    (Broken(lambda a: Evaluation(tuple([0.5 / len(a)] * len(a)), 0.5)), "not a distribution"),
    (Broken(lambda a: Evaluation((-1.0,) + (2.0 / (len(a) - 1),) * (len(a) - 1), 0.5)),
     "not a distribution"),
    (Broken(lambda a: Evaluation(tuple([1.0 / len(a)] * len(a)), 1.5)), "outside"),
    (Broken(lambda a: Evaluation(tuple([1.0 / len(a)] * len(a)), 0.5), count_delta=-1),
     "evaluations for"),
], ids=["too-many-priors", "sum-above-one", "sum-below-one", "negative-prior", "value-above-one",
        "missing-evaluation"])
def test_policy_breaking_the_contract_is_a_value_error(search: str, policy, message: str):
    # The root of this goal has several actions, so every broken answer above is well defined.
    with pytest.raises(ValueError, match=message):
        prove(problem("nat-add", "(= (+ (s z) (s z)) (s (s z)))"), policy, search, budget=20)


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("policy, message", [
    (Broken(lambda a: Evaluation(tuple([math.nan] * len(a)), 0.5)), "not a distribution"),
    (Broken(lambda a: Evaluation(tuple([1.0 / len(a)] * len(a)), math.nan)), "outside"),
], ids=["nan-priors", "nan-value"])
def test_policy_giving_nan_is_a_value_error(search: str, policy, message: str) -> None:
    # A broken model yields NaN; every comparison with NaN is false, so the check must not
    # be written as "raise if bad" (a NaN prior once made MCTS declare the root dead).
    with pytest.raises(ValueError, match=message):
        prove(problem("nat-add", "(= (+ (s z) (s z)) (s (s z)))"), policy, search, budget=20)


# -- the training signal: node records -------------------------------------------------------


@pytest.mark.parametrize("search", SEARCHES)
def test_node_records_describe_expanded_nodes_and_mark_the_solution(search: str) -> None:
    result = prove(problem("nat-add", "(= (+ (s z) (s z)) (s (s z)))"), UniformPolicy(), search,
                   budget=BUDGET)
    assert result.success and result.tree is not None and result.search_tree is not None
    # One expansion per node: the live tree lists every expanded OR-node once, and the records
    # are those of them that had actions to choose from.
    assert len(result.search_tree.nodes) == result.expansions
    expanded = [n for n in result.search_tree.nodes if n.actions]
    assert len(result.nodes) == len(expanded)
    assert [r.actions for r in result.nodes] == [tuple(map(str, n.actions)) for n in expanded]
    for record in result.nodes:
        context, goal, pending = record.state.split("\n")
        assert context.startswith("{") and context.endswith("}")
        assert goal
        assert record.actions and all(isinstance(a, str) for a in record.actions)
        assert record.visits >= 0 and 0.0 <= record.value <= 1.0
    assert result.nodes[0].state.split("\n")[1] == "(= (+ (s z) (s z)) (s (s z)))"
    # The solution: one record per step of the proof tree, each naming one of its actions.
    chosen = [r.actions[r.solution_action] for r in result.nodes if r.solution_action is not None]
    assert sorted(chosen) == sorted(proof_actions(result.tree))
    assert result.nodes[0].solution_action is not None
    assert result.nodes[0].actions[result.nodes[0].solution_action] == result.tree.action


def test_node_records_of_a_failed_search_have_no_solution() -> None:
    result = prove(problem("nat-add", FALSE["nat-add"]), UniformPolicy(), "mcts", budget=50)
    assert not result.success
    assert result.nodes and all(r.solution_action is None for r in result.nodes)
    assert all(len(r.state.split("\n")) == 3 for r in result.nodes)


def test_a_state_whose_actions_the_kernel_cannot_enumerate_is_a_dead_end(monkeypatch) -> None:
    # Search only asks whether a pending `a X` has any choice before keeping it; when the node
    # is expanded later, a kernel error in the full enumeration must end that branch, not the
    # search. Simulated: every full backward enumeration fails.
    def failing(self, name):
        raise TypeCheckError(f"cannot enumerate the choices of {name}")

    monkeypatch.setattr(ProofState, "_subgoal_choices", failing)
    result = prove(problem("nat-add", "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"), UniformPolicy(),
                   "mcts", budget=200)
    dead = [n for n in result.search_tree.nodes
            if n.state.pending is not None and n.state.pending.kind == "a"]
    assert dead and all(not n.actions and n.dead for n in dead)
    assert not result.success  # nat_ind is the only way in


# -- the `telos prove` command ---------------------------------------------------------------


@pytest.mark.parametrize("search", SEARCHES)
def test_telos_prove_prints_a_checked_proof_and_exits_0(capsys, search: str) -> None:
    goal = "[('n : nat) -> (= (+ 'n z) 'n)]"
    status, out, err = run_telos(capsys, ["prove", goal, "--theory", "nat-add", "--search", search])
    assert status == 0
    assert out.startswith(f"theorem goal : {goal} {{\n") and out.endswith("}\n")
    verdicts = check_text(out, prelude=theory("nat-add").text)
    assert [v.ok for v in verdicts] == [True]
    assert "Traceback" not in err


def test_telos_prove_reports_no_proof_within_budget_and_exits_1(capsys) -> None:
    args = ["prove", "(= (s z) z)", "--theory", "nat-add", "--budget", "50"]
    status, out, err = run_telos(capsys, args)
    assert (status, out) == (1, "no proof within 50 nodes\n")
    assert "Traceback" not in err


UNUSABLE = {
    "unknown-theory": (["(= z z)", "--theory", "nope"], ["unknown theory 'nope'"]),
    "unbound-parameter": (["[('a : nat) -> (= (+ 'a 'b) 'a)]", "--theory", "nat-add"],
                          ["GOAL:1:25:", "unbound parameter 'b"]),
    "trailing-text": (["(= z z) extra", "--theory", "nat-add"], ["GOAL:1:9:", "extra"]),
    "undeclared-atom": (["(= (+ z q) z)", "--theory", "nat-add"],
                        ["GOAL:1:9:", "undeclared atom q"]),
    "wrong-arity": (["(= (s z z) z)", "--theory", "nat-add"], ["GOAL:1:4:", "s takes 1"]),
    "unbalanced": (["(= z z", "--theory", "nat-add"], ["GOAL:1:7:"]),
    "atom-of-other-theory": (["(= (op id id) id)", "--theory", "nat-add"], ["undeclared atom"]),
    "equality-arity": (["(= (s z) (s z) z)", "--theory", "nat-add"],
                       ["GOAL:1:1:", "= takes 2 arguments, given 3"]),
    "not-a-proposition": (["(s z)", "--theory", "nat-add"], ["GOAL:1:1:", "not a proposition"]),
    "empty-goal": (["", "--theory", "nat-add"], ["GOAL:1:1:", "expected a term"]),
    "budget-zero": (["(= z z)", "--theory", "nat-add", "--budget", "0"], ["--budget"]),
    "budget-not-integer": (["(= z z)", "--theory", "nat-add", "--budget", "x"], ["--budget"]),
    "unknown-search": (["(= z z)", "--theory", "nat-add", "--search", "dfs"], ["--search"]),
    "seed-not-integer": (["(= z z)", "--theory", "nat-add", "--seed", "x"], ["--seed"]),
    "missing-theory": (["(= z z)"], ["--theory"]),
}


@pytest.mark.parametrize("args, says", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_telos_prove_on_unusable_input_exits_2_with_one_line(capsys, args, says) -> None:
    status, out, err = run_telos(capsys, ["prove", *args])
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("telos")
    for part in says:
        assert part in err


def test_telos_prove_console_script() -> None:
    proven = subprocess.run([TELOS, "prove", "(= (+ z z) z)", "--theory", "nat-add"],
                            capture_output=True, text=True, timeout=60)
    assert proven.returncode == 0, proven.stderr
    assert proven.stdout == "theorem goal : (= (+ z z) z) {\n    show (= (+ z z) z) by +_z.\n}\n"
    bad = subprocess.run([TELOS, "prove", "[('a : nat) -> (= (+ 'a 'b) 'a)]", "--theory",
                          "nat-add"], capture_output=True, text=True, timeout=60)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "telos: error: GOAL:1:25: unbound parameter 'b\n"
