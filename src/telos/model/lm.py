"""The language model: a GPT-2-style causal transformer over characters (Hugging Face).

`LanguageModel` wraps `transformers.GPT2LMHeadModel` with the character tokenizer and a device,
and offers the three computations everything else needs, each batched:

- `completion_logprobs(pairs)`: for (prompt, completion) pairs, the log-probability of the
  completion's characters followed by the end marker, given the prompt (policy scoring);
- `next_char_logprobs(texts)`: the distribution of the next character after each text
  (value queries and constrained sampling);
- `losses(batch)`: the per-sequence summed negative log-likelihood of completions and their
  token counts, with gradients (training).

Sequences are right-padded to the longest in a micro-batch; micro-batches group sequences of
similar length so little compute is spent on padding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel

from .config import ModelConfig
from .tokenizer import EOS, PAD, CharTokenizer


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class Encoded:
    """Token ids of `prompt + completion (+ end marker)` and where the completion starts."""

    ids: list[int]
    start: int  # index of the first completion token


class LanguageModel:
    def __init__(
        self,
        config: ModelConfig,
        device: torch.device | str | None = None,
        seed: int | None = None,
    ):
        self.config = config
        self.tokenizer = CharTokenizer()
        self.device = torch.device(device) if device is not None else default_device()
        hf = GPT2Config(
            vocab_size=self.tokenizer.vocab_size,
            n_positions=config.n_positions,
            n_embd=config.n_embd,
            n_layer=config.n_layer,
            n_head=config.n_head,
            resid_pdrop=config.dropout,
            embd_pdrop=config.dropout,
            attn_pdrop=config.dropout,
            bos_token_id=EOS,
            eos_token_id=EOS,
            pad_token_id=PAD,
            # GPT-2's tanh GELU, computed by one native kernel instead of five tensor ops.
            activation_function="gelu_pytorch_tanh",
        )
        if seed is not None:
            torch.manual_seed(seed)
        self.net = GPT2LMHeadModel(hf).to(self.device)
        self.net.eval()

    # -- encoding ------------------------------------------------------------------------

    def encode(self, prompt: str, completion: str, end: bool = True) -> Encoded:
        """Ids of [start marker] + prompt + completion (+ end marker), the prompt cut from the
        left to fit the context. The end marker doubles as the start marker, so even the first
        character of a text with an empty prompt is predicted."""
        p = self.tokenizer.encode(prompt)
        c = self.tokenizer.encode(completion) + ([EOS] if end else [])
        limit = self.config.n_positions - 1
        if len(p) + len(c) > limit:
            # Callers truncate state text first (DESIGN); this only guards the model.
            p = p[len(p) + len(c) - limit :] if len(c) < limit else []
            c = c[:limit]
        return Encoded([EOS] + p + c, 1 + len(p))

    def _batches(self, encoded: Sequence[Encoded], max_tokens: int):
        """Index groups of similar length, each within `max_tokens` padded tokens."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        group: list[int] = []
        longest = 0
        for i in order:
            n = len(encoded[i].ids)
            if group and max(longest, n) * (len(group) + 1) > max_tokens:
                yield group
                group, longest = [], 0
            group.append(i)
            longest = max(longest, n)
        if group:
            yield group

    def _forward(self, rows: list[list[int]]) -> torch.Tensor:
        """Logits (B, T, V) for right-padded rows."""
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), PAD, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for b, r in enumerate(rows):
            ids[b, : len(r)] = torch.tensor(r, dtype=torch.long)
            mask[b, : len(r)] = 1
        out = self.net(input_ids=ids.to(self.device), attention_mask=mask.to(self.device))
        return out.logits

    def _token_logprobs(self, rows: list[list[int]]) -> torch.Tensor:
        """(B, T-1): log p(token t+1 | tokens ≤ t) for each row (padding positions junk)."""
        logits = self._forward(rows)
        logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
        width = logits.shape[1]
        targets = torch.full((len(rows), width), PAD, dtype=torch.long)
        for b, r in enumerate(rows):
            targets[b, : len(r)] = torch.tensor(r, dtype=torch.long)
        targets = targets[:, 1:].to(logp.device)
        return logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)

    # -- inference -----------------------------------------------------------------------

    @torch.no_grad()
    def completion_logprobs(
        self, pairs: Sequence[tuple[str, str] | tuple[str, str, bool]], max_tokens: int = 4096
    ) -> list[float]:
        """log p(completion + end marker | prompt) for each pair, in order (a third element
        False leaves the end marker out).

        Each distinct prompt is run once; its keys and values are then reused for all of its
        completions (a state's actions share its prompt), so the cost is one pass over the
        prompts plus one over the completions, batched across states.
        """
        encoded = [self.encode(q[0], q[1], end=q[2] if len(q) > 2 else True) for q in pairs]
        prompts: dict[tuple[int, ...], int] = {}
        prompt_of = []
        for e in encoded:
            key = tuple(e.ids[: e.start])
            prompt_of.append(prompts.setdefault(key, len(prompts)))
        prompt_rows = [list(k) for k in prompts]
        by_prompt: list[list[int]] = [[] for _ in prompt_rows]
        for i, j in enumerate(prompt_of):
            by_prompt[j].append(i)
        out = [0.0] * len(encoded)
        prompt_encoded = [Encoded(r, len(r)) for r in prompt_rows]
        for group in self._batches(prompt_encoded, max_tokens):
            rows = [prompt_rows[j] for j in group]
            members = [i for j in group for i in by_prompt[j]]
            self._score_completions(rows, group, members, encoded, prompt_of, out, max_tokens)
        return out

    def _score_completions(self, rows, group, members, encoded, prompt_of, out, max_tokens):
        """Run the prompts `rows` once with a cache, then score the completions `members`."""
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), PAD, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for b, r in enumerate(rows):  # right-padded: no row is ever fully masked
            ids[b, : len(r)] = torch.tensor(r, dtype=torch.long)
            mask[b, : len(r)] = 1
        result = self.net(
            input_ids=ids.to(self.device), attention_mask=mask.to(self.device), use_cache=True
        )
        lengths = torch.tensor([len(r) for r in rows])
        last = torch.log_softmax(
            result.logits[torch.arange(len(rows)), lengths.to(self.device) - 1].float(), dim=-1
        ).cpu()  # (S, V): the distribution of each completion's first token
        cache = result.past_key_values
        row_of = {j: b for b, j in enumerate(group)}
        # Completions in chunks that fit the token budget, each with its rows of the cache.
        chunk: list[int] = []
        longest = 0
        for i in sorted(members, key=lambda i: len(encoded[i].ids) - encoded[i].start):
            n = width + len(encoded[i].ids) - encoded[i].start
            if chunk and max(longest, n) * (len(chunk) + 1) > max_tokens:
                self._score_chunk(chunk, encoded, prompt_of, row_of, cache, mask, lengths,
                                  last, out)
                chunk, longest = [], 0
            chunk.append(i)
            longest = max(longest, n)
        if chunk:
            self._score_chunk(chunk, encoded, prompt_of, row_of, cache, mask, lengths, last, out)

    def _score_chunk(self, chunk, encoded, prompt_of, row_of, cache, mask, lengths, last, out):
        rows_idx = torch.tensor([row_of[prompt_of[i]] for i in chunk], dtype=torch.long)
        completions = [encoded[i].ids[encoded[i].start :] for i in chunk]
        # An empty completion (no end marker either) has probability 1.
        first = torch.tensor([c[0] if c else PAD for c in completions], dtype=torch.long)
        first_logp = last[rows_idx, first] * torch.tensor([1.0 if c else 0.0 for c in completions])
        rest = [c[1:] for c in completions]
        width = max(len(r) for r in rest)
        totals = first_logp.clone()
        if width > 0:
            # The completion tokens but the last are fed; each predicts the next one.
            feed = [c[:-1] for c in completions]  # (empty for an empty completion)
            ids = torch.full((len(chunk), width), PAD, dtype=torch.long)
            new_mask = torch.zeros((len(chunk), width), dtype=torch.long)
            targets = torch.full((len(chunk), width), PAD, dtype=torch.long)
            for b, (f, r) in enumerate(zip(feed, rest)):
                ids[b, : len(f)] = torch.tensor(f, dtype=torch.long)
                new_mask[b, : len(f)] = 1
                targets[b, : len(r)] = torch.tensor(r, dtype=torch.long)
            selected = DynamicCache()
            for layer_index, layer in enumerate(cache.layers):
                selected.update(
                    layer.keys[rows_idx.to(self.device)],
                    layer.values[rows_idx.to(self.device)],
                    layer_index,
                )
            full_mask = torch.cat([mask[rows_idx], new_mask], dim=1)
            positions = lengths[rows_idx].unsqueeze(1) + torch.arange(width).unsqueeze(0)
            # Real tokens fit the context (`encode` cuts prompts); padding past it is masked
            # out, but its position must still exist.
            positions = positions.clamp(max=self.config.n_positions - 1)
            logits = self.net(
                input_ids=ids.to(self.device),
                attention_mask=full_mask.to(self.device),
                position_ids=positions.to(self.device),
                past_key_values=selected,
                use_cache=False,
            ).logits
            logp = torch.log_softmax(logits.float(), dim=-1).cpu()
            token_logp = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1) * new_mask
            totals = totals + token_logp.sum(dim=1)
        for b, i in enumerate(chunk):
            out[i] = float(totals[b])

    @torch.no_grad()
    def completion_logprobs_unshared(
        self, pairs: Sequence[tuple[str, str]], max_tokens: int = 4096
    ) -> list[float]:
        """The same as `completion_logprobs`, one full sequence per pair (the reference the
        shared-prompt version is tested against; slower)."""
        encoded = [self.encode(p, c) for p, c in pairs]
        out = [0.0] * len(encoded)
        for group in self._batches(encoded, max_tokens):
            rows = [encoded[i].ids for i in group]
            token_logp = self._token_logprobs(rows).cpu()
            for b, i in enumerate(group):
                e = encoded[i]
                out[i] = float(token_logp[b, e.start - 1 : len(e.ids) - 1].sum())
        return out

    @torch.no_grad()
    def next_char_logprobs(self, texts: Sequence[str], max_tokens: int = 4096) -> torch.Tensor:
        """(B, V) log-probabilities of the next token after each text (on the CPU)."""
        encoded = [self.encode(t, "", end=False) for t in texts]
        out = torch.empty((len(texts), self.tokenizer.vocab_size))
        for group in self._batches(encoded, max_tokens):
            rows = [encoded[i].ids for i in group]
            logits = self._forward(rows).float()
            for b, i in enumerate(group):
                out[i] = torch.log_softmax(logits[b, len(rows[b]) - 1], dim=-1).cpu()
        return out

    # -- training ------------------------------------------------------------------------

    def completion_nll(self, pairs: Sequence[tuple[str, str]]) -> tuple[torch.Tensor, int]:
        """(summed negative log-likelihood of the completion tokens, their count), with
        gradients; prompt tokens are masked out."""
        encoded = [self.encode(p, c) for p, c in pairs]
        rows = [e.ids for e in encoded]
        token_logp = self._token_logprobs(rows)
        mask = torch.zeros_like(token_logp)
        for b, e in enumerate(encoded):
            mask[b, e.start - 1 : len(e.ids) - 1] = 1.0
        return -(token_logp * mask).sum(), int(mask.sum().item())
