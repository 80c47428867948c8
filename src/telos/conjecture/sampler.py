"""Constrained conjecture sampling: the language model writes conjecture text character by
character, the completion engine (`grammar.py`) deciding which characters are legal.

For each sample, repeatedly:
- characters the grammar forces (a single legal next character) are appended without asking
  the model — a forced run such as `('a1 : ` or the `nat` of `(= nat` costs no forward pass;
- otherwise the model's next-character distribution (`next_char_logprobs` after the prompt
  `Conj:(<bucket>) ` and the text so far) is restricted to the legal characters (the end
  marker standing for "stop here" where the text is complete), divided by the temperature,
  renormalised, and one character is drawn (temperature 0: the most likely one).
All unfinished samples of a batch share one model call per step. A sample whose text would
exceed `max_chars` is discarded and counted. Finished samples are de-duplicated (the first of
each text is kept) and re-checked: the statement must pass the kernel's strict
`check_statement`, the text must print as itself and be its own normal form. A failure there
is a bug of the grammar; it is logged and the sample dropped and counted.

Log-probability (SPEC §5.1): that of the whole conjecture text after the prompt, forced
characters included, computed at the end with `completion_logprobs([(prompt, text)])`, which
also counts the end marker (the model's probability of stopping there). It is the model's
own probability, not the constrained sampling distribution.

Randomness: sample i draws from its own `random.Random` seeded with `f"{seed}/{i}"`, so a run
is reproducible under its seed.
"""

from __future__ import annotations

import logging
import math
import random
import time
from dataclasses import dataclass, field

from telos.model import conjecture_prompt
from telos.model.tokenizer import EOS
from telos.peano import Derivation, check_statement, normal_form, parse_term

from .grammar import DEFAULT_MAX_BINDERS, DEFAULT_MAX_DEPTH, END, Cursor, Grammar
from .statement import statement_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Conjecture:
    """One sampled conjecture."""

    text: str  # conjecture text: the normal form (SPEC §5.1)
    statement: str  # its statement, to be proved (contracted, unused binders unnamed)
    logprob: float  # log p(text + end marker | prompt) under the model


@dataclass
class ConjectureBatch:
    """The distinct, re-checked conjectures of one call, and what happened to the others."""

    conjectures: list[Conjecture] = field(default_factory=list)
    requested: int = 0
    finished: int = 0  # samples that completed (duplicates and rejected ones included)
    discarded: int = 0  # samples that reached `max_chars` without completing
    duplicates: int = 0  # finished samples equal to an earlier one
    rejected: int = 0  # finished samples failing the re-check (a bug, logged)
    seconds: float = 0.0  # wall time of the whole call

    @property
    def per_second(self) -> float:
        return len(self.conjectures) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Slot:
    index: int
    cursor: Cursor
    rng: random.Random
    done: bool = False


def sample_conjectures(
    model,
    derivation: Derivation,
    n: int,
    bucket: str = "hard",
    temperature: float = 1.0,
    max_chars: int = 256,
    seed: int = 0,
    batch_size: int = 64,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_binders: int = DEFAULT_MAX_BINDERS,
    grammar: Grammar | None = None,
) -> ConjectureBatch:
    """Sample `n` conjectures from `model` (a `telos.model.LanguageModel`) in `derivation`.

    At most `batch_size` samples are in flight at once (one model call per step for all of
    them). `grammar` may be given to reuse a grammar's caches across calls (it must be of
    `derivation`); otherwise one is built with `max_depth` and `max_binders`.
    """
    start = time.perf_counter()
    if grammar is None:
        grammar = Grammar(derivation, max_depth=max_depth, max_binders=max_binders)
    prompt = conjecture_prompt(bucket)
    out = ConjectureBatch(requested=n)
    texts: dict[int, str] = {}  # finished samples by index
    queue = list(range(n - 1, -1, -1))  # popped from the end: index order
    active: list[_Slot] = []
    while queue or active:
        while queue and len(active) < batch_size:
            i = queue.pop()
            active.append(_Slot(i, grammar.cursor(), random.Random(f"{seed}/{i}")))
        choosing: list[tuple[_Slot, list[str]]] = []
        for slot in active:
            legal = _advance_forced(slot, max_chars)
            if legal == [END]:
                texts[slot.index] = slot.cursor.text
                slot.done = True
            elif not legal:
                out.discarded += 1
                slot.done = True
            else:
                choosing.append((slot, legal))
        if choosing:
            logp = model.next_char_logprobs([prompt + s.cursor.text for s, _ in choosing])
            for row, (slot, legal) in enumerate(choosing):
                ids = [EOS if ch == END else model.tokenizer.id_of(ch) for ch in legal]
                ch = legal[_draw(logp[row, ids].tolist(), temperature, slot.rng)]
                if ch == END:
                    texts[slot.index] = slot.cursor.text
                    slot.done = True
                    continue
                slot.cursor = slot.cursor.feed(ch)
                if len(slot.cursor.text) > max_chars:
                    out.discarded += 1
                    slot.done = True
        active = [s for s in active if not s.done]
    out.finished = len(texts)
    kept = _recheck(derivation, [texts[i] for i in sorted(texts)], out)
    if kept:
        logprobs = model.completion_logprobs([(prompt, text) for text, _ in kept])
        out.conjectures = [
            Conjecture(text, statement, float(lp)) for (text, statement), lp in zip(kept, logprobs)
        ]
    out.seconds = time.perf_counter() - start
    return out


def _advance_forced(slot: _Slot, max_chars: int) -> list[str]:
    """Append the forced characters; return the sorted legal characters at the next choice
    (`[END]` alone: the text is finished; `[]`: it went over `max_chars`)."""
    while True:
        legal = slot.cursor.legal()
        if len(legal) != 1:
            return sorted(legal)
        (ch,) = legal
        if ch == END:
            return [END]
        slot.cursor = slot.cursor.feed(ch)
        if len(slot.cursor.text) > max_chars:
            return []


def _draw(scores: list[float], temperature: float, rng: random.Random) -> int:
    """Index drawn from softmax(scores / temperature); the arg-max at temperature 0."""
    if temperature <= 0:
        return max(range(len(scores)), key=lambda j: scores[j])
    scaled = [s / temperature for s in scores]
    top = max(scaled)
    if top == -math.inf:
        return rng.randrange(len(scores))
    weights = [math.exp(s - top) for s in scaled]
    r = rng.random() * sum(weights)
    for j, w in enumerate(weights):
        r -= w
        if r < 0:
            return j
    return len(weights) - 1


def _recheck(d: Derivation, texts: list[str], out: ConjectureBatch) -> list[tuple[str, str]]:
    """De-duplicate (first kept) and re-check; returns (text, statement) pairs."""
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for text in texts:
        if text in seen:
            out.duplicates += 1
            continue
        seen.add(text)
        try:
            statement = statement_text(text)
            term = check_statement(d, statement)
            if str(parse_term(text)) != text:
                raise ValueError("the text does not print as itself")
            if str(normal_form(d, term)) != text:
                raise ValueError(f"the text is not the normal form {normal_form(d, term)}")
        except Exception as e:  # any failure here is a grammar bug
            logger.error("sampled conjecture %r fails the re-check: %s", text, e)
            out.rejected += 1
            continue
        kept.append((text, statement))
    return kept
