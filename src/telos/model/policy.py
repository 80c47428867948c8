"""`ModelPolicy`: the language model as the search's `Policy` (DESIGN, "Policy contract").

For a batch of states with their kept actions, one call scores every (state, action) query
and every value query the cache does not hold, in one batched pass:
- an action's score is log p(action text + end marker | policy prompt); the priors are the
  softmax of the scores over the state's actions;
- the value is P(`Y`) normalised over {`Y`, `N`} after the value prompt.
An LRU cache keyed by query text serves repeated states (the same state reached along
different paths, or re-evaluated by another search).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

from telos.peano import ProofState
from telos.peano.state import Action
from telos.search.policy import Evaluation

from .formats import POLICY_TAG, VALUE_TAG, policy_prompt
from .lm import LanguageModel


class LRUCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._items: OrderedDict[str, float] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> float | None:
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def put(self, key: str, value: float) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class ModelPolicy:
    """Scores actions and states with a `LanguageModel`; implements `telos.search.Policy`."""

    def __init__(self, model: LanguageModel, cache_size: int = 200_000, max_tokens: int = 2048):
        self.model = model
        self.cache = LRUCache(cache_size)
        # Padded tokens per forward pass: small enough that queries are grouped with others
        # of similar length (little padding), large enough to keep the batches wide.
        self.max_tokens = max_tokens
        tok = model.tokenizer
        self._yes, self._no = tok.id_of("Y"), tok.id_of("N")
        self.calls = 0

    def evaluate(
        self, states: Sequence[ProofState], actions: Sequence[Sequence[Action]]
    ) -> list[Evaluation]:
        self.calls += 1
        # The policy and value prompts of a state differ only in their last line (the tag),
        # so both are scored as completions of the state text: the state is run once, and
        # log p(tag + x | state) = log p(tag | state) + log p(x | state + tag), where the
        # first term is the same for every action (it cancels in the softmax) and for Y / N.
        keys_per_state: list[tuple[list[str], str]] = []
        missing: dict[str, tuple[str, str, bool]] = {}
        for state, acts in zip(states, actions):
            texts = [str(a) for a in acts]
            room = max(len(POLICY_TAG) + max(len(t) for t in texts), len(VALUE_TAG) + 1)
            context = policy_prompt(state, completion_room=room)[: -len(POLICY_TAG)]
            keys = []
            for text in texts:
                key = context + POLICY_TAG + text
                keys.append(key)
                if key not in missing and self.cache.get(key) is None:
                    missing[key] = (context, POLICY_TAG + text, True)
            value_key = context + VALUE_TAG
            keys_per_state.append((keys, value_key))
            if value_key not in missing and self.cache.get(value_key) is None:
                missing[value_key + "Y"] = (context, VALUE_TAG + "Y", False)
                missing[value_key + "N"] = (context, VALUE_TAG + "N", False)
        if missing:
            scores = dict(zip(missing, self.model.completion_logprobs(list(missing.values()),
                                                                       self.max_tokens)))
            for key, score in scores.items():
                if key.endswith(VALUE_TAG + "Y") or key.endswith(VALUE_TAG + "N"):
                    continue
                self.cache.put(key, score)
            for _, value_key in keys_per_state:
                if value_key + "Y" in scores:
                    yes, no = scores[value_key + "Y"], scores[value_key + "N"]
                    top = max(yes, no)
                    p_yes = math.exp(yes - top) / (math.exp(yes - top) + math.exp(no - top))
                    self.cache.put(value_key, p_yes)
        out = []
        for keys, value_key in keys_per_state:
            scores_ = [self._cached(k) for k in keys]
            top = max(scores_)
            weights = [math.exp(x - top) for x in scores_]
            total = sum(weights)
            out.append(Evaluation(tuple(w / total for w in weights), self._cached(value_key)))
        return out

    def _cached(self, key: str) -> float:
        value = self.cache._items.get(key)
        if value is None:  # evicted within this very call (tiny cache): recompute
            raise RuntimeError("the policy cache is smaller than one batch; raise cache_size")
        return value
