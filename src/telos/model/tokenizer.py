"""A character-level tokenizer with a fixed vocabulary.

Peano text is ASCII (atoms, brackets, `'`, spaces), plus the newlines of state text and the
`…` that marks a truncated context. One token per character keeps the constrained decoder of
`telos.conjecture` simple: a legal next character is a legal next token.
"""

from __future__ import annotations

from dataclasses import dataclass

PAD, EOS, UNK = 0, 1, 2  # EOS is the end marker after every completion
_SPECIALS = 3
_CHARS = "\n…" + "".join(chr(c) for c in range(32, 127))


@dataclass(frozen=True)
class CharTokenizer:
    """`encode` maps each character to one id (unknown characters to UNK); `decode` inverts."""

    chars: str = _CHARS

    @property
    def vocab_size(self) -> int:
        return _SPECIALS + len(self.chars)

    def encode(self, text: str) -> list[int]:
        index = self._index
        return [index.get(ch, UNK) for ch in text]

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i - _SPECIALS] for i in ids if i >= _SPECIALS)

    def id_of(self, ch: str) -> int:
        return self._index.get(ch, UNK)

    @property
    def _index(self) -> dict[str, int]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {ch: i + _SPECIALS for i, ch in enumerate(self.chars)}
            object.__setattr__(self, "_index_cache", cached)
        return cached
