"""`telos.model.train`: the model learns from search results and is pulled toward a goal set.

Total loss = `train_loss` (completions of policy/value examples) + `alpha · progress_loss`
(the goal statements, in conjecture text, after `Conj:(hard) `); both logged unweighted every
step with `alpha`, which may be a function of the step (warm-up). Training is deterministic on
the CPU under a seed. The end-to-end check: a model trained on the examples of its own proof
finds that proof, through `telos prove --model CKPT`, in fewer expansions than the uniform
policy needed.

The runs are tiny (a 2-layer model, tens of steps) and shared through module fixtures.
"""

from __future__ import annotations

import math

import pytest
import torch

from telos.cli import main
from telos.model import (
    LanguageModel,
    ModelPolicy,
    conjecture_prompt,
    examples_from_result,
    load_checkpoint,
    model_config,
    progress_loss,
    save_checkpoint,
    train,
)
from telos.peano import check_statement, check_text, load_theory_text, normal_form
from telos.search import Problem, UniformPolicy, prove
from telos.theories import load_theory

GOAL = "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"
# A goal set, as statement text; the progress loss reads its conjecture text.
GOAL_SET = [
    "[('a : nat) -> ('b : nat) -> (= (+ (s 'a) 'b) (s (+ 'a 'b)))]",
    "[('a : nat) -> ('b : nat) -> (= (+ 'a 'b) (+ 'b 'a))]",
    "[('n : nat) -> (= (+ 'n (s z)) (s 'n))]",
    "(= (+ (s (s z)) (s (s z))) (s (s (s (s z)))))",
]
BATCH, LR, SEED = 8, 3e-3, 0
PROOF_STEPS = 40  # enough for the model to learn its proof (seeds 0-2 all need 10 expansions)
ALPHA_STEPS = 10


@pytest.fixture(scope="module")
def theory():
    return load_theory("nat-add")


@pytest.fixture(scope="module")
def problem(theory) -> Problem:
    return Problem(theory.text, theory.premises, GOAL)


@pytest.fixture(scope="module")
def uniform_result(problem):
    result = prove(problem, UniformPolicy(), "mcts", budget=1000, seed=0)
    assert result.success
    return result


@pytest.fixture(scope="module")
def examples(uniform_result):
    """The policy and value examples of the uniform search's proof (10 + 10)."""
    out = examples_from_result(uniform_result)
    assert len(out) == 20 and {e.kind for e in out} == {"policy", "value"}
    return out


@pytest.fixture(scope="module")
def goals(theory) -> list[str]:
    d = load_theory_text(theory.text)
    return [str(normal_form(d, check_statement(d, g))) for g in GOAL_SET]


def goal_logprob(model: LanguageModel, goals: list[str]) -> float:
    """Total log-probability of the goals under the conjecturing prompt."""
    return sum(model.completion_logprobs([(conjecture_prompt("hard"), g) for g in goals]))


@pytest.fixture(scope="module")
def trained(examples):
    """A fresh model trained on the examples of its own proof (no goal set)."""
    model = LanguageModel(model_config("tiny"), device="cpu", seed=SEED)
    return model, train(model, examples, [], 0.0, PROOF_STEPS, BATCH, SEED, lr=LR)


@pytest.fixture(scope="module")
def alpha_runs(examples, goals) -> dict:
    """For alpha 0 and 1: two fresh models from the same seed, trained on the same examples
    in the same steps; (logs, goal log-probability before, after)."""
    out = {}
    for alpha in (0.0, 1.0):
        model = LanguageModel(model_config("tiny"), device="cpu", seed=SEED)
        before = goal_logprob(model, goals)
        logs = train(model, examples, goals, alpha, ALPHA_STEPS, BATCH, SEED, lr=LR)
        out[alpha] = (logs, before, goal_logprob(model, goals))
    return out


# -- learning --------------------------------------------------------------------------------


def test_training_on_a_fixed_example_set_halves_the_train_loss(trained):
    _, logs = trained
    assert [log.step for log in logs] == list(range(PROOF_STEPS))
    first = sum(log.train_loss for log in logs[:3]) / 3
    last = sum(log.train_loss for log in logs[-3:]) / 3
    assert last < first / 2, (first, last)


def test_progress_loss_raises_the_goal_set_probability_more_than_training_alone(alpha_runs):
    _, before_0, after_0 = alpha_runs[0.0]
    logs_1, before_1, after_1 = alpha_runs[1.0]
    assert before_0 == before_1  # the same initial model
    gain_without, gain_with = after_0 - before_0, after_1 - before_1
    # Training alone teaches characters the goals share with the examples; the progress
    # loss teaches the goals themselves.
    assert gain_with > gain_without + 50, (gain_without, gain_with)  # nats, over 4 goals
    assert logs_1[-1].progress_loss < logs_1[0].progress_loss * 0.75


def test_both_losses_are_logged_every_step_even_without_progress_weight(alpha_runs):
    for alpha, (logs, _, _) in alpha_runs.items():
        for log in logs:
            assert log.alpha == alpha
            assert math.isfinite(log.train_loss) and math.isfinite(log.progress_loss)
            assert log.loss == pytest.approx(log.train_loss + alpha * log.progress_loss)


def test_alpha_may_follow_a_warm_up_schedule_and_losses_are_logged_unweighted(examples, goals):
    """With one example every batch is that example, so step 0's losses can be recomputed."""
    model = LanguageModel(model_config("tiny"), device="cpu", seed=SEED)
    (example,) = examples[:1]
    with torch.no_grad():
        nll, count = model.completion_nll([(example.prompt, example.completion)])
        train_0 = float(nll) / count
        progress_0 = float(progress_loss(model, goals))

    def warm_up(step: int) -> float:
        return 0.5 * min(1.0, (step + 1) / 3)

    logs = train(model, [example], goals, warm_up, steps=4, batch_size=2, seed=SEED, lr=LR)
    assert [log.alpha for log in logs] == [warm_up(s) for s in range(4)]
    assert logs[0].train_loss == pytest.approx(train_0, rel=1e-5)
    assert logs[0].progress_loss == pytest.approx(progress_0, rel=1e-5)  # not alpha-weighted
    for log in logs:
        assert log.loss == pytest.approx(log.train_loss + log.alpha * log.progress_loss)


def test_same_seed_gives_identical_losses_and_weights_on_cpu(examples, goals):
    runs = []
    for _ in range(2):
        model = LanguageModel(model_config("tiny"), device="cpu", seed=3)
        logs = train(model, examples, goals, 0.5, steps=3, batch_size=4, seed=3, lr=LR)
        runs.append((model, logs))
    (a, logs_a), (b, logs_b) = runs
    assert logs_a == logs_b  # every float identical (no nan: goals are given)
    for (name, pa), pb in zip(a.net.named_parameters(), b.net.parameters()):
        assert torch.equal(pa, pb), name


# -- end to end: a model trained on its own proof proves faster -----------------------------


def test_trained_checkpoint_proves_its_goal_in_fewer_expansions_than_uniform(
    trained, problem, theory, uniform_result, tmp_path, capsys: pytest.CaptureFixture[str]
):
    model, _ = trained
    checkpoint = save_checkpoint(tmp_path / "ckpt", model)

    guided = prove(problem, ModelPolicy(load_checkpoint(checkpoint)), "mcts", budget=100, seed=0)
    assert guided.success
    assert guided.expansions < uniform_result.expansions, (
        guided.expansions, uniform_result.expansions)

    status = main(["prove", GOAL, "--theory", "nat-add", "--model", str(checkpoint),
                   "--budget", "100"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert out.startswith(f"theorem goal : {GOAL} {{")
    verdicts = check_text(out, prelude=theory.text)
    assert verdicts and all(v.ok for v in verdicts)
