"""The text formats the model reads and writes (DESIGN, "Shared formats").

Three kinds of training example, `(kind, prompt, completion)`:
- `policy`: prompt = a policy query for a state, completion = an action's text;
- `value`: prompt = a value query for a state, completion = `Y` (provable) or `N`;
- `conjecture`: prompt = `Conj:(<bucket>) `, completion = conjecture text (a normal form).

Policy and value prompts both start from the state text (context, goal, pending action on
three lines) and end with a short tag line (`Action: ` / `Provable: `) so that the model can
tell the two questions apart; the tag is part of the prompt, hence masked out of the loss.
When a query would exceed the context, the context line is cut from the left (marked `…`);
the goal and the pending action are kept whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from telos.peano import ProofState, state_text

from .config import CONTEXT

POLICY_TAG = "\nAction: "
VALUE_TAG = "\nProvable: "
KINDS = ("policy", "value", "conjecture")
# Room kept for the completion (an action text, or one character) and the two markers.
MAX_ACTION_CHARS = 256


@dataclass(frozen=True)
class Example:
    kind: str  # "policy", "value" or "conjecture"
    prompt: str
    completion: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown example kind {self.kind!r}")

    def to_json(self) -> dict:
        return {"kind": self.kind, "prompt": self.prompt, "completion": self.completion}

    @staticmethod
    def from_json(data: dict) -> Example:
        return Example(data["kind"], data["prompt"], data["completion"])


def policy_prompt(state: ProofState | str, completion_room: int = MAX_ACTION_CHARS) -> str:
    return _prompt(state, POLICY_TAG, completion_room)


def value_prompt(state: ProofState | str) -> str:
    return _prompt(state, VALUE_TAG, 1)


def _prompt(state: ProofState | str, tag: str, completion_room: int) -> str:
    budget = CONTEXT - len(tag) - completion_room - 2  # start and end markers
    if isinstance(state, str):
        text = state if len(state) <= budget else _cut_context(state, budget)
    else:
        text = state_text(state, max_chars=budget)
    return text + tag


def _cut_context(text: str, budget: int) -> str:
    """Cut the first (context) line of a state text from the left to fit `budget`."""
    context, _, rest = text.partition("\n")
    room = budget - len(rest) - 1
    if room <= 1:
        return "…\n" + rest
    return "…" + context[len(context) - room + 1 :] + "\n" + rest


def conjecture_prompt(bucket: str = "hard") -> str:
    return f"Conj:({bucket}) "


def policy_example(state: ProofState | str, action: str) -> Example:
    return Example("policy", policy_prompt(state), action)


def value_example(state: ProofState | str, provable: bool) -> Example:
    return Example("value", value_prompt(state), "Y" if provable else "N")


def conjecture_example(conjecture_text: str, bucket: str) -> Example:
    return Example("conjecture", conjecture_prompt(bucket), conjecture_text)
