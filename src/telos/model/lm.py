"""The language model: a GPT-2-style causal transformer over characters (Hugging Face).

`LanguageModel` wraps `transformers.GPT2LMHeadModel` with the character tokenizer and a device,
and offers the three computations everything else needs, each batched:

- `completion_logprobs(pairs)`: for (prompt, completion) pairs, the log-probability of the
  completion's characters followed by the end marker, given the prompt (policy and value
  scoring); the completions of one prompt are packed as a prefix tree behind it, in one row;
- `next_char_logprobs(texts)`: the distribution of the next character after each text
  (constrained sampling);
- `completion_nll(pairs)`: the summed negative log-likelihood of the completions' tokens and
  their count, with gradients (training).

Rows are right-padded to the longest in a forward pass; passes group rows of similar length,
at most `max_tokens` padded tokens each, so little compute is spent on padding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from .config import ModelConfig
from .tokenizer import EOS, PAD, CharTokenizer


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class Encoded:
    """Token ids of `prompt + completion (+ end marker)` and where the completion starts."""

    ids: list[int]
    start: int  # index of the first completion token


class _PrefixTree:
    """A prompt and the prefix tree of its completions, as one row of tokens to feed.

    Each token of the row has a parent (the token before it in its own text) and a position
    (its parent's + 1). The completions' scores are sums of terms (node, token): the
    log-probability of `token` following the text that ends at `node`. A completion's last
    token is never fed (nothing is predicted from it), only the prefixes that others, or
    the completion's own next token, continue from.
    """

    def __init__(self, prompt: list[int]):
        self.ids = list(prompt)
        self.prompt_length = len(prompt)
        self.positions = list(range(len(prompt)))
        self.parents = list(range(-1, len(prompt) - 1))
        self.terms: list[tuple[int, int]] = []  # (node, token) pairs to score
        self.logprob: list[float] = []  # filled by the forward pass, one per term
        self._child: dict[tuple[int, int], int] = {}
        self._term: dict[tuple[int, int], int] = {}

    def add(self, completion: list[int]) -> list[int]:
        """Insert a completion; the indices of its terms (one per token)."""
        node = self.prompt_length - 1
        out = []
        for k, token in enumerate(completion):
            key = (node, token)
            if key not in self._term:
                self._term[key] = len(self.terms)
                self.terms.append(key)
            out.append(self._term[key])
            if k == len(completion) - 1:
                break
            child = self._child.get(key)
            if child is None:
                child = self._child[key] = len(self.ids)
                self.ids.append(token)
                self.positions.append(self.positions[node] + 1)
                self.parents.append(node)
            node = child
        return out


def _tree_limit(prompt_length: int) -> int:
    """Tree tokens after which a prompt's further completions start a new row.

    A tree token attends to its prompt and to the whole tree of its row (a dense mask), so one
    ever-growing tree costs attention quadratic in its size: scoring 64 conjectures of 150
    characters under one prompt took 10x longer than one row each, 256 of 200 characters 60x.
    A new row costs one more run of the prompt instead. With T tree tokens in rows of R, that
    is T·P/R prompt tokens against T·R attention pairs, least at R = sqrt(k·P) for a token
    worth k pairs; k = 3000 was best among those measured on CPU with `tiny` (64 conjectures
    of 40-200 characters: 0.99 s in one row, 0.12 s so; policy calls on real states: no change
    beyond noise).
    """
    return max(64, math.isqrt(3000 * prompt_length))


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

    @staticmethod
    def _batches(lengths: Sequence[int], max_tokens: int):
        """Index groups of rows of similar length, each within `max_tokens` padded tokens."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        group: list[int] = []
        longest = 0
        for i in order:
            n = lengths[i]
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

        The pairs sharing a prompt (a state's actions, its value query) are scored together
        in one row: the prompt, then the prefix tree of their completions, each token fed
        once and attending only to the prompt and its own ancestors in the tree. So the cost
        is one forward pass over the distinct prompts plus their completions' distinct
        prefixes, and rows of similar length are batched `max_tokens` padded tokens at a time.
        """
        encoded = [self.encode(q[0], q[1], end=q[2] if len(q) > 2 else True) for q in pairs]
        open_trees: dict[tuple[int, ...], _PrefixTree] = {}  # the tree taking a prompt's pairs
        rows: list[_PrefixTree] = []
        terms: list[tuple[_PrefixTree, list[int]]] = []  # each pair's tree and term indices
        for e in encoded:
            prompt = tuple(e.ids[: e.start])
            tree = open_trees.get(prompt)
            if tree is None or len(tree.ids) - tree.prompt_length >= _tree_limit(len(prompt)):
                tree = open_trees[prompt] = _PrefixTree(list(prompt))
                rows.append(tree)
            terms.append((tree, tree.add(e.ids[e.start :])))
        rows = [t for t in rows if t.terms]  # an empty completion needs no pass
        for group in self._batches([len(t.ids) for t in rows], max_tokens):
            self._score_rows([rows[j] for j in group])
        return [sum(tree.logprob[i] for i in term_ids) for tree, term_ids in terms]

    def _score_rows(self, trees: list[_PrefixTree]) -> None:
        """Fill each tree's `logprob` of the (node, next token) terms its completions asked
        for, in two forward passes: the prompts (plain causal attention, which never reaches
        the right padding), then the tree tokens on top of the prompts' keys and values, each
        seeing its own prompt and its ancestors in the tree."""
        rows, prompt_width = len(trees), max(t.prompt_length for t in trees)
        tree_width = max(len(t.ids) - t.prompt_length for t in trees)
        prompt_ids = np.full((rows, prompt_width), PAD, dtype=np.int64)
        tree_ids = np.full((rows, tree_width), PAD, dtype=np.int64)
        positions = np.zeros((rows, tree_width), dtype=np.int64)
        # sees[b, k, j]: tree token k of row b attends to key j (prompt keys, then tree keys).
        sees = np.zeros((rows, tree_width, prompt_width + tree_width), dtype=bool)
        for b, t in enumerate(trees):
            p, n = t.prompt_length, len(t.ids) - t.prompt_length
            prompt_ids[b, :p] = t.ids[:p]
            tree_ids[b, :n] = t.ids[p:]
            positions[b, :n] = t.positions[p:]
            sees[b, :n, :p] = True
            among_tree = sees[b, :, prompt_width:]
            for k in range(n):  # parents come before their children
                parent = t.parents[p + k] - p
                if parent >= 0:
                    among_tree[k] = among_tree[parent]
                among_tree[k, k] = True
            among_tree[range(n, tree_width), range(n, tree_width)] = True  # padding: itself
        # Under causal attention no real token sees the right padding, so nothing needs a
        # mask: all ones lets the attention kernel take its causal fast path.
        prompts = self.net.transformer(
            input_ids=torch.from_numpy(prompt_ids).to(self.device),
            attention_mask=torch.ones(prompt_ids.shape, dtype=torch.long, device=self.device),
            use_cache=tree_width > 0,
        )
        hidden = prompts.last_hidden_state
        if tree_width > 0:
            tree = self.net.transformer(
                input_ids=torch.from_numpy(tree_ids).to(self.device),
                attention_mask=torch.from_numpy(sees).unsqueeze(1).to(self.device),
                position_ids=torch.from_numpy(positions).to(self.device),
                cache=prompts.cache,
                use_cache=False,
            )
            hidden = torch.cat([hidden, tree.last_hidden_state], dim=1)
        # Only the nodes that predict a scored token go through the output layer; a tree
        # node's hidden state sits after the (padded) prompts.
        terms = [
            (b, node if node < t.prompt_length else node - t.prompt_length + prompt_width, token)
            for b, t in enumerate(trees)
            for node, token in t.terms
        ]
        row, node, token = torch.tensor(terms, dtype=torch.long, device=hidden.device).unbind(1)
        logp = torch.log_softmax(self.net.lm_head(hidden[row, node]).float(), dim=-1)
        picked = logp.gather(1, token.unsqueeze(1)).squeeze(1).cpu().tolist()
        start = 0
        for t in trees:
            t.logprob = picked[start : start + len(t.terms)]
            start += len(t.terms)

    @torch.no_grad()
    def completion_logprobs_unshared(
        self, pairs: Sequence[tuple[str, str] | tuple[str, str, bool]], max_tokens: int = 4096
    ) -> list[float]:
        """The same as `completion_logprobs`, one full sequence per pair (the reference the
        shared-prompt version is tested against; slower)."""
        encoded = [self.encode(q[0], q[1], end=q[2] if len(q) > 2 else True) for q in pairs]
        out = [0.0] * len(encoded)
        for group in self._batches([len(e.ids) for e in encoded], max_tokens):
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
        for group in self._batches([len(e.ids) for e in encoded], max_tokens):
            rows = [encoded[i].ids for i in group]
            logits = self._forward(rows).float()
            for b, i in enumerate(group):
                out[i] = torch.log_softmax(logits[b, len(rows[b]) - 1], dim=-1).cpu()
        return out

    # -- training ------------------------------------------------------------------------

    def completion_nll(
        self, pairs: Sequence[tuple[str, str]], max_tokens: int = 4096
    ) -> tuple[torch.Tensor, int]:
        """(summed negative log-likelihood of the completion tokens, their count), with
        gradients; prompt tokens are masked out.

        Rows are grouped by length, at most `max_tokens` padded tokens per forward pass: a
        training batch drawn at random mixes 20- and 300-character examples, and padding all
        of them to the longest made a step 2-3x slower on CPU (tiny, batch 32).
        """
        encoded = [self.encode(p, c) for p, c in pairs]
        total: torch.Tensor | None = None
        count = 0
        for group in self._batches([len(e.ids) for e in encoded], max_tokens):
            token_logp = self._token_logprobs([encoded[i].ids for i in group])
            mask = torch.zeros_like(token_logp)
            for b, i in enumerate(group):
                e = encoded[i]
                mask[b, e.start - 1 : len(e.ids) - 1] = 1.0
            part = -(token_logp * mask).sum()
            total = part if total is None else total + part
            count += int(mask.sum().item())
        if total is None:
            total = torch.zeros((), device=self.device, requires_grad=True)
        return total, count
