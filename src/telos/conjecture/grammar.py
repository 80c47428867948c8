"""The completion engine: which characters may follow a prefix of conjecture text.

Conjecture text is the normal form of SPEC §5.1 and this engine implements the sampler's
grammar of §5 with the §5.1 extensions, every node carrying a target type:

    Conjecture := Value(prop)
    Value(T)   := Atom(T) | "(" f " " Value(T_1) " " … " " Value(T_n) ")"  | Arrow   (if T = prop)
    Atom(T)    := theory constants of type T | binders in scope declared with type T
    Arrow      := "[" Decl " -> " { Decl " -> " } Value(prop) "]"
    Decl       := "(" 'aK " : " ( B | Value(prop) ) ")"      ('aK forced, K = declarations so far)

- `f` ranges over the arrows whose output is T (`arrows_with_target_type`); argument i targets
  the i-th input type of f with the earlier dependent parameters replaced by the chosen
  arguments, so `= : [('t : type) -> 't -> 't -> prop]` gives `(= nat a b)`. A dependent
  argument (one a later input mentions, like `'t`) is a theory constant: `nat`, `G` — never
  the sorts `type` / `prop` (`vocabulary.py`).
- B, the type of a binder, is one of the theory's binder types (`default_binder_types`: its
  declared types such as `nat` or `G`, and `prop` where propositions are objects of the
  theory); a Decl whose type is a Value(prop) is a hypothesis. Only binders (not hypotheses)
  are ever used as atoms. No binder of function type, no application headed by a binder.
- Exact spacing is the kernel's printing (SPEC §2.11), so `str(parse_term(text)) == text`.

Termination and dead ends: every Value carries a depth budget (an application or an arrow
spends one level; its arguments, declarations and output get what is left; at 0 only atoms
remain) and the whole conjecture at most `max_binders` declarations. An alternative is offered
only when the whole rest of the conjecture can still be completed within both limits: each
pending task knows the least number of declarations it needs (infinite when its depth budget
cannot be met), computed exactly and memoised, so no prefix the engine accepts is a dead end.
Defaults: depth 5, the least that admits every golden goal (the deepest,
`[('a0 : nat) -> (= nat (* (s z) (s 'a0)) (+ (s z) (* (s z) 'a0)))]`, needs 5), and 6
binders, one more than any golden goal declares.

The engine is a small nondeterministic machine: a configuration is (pending literal, stack of
tasks, declarations used); a prefix is accepted when some configuration survives it, and its
legal next characters are the first characters of the surviving pending literals. `END`
stands for "the conjecture may stop here".
"""

from __future__ import annotations

from dataclasses import dataclass

from telos.peano import Derivation

from .vocabulary import PROP, Head, Vocabulary

END = "\0"  # the pseudo-character "stop here" among the legal next characters
INF = float("inf")

DEFAULT_MAX_DEPTH = 5
DEFAULT_MAX_BINDERS = 6

# Tasks are tuples whose first item names the kind:
#   ("L", text)                              a literal
#   ("V", target, depth, scope, types)       a value of type `target`
#   ("A", head, i, chosen, depth, scope, types)   arguments i.. of an application, then ")"
#   ("D", head, i, chosen, depth, scope, types)   a dependent argument i (a theory constant)
#   ("E", head, i, chosen, depth, scope, types)   after argument i: " " and the next, or ")"
#   ("DECL", depth, scope, types)            a declaration "('aK : " …
#   ("DT", depth, scope, types, name)        … its type: a binder type or a hypothesis
#   ("DE", depth, scope, types)              … ") -> " (scope/types: after the declaration)
#   ("AR", depth, scope, types)              another declaration, or the output and "]"
#   ("F",)                                   the end of the conjecture
# `scope` is a tuple of (binder name, binder type); `types` the frozenset of those types.
# A stack is a linked list of nodes (task, below, cost): cost is the least number of
# declarations needed to finish the task and everything below it.

Node = tuple  # (task, below: Node | None, cost: float)
Config = tuple  # (pending literal: str, next: Node | None, declarations used: int)


@dataclass(frozen=True)
class Completion:
    """What may follow a prefix: whether it is a complete conjecture and the next characters
    (without `END`)."""

    complete: bool
    next_chars: frozenset[str]


class Grammar:
    """The conjecture grammar of one theory; `cursor()` starts a prefix."""

    def __init__(
        self,
        derivation: Derivation,
        max_depth: int = DEFAULT_MAX_DEPTH,
        max_binders: int = DEFAULT_MAX_BINDERS,
        binder_types: tuple[str, ...] | None = None,
    ):
        self.vocabulary = Vocabulary(derivation, binder_types)
        self.max_depth = max_depth
        self.max_binders = max_binders
        self._value_cost: dict[tuple, float] = {}
        self._args_cost: dict[tuple, float] = {}
        self._decl_cost: dict[tuple, float] = {}
        self._rest_cost: dict[tuple, float] = {}
        root = self._push(("V", PROP, max_depth, (), frozenset()), self._push(("F",), None))
        if root[2] > max_binders:
            raise ValueError(
                f"the theory has no proposition within depth {max_depth} and {max_binders} binders"
            )
        configs: list[Config] = []
        self._expand(root, 0, configs)
        self._start = tuple(configs)

    # -- public ----------------------------------------------------------------------------

    def cursor(self, prefix: str = "") -> Cursor:
        """A cursor after `prefix`; ValueError when the prefix is not legal."""
        c = Cursor(self, "", self._start)
        for ch in prefix:
            c = c.feed(ch)
        return c

    def completion(self, prefix: str) -> Completion | None:
        """Whether `prefix` is complete and its legal next characters; None when illegal."""
        try:
            c = self.cursor(prefix)
        except ValueError:
            return None
        legal = c.legal()
        return Completion(END in legal, frozenset(legal - {END}))

    def accepts(self, text: str) -> bool:
        """`text` is a complete conjecture of this grammar."""
        found = self.completion(text)
        return found is not None and found.complete

    # -- costs: the least number of declarations that completes a task ----------------------

    def value_cost(self, target: str, depth: int, types: frozenset[str]) -> float:
        key = (target, depth, types)
        found = self._value_cost.get(key)
        if found is not None:
            return found
        v = self.vocabulary
        best = INF
        if target in types or v.atoms(target):
            best = 0
        elif depth >= 1:
            for head in v.heads(target):
                best = min(best, self.args_cost(head, 0, (), depth - 1, types))
            if target == PROP:
                best = min(best, self.decl_cost(depth - 1, types))
        self._value_cost[key] = best
        return best

    def args_cost(
        self, head: Head, i: int, chosen: tuple, depth: int, types: frozenset[str]
    ) -> float:
        if i == head.arity:
            return 0
        key = (head.name, i, chosen, depth, types)
        found = self._args_cost.get(key)
        if found is not None:
            return found
        target = self.vocabulary.input_target(head, i, chosen)
        if head.dependent[i]:
            best = INF
            for atom in self.vocabulary.atoms(target):
                extended = (*chosen, (head.params[i], atom))
                best = min(best, self.args_cost(head, i + 1, extended, depth, types))
        else:
            best = self.value_cost(target, depth, types)
            if best < INF:
                best += self.args_cost(head, i + 1, chosen, depth, types)
        self._args_cost[key] = best
        return best

    def decl_cost(self, depth: int, types: frozenset[str]) -> float:
        """A declaration and the rest of its arrow."""
        return 1 + self.decl_type_cost(depth, types)

    def decl_type_cost(self, depth: int, types: frozenset[str]) -> float:
        """A declaration's type and the rest of its arrow. Exact fixpoint of: a new binder
        type b costs rest(types ∪ {b}); a binder type already in scope costs rest(types); a
        hypothesis costs value(prop) + rest(types); and rest = min(value(prop), decl)."""
        key = (depth, types)
        found = self._decl_cost.get(key)
        if found is not None:
            return found
        value = self.value_cost(PROP, depth, types)
        best = 2 * value
        if types:
            best = min(best, value)
        for b in self.vocabulary.binder_types:
            if b not in types:
                best = min(best, self.rest_cost(depth, types | {b}))
        self._decl_cost[key] = best
        return best

    def rest_cost(self, depth: int, types: frozenset[str]) -> float:
        """After a declaration's ` -> `: another declaration or the output."""
        key = (depth, types)
        found = self._rest_cost.get(key)
        if found is None:
            found = min(self.value_cost(PROP, depth, types), self.decl_cost(depth, types))
            self._rest_cost[key] = found
        return found

    def _task_cost(self, task: tuple) -> float:
        kind = task[0]
        if kind == "V":
            return self.value_cost(task[1], task[2], task[4])
        if kind == "A":
            return self.args_cost(task[1], task[2], task[3], task[4], task[6])
        if kind == "D":
            return self.args_cost(task[1], task[2], task[3], task[4], task[6])
        if kind == "E":
            return self.args_cost(task[1], task[2] + 1, task[3], task[4], task[6])
        if kind == "DECL":
            return self.decl_cost(task[1], task[3])
        if kind == "DT":
            return self.decl_type_cost(task[1], task[3])
        if kind == "DE" or kind == "AR":
            return self.rest_cost(task[1], task[3])
        return 0  # "L", "F"

    def _push(self, task: tuple, below: Node | None) -> Node:
        return (task, below, self._task_cost(task) + (0 if below is None else below[2]))

    # -- expansion: the configurations a task opens ------------------------------------------

    def _expand(self, node: Node, k: int, out: list[Config]) -> None:
        """Append to `out` the feasible configurations that start `node`, with `k`
        declarations used so far."""
        task, below, _ = node
        kind = task[0]
        room = self.max_binders - k
        if kind == "L":
            out.append((task[1], below, k))
        elif kind == "V":
            self._expand_value(task, below, k, room, out)
        elif kind == "A":
            head, i, chosen, depth, scope, types = task[1:]
            if i == head.arity:
                out.append((")", below, k))
            elif head.dependent[i]:
                self._expand(self._push(("D", *task[1:]), below), k, out)
            else:
                target = self.vocabulary.input_target(head, i, chosen)
                after = self._push(("E", *task[1:]), below)
                self._expand(self._push(("V", target, depth, scope, types), after), k, out)
        elif kind == "D":
            head, i, chosen, depth, scope, types = task[1:]
            for atom in self.vocabulary.atoms(self.vocabulary.input_target(head, i, chosen)):
                extended = (*chosen, (head.params[i], atom))
                nxt = self._push(("E", head, i, extended, depth, scope, types), below)
                if nxt[2] <= room:
                    out.append((atom, nxt, k))
        elif kind == "E":
            head, i, chosen, depth, scope, types = task[1:]
            if i + 1 == head.arity:
                out.append((")", below, k))
            else:
                nxt = self._push(("A", head, i + 1, chosen, depth, scope, types), below)
                out.append((" ", nxt, k))
        elif kind == "DECL":
            depth, scope, types = task[1:]
            name = f"'a{k}"
            nxt = self._push(("DT", depth, scope, types, name), below)
            if nxt[2] <= room - 1:
                out.append((f"({name} : ", nxt, k + 1))
        elif kind == "DT":
            depth, scope, types, name = task[1:]
            for b in self.vocabulary.binder_types:
                nxt = self._push(("DE", depth, (*scope, (name, b)), types | {b}), below)
                if nxt[2] <= room:
                    out.append((b, nxt, k))
            after = self._push(("DE", depth, scope, types), below)  # a hypothesis
            hypothesis = self._push(("V", PROP, depth, scope, types), after)
            if hypothesis[2] <= room:
                self._expand(hypothesis, k, out)
        elif kind == "DE":
            out.append((") -> ", self._push(("AR", *task[1:]), below), k))
        elif kind == "AR":
            depth, scope, types = task[1:]
            decl = self._push(("DECL", depth, scope, types), below)
            if decl[2] <= room:
                self._expand(decl, k, out)
            output = self._push(("V", PROP, depth, scope, types), self._push(("L", "]"), below))
            if output[2] <= room:
                self._expand(output, k, out)
        else:  # "F"
            out.append((END, None, k))

    def _expand_value(
        self, task: tuple, below: Node | None, k: int, room: float, out: list[Config]
    ) -> None:
        _, target, depth, scope, types = task
        rest = 0 if below is None else below[2]
        if rest > room:
            return
        v = self.vocabulary
        for atom in v.atoms(target):
            out.append((atom, below, k))
        for name, binder_type in scope:
            if binder_type == target:
                out.append((name, below, k))
        if depth < 1:
            return
        for head in v.heads(target):
            nxt = self._push(("A", head, 0, (), depth - 1, scope, types), below)
            if nxt[2] <= room:
                out.append((f"({head.name} ", nxt, k))
        if target == PROP:
            nxt = self._push(("DECL", depth - 1, scope, types), below)
            if nxt[2] <= room:
                out.append(("[", nxt, k))


class Cursor:
    """A prefix of conjecture text and the grammar configurations that survive it.

    Immutable: `feed` returns a new cursor. After `feed(END)` the cursor is `finished`.
    """

    __slots__ = ("grammar", "text", "configs", "finished")

    def __init__(
        self, grammar: Grammar, text: str, configs: tuple[Config, ...], finished: bool = False
    ):
        self.grammar = grammar
        self.text = text
        self.configs = configs
        self.finished = finished

    def legal(self) -> set[str]:
        """The legal next characters, `END` among them when the text may stop here."""
        return {c[0][0] for c in self.configs}

    @property
    def complete(self) -> bool:
        """The text so far is a complete conjecture (it may still go on)."""
        return any(c[0] == END for c in self.configs)

    def feed(self, ch: str) -> Cursor:
        """The cursor after one more character (`END` to finish); ValueError if illegal."""
        if ch == END:
            if not self.complete:
                raise ValueError(f"{self.text!r} is not a complete conjecture")
            return Cursor(self.grammar, self.text, (), True)
        out: list[Config] = []
        expand = self.grammar._expand
        for pending, nxt, k in self.configs:
            if pending[0] != ch:
                continue
            if len(pending) > 1:
                out.append((pending[1:], nxt, k))
            else:
                expand(nxt, k, out)
        if not out:
            raise ValueError(f"{ch!r} cannot follow {self.text!r}")
        return Cursor(self.grammar, self.text + ch, tuple(out))

    def forced(self) -> str:
        """The characters that must follow (stopping before a choice or `END`)."""
        run: list[str] = []
        c = self
        while True:
            legal = c.legal()
            if len(legal) != 1:
                break
            (ch,) = legal
            if ch == END:
                break
            run.append(ch)
            c = c.feed(ch)
        return "".join(run)
