"""`telos prove "GOAL" --theory NAME [--search S] [--budget N] [--seed S] [--model CKPT]`."""

from __future__ import annotations

import sys

from telos.peano import PeanoError, check_statement, load_theory_text
from telos.theories import UnknownTheoryError, load_theory

from . import EXIT_FAILED, EXIT_OK, unusable


def cmd_prove(
    goal: str, theory_name: str, search: str, budget: int, seed: int, model: str | None = None
) -> int:
    from tqdm import tqdm

    from telos.search import Problem, UniformPolicy, prove

    try:
        theory = load_theory(theory_name)
        # Checked here, against the text as given, so that a position names its column.
        check_statement(load_theory_text(theory.text), goal, file="GOAL")
    except UnknownTheoryError as e:
        return unusable(str(e).strip("'\""))
    except PeanoError as e:
        return unusable(e.located())
    policy = UniformPolicy()
    if model is not None:
        from telos.model import CheckpointError, ModelPolicy, load_checkpoint

        try:
            policy = ModelPolicy(load_checkpoint(model))
        except CheckpointError as e:
            return unusable(str(e))
    problem = Problem(theory.text, theory.premises, goal.strip(), name="goal")
    # The bar appears only when the search runs over a second (tqdm's `delay`).
    with tqdm(total=budget, desc="expansions", unit="node", delay=1.0, file=sys.stderr,
              leave=False) as bar:
        def on_step(expansions: int, finished: int) -> None:
            bar.update(min(expansions, budget) - bar.n)

        try:
            result = prove(problem, policy, search, budget, seed, on_step=on_step)
        except PeanoError as e:  # e.g. a state too deep to print for the policy
            return unusable(e.located())
    if result.success:
        print(result.proof, end="")
        return EXIT_OK
    print(f"no proof within {budget} nodes")
    return EXIT_FAILED
