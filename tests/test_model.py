"""`telos.model`: sizes, tokenizer, text formats, batched scoring, `ModelPolicy`, checkpoints.

The character-level GPT-2 plays policy, value and conjecturer. These tests pin down its
contracts (DESIGN, "Shared formats"):

- named sizes with a 1,024-character context, on CUDA when there is one;
- one token per character; the prompts of the three example kinds, and the cut of a state's
  context line (from the left, marked `…`) when a query would not fit the context;
- shared-prompt scoring (`completion_logprobs`, a prefix tree per prompt) equals
  full-sequence scoring;
- `ModelPolicy` honours the Policy contract, is exactly "softmax of action log-probabilities"
  and "P(Y) normalised over {Y, N}", and answers repeated states from its cache;
- checkpoints are safetensors + JSON only, round-trip exactly, and never unpickle anything.

A freshly initialised GPT-2 (weights of std 0.02) predicts almost uniformly, so "A equals B"
would hold for many wrong implementations. `sharp_model` re-draws the weights wider so that
scores spread over tens of nats and every equality below is a real check.
"""

from __future__ import annotations

import json
import math
import pickle
import random
from pathlib import Path

import pytest
import torch
from cli_util import run_telos

from telos.model import (
    SIZES,
    CharTokenizer,
    CheckpointError,
    Example,
    LanguageModel,
    ModelPolicy,
    conjecture_example,
    conjecture_prompt,
    default_device,
    load_checkpoint,
    load_optimizer_state,
    make_optimizer,
    model_config,
    policy_example,
    policy_prompt,
    save_checkpoint,
    train,
    value_example,
    value_prompt,
)
from telos.model.config import CONTEXT
from telos.model.formats import MAX_ACTION_CHARS, POLICY_TAG, VALUE_TAG
from telos.model.tokenizer import EOS, PAD, UNK
from telos.peano import Intro, new_proof_state, state_text
from telos.search import Policy, Problem, UniformPolicy, prove
from telos.theories import THEORY_NAMES, load_theory

NAT_ADD_GOAL = "[('a0 : nat) -> (= (+ z 'a0) 'a0)]"
# One goal per packaged theory (from examples/*.p): the source of real proof states.
THEORY_GOALS = {
    "nat-add": NAT_ADD_GOAL,
    "nat-mul": "[('n : nat) -> (= (* z 'n) z)]",
    "groups": "[('a : G) -> (= (op 'a id) 'a)]",
    "propositional-logic": "[('A : prop) -> ('B : prop) -> (and 'A 'B) -> (and 'B 'A)]",
}
SHORT_STATE = "{ x : nat }\n(= (+ z x) x)\n"



def sharpen(model: LanguageModel, std: float = 0.1, seed: int = 0) -> LanguageModel:
    """Re-draw every weight matrix with a wider spread, so that predictions are far from
    uniform (layer norms keep the activations bounded)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.net.parameters():
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=generator) * std)
    return model


@pytest.fixture(scope="module")
def sharp_model() -> LanguageModel:
    return sharpen(LanguageModel(model_config("tiny"), seed=0))


@pytest.fixture(scope="module")
def real_states() -> list:
    """(state, kept actions) of expanded nodes of short uniform searches, 3 per theory."""
    out = []
    for name in THEORY_NAMES:
        theory = load_theory(name)
        problem = Problem(theory.text, theory.premises, THEORY_GOALS[name])
        result = prove(problem, UniformPolicy(), "mcts", budget=15, seed=0)
        nodes = [n for n in result.search_tree.nodes if n.actions]
        out += [(n.state, list(n.actions)) for n in nodes[:3]]
    return out


def long_state(hypotheses: int = 100, pending: str | None = "a nat_ind"):
    """A nat-add state whose context (one `x_i : nat` per intro) is longer than the model's
    context; with `pending`, the level-2 state after choosing that arrow."""
    theory = load_theory("nat-add")
    binders = "".join(f"('a{i} : nat) -> " for i in range(hypotheses))
    state = new_proof_state(theory.text, theory.premises, f"[{binders}(= (+ z 'a0) 'a0)]")
    while state.goal_text().startswith("["):
        (state,) = state.execute(Intro())
    if pending is not None:
        (state,) = state.execute(pending)
    return state


# -- sizes and device ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, layers, heads, dim",
    [("tiny", 2, 4, 128), ("small", 4, 8, 256), ("paper", 8, 8, 512)],
)
def test_named_size_builds_a_gpt2_of_that_shape_with_a_1024_char_context(
    size: str, layers: int, heads: int, dim: int
):
    model = LanguageModel(model_config(size), device="cpu")
    hf = model.net.config
    assert (hf.n_layer, hf.n_head, hf.n_embd, hf.n_positions) == (layers, heads, dim, 1024)
    assert model.config == SIZES[size]
    assert hf.vocab_size == model.tokenizer.vocab_size


def test_unknown_size_is_a_value_error():
    with pytest.raises(ValueError, match="unknown model size 'huge'"):
        model_config("huge")


def test_device_is_cuda_when_available_else_cpu(monkeypatch: pytest.MonkeyPatch):
    assert LanguageModel(model_config("tiny")).device == default_device()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert default_device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert default_device() == torch.device("cuda")


def test_same_seed_gives_the_same_initial_weights():
    a, b, c = (LanguageModel(model_config("tiny"), device="cpu", seed=s) for s in (7, 7, 8))
    for (name, pa), pb in zip(a.net.named_parameters(), b.net.parameters()):
        assert torch.equal(pa, pb), name
    assert not all(torch.equal(pa, pc) for pa, pc in zip(a.net.parameters(), c.net.parameters()))


# -- tokenizer -------------------------------------------------------------------------------


@pytest.mark.parametrize("theory", THEORY_NAMES)
def test_tokenizer_round_trips_theory_text(theory: str):
    tok = CharTokenizer()
    text = load_theory(theory).text
    ids = tok.encode(text)
    assert len(ids) == len(text)  # one token per character
    assert UNK not in ids
    assert tok.decode(ids) == text


def test_tokenizer_round_trips_state_text_with_newlines_and_ellipsis():
    tok = CharTokenizer()
    text = policy_prompt(long_state())  # a cut context: starts with `…`, three newlines
    assert text.startswith("…") and text.count("\n") == 3
    ids = tok.encode(text)
    assert UNK not in ids and tok.decode(ids) == text


def test_unknown_characters_map_to_unk_and_decode_to_nothing():
    tok = CharTokenizer()
    assert tok.encode("aλ\tb→") == [tok.id_of("a"), UNK, UNK, tok.id_of("b"), UNK]
    assert tok.id_of("λ") == UNK
    assert tok.decode(tok.encode("aλb")) == "ab"


def test_vocabulary_is_specials_then_one_id_per_character():
    tok = CharTokenizer()
    assert len({PAD, EOS, UNK}) == 3
    ids = tok.encode(tok.chars)
    assert sorted(ids) == list(range(3, tok.vocab_size))
    assert tok.decode([PAD, EOS, UNK]) == ""


# -- formats ---------------------------------------------------------------------------------


def test_policy_and_value_prompts_are_state_text_plus_a_tag_line():
    theory = load_theory("nat-add")
    state = new_proof_state(theory.text, theory.premises, NAT_ADD_GOAL)
    text = state_text(state)
    assert text == "{  }\n" + NAT_ADD_GOAL + "\n"
    assert policy_prompt(state) == text + "\nAction: " == text + POLICY_TAG
    assert value_prompt(state) == text + "\nProvable: " == text + VALUE_TAG
    assert policy_prompt(text) == policy_prompt(state)  # state text works like the state


def test_conjecture_prompt_names_the_bucket():
    assert conjecture_prompt() == "Conj:(hard) "
    assert conjecture_prompt("easy") == "Conj:(easy) "


def test_example_constructors_give_kind_prompt_and_completion():
    assert policy_example(SHORT_STATE, "c eq_refl") == Example(
        "policy", SHORT_STATE + POLICY_TAG, "c eq_refl"
    )
    assert value_example(SHORT_STATE, True) == Example("value", SHORT_STATE + VALUE_TAG, "Y")
    assert value_example(SHORT_STATE, False).completion == "N"
    assert conjecture_example(NAT_ADD_GOAL, "triv") == Example(
        "conjecture", "Conj:(triv) ", NAT_ADD_GOAL
    )
    example = policy_example(SHORT_STATE, "intro.")
    assert Example.from_json(json.loads(json.dumps(example.to_json()))) == example
    with pytest.raises(ValueError, match="unknown example kind"):
        Example("proof", "p", "c")


def test_long_state_is_cut_on_the_context_line_from_the_left():
    state = long_state()
    full = state_text(state)
    assert len(full) > CONTEXT
    context, goal, pending = full.split("\n")
    prompt = policy_prompt(state)
    # Room is left for the longest action text and the start and end markers.
    assert len(prompt) == CONTEXT - MAX_ACTION_CHARS - 2
    assert prompt.endswith(POLICY_TAG)
    cut_context, cut_goal, cut_pending = prompt[: -len(POLICY_TAG)].split("\n")
    assert (cut_goal, cut_pending) == (goal, pending) == ("(= (+ z x) x)", "apply nat_ind")
    assert cut_context.startswith("…")
    assert context.endswith(cut_context[1:])  # the end of the context is what is kept
    assert policy_prompt(full) == prompt  # the same cut from the state text


def test_long_value_query_fits_the_context_without_the_models_guard_cutting_it():
    state = long_state()
    model = LanguageModel(model_config("tiny"), device="cpu")
    for prompt, completion in [(value_prompt(state), "Y"), (policy_prompt(state), "x" * 256)]:
        encoded = model.encode(prompt, completion)
        assert len(encoded.ids) <= CONTEXT
        assert encoded.start == 1 + len(prompt)  # the prompt is kept whole
    assert value_prompt(state).startswith("…")
    assert value_prompt(state).endswith("\n(= (+ z x) x)\napply nat_ind" + VALUE_TAG)


def test_string_state_with_a_long_context_keeps_goal_and_pending_action_whole():
    text = "{ " + ", ".join(f"h{i} : nat" for i in range(300)) + " }\n(= z z)\nconstruct +_z"
    prompt = value_prompt(text)
    assert len(prompt) == CONTEXT - 1 - 2
    assert prompt.startswith("…") and prompt.endswith("\n(= z z)\nconstruct +_z" + VALUE_TAG)
    assert text.split("\n")[0].endswith(prompt.split("\n")[0][1:])


# -- scoring ---------------------------------------------------------------------------------


def test_shared_prompt_scoring_equals_unshared_scoring(sharp_model: LanguageModel):
    actions = ["intro.", "c eq_refl", "a nat_ind", "a eq_symm", "c +_z", "c +_s", "a rewrite",
               "=> (= z z).", "", "x" * 60]
    pairs = [(SHORT_STATE + POLICY_TAG, a) for a in actions]  # one prompt, many completions
    pairs += [
        (SHORT_STATE + VALUE_TAG, "Y"),
        (SHORT_STATE + VALUE_TAG, "N"),
        ("", "abc"),  # the empty prompt: even the first character is predicted
        ("", ""),  # the empty completion: the end marker only
        (conjecture_prompt(), NAT_ADD_GOAL),
        ("short", "c" * 30),
        (SHORT_STATE + POLICY_TAG, "intro."),  # a repeated pair
    ]
    unshared = sharp_model.completion_logprobs_unshared(pairs)
    assert max(unshared) - min(unshared) > 50  # far from uniform: a meaningful comparison
    for max_tokens in (65536, 600):  # one batch, and many small chunks
        shared = sharp_model.completion_logprobs(pairs, max_tokens=max_tokens)
        assert shared == pytest.approx(unshared, abs=1e-4)
    assert shared[0] == pytest.approx(shared[-1], abs=1e-5)  # a repeated pair


def test_completions_that_extend_one_another_share_their_prefix_tree(sharp_model):
    # "c", "c eq", "c eq_refl" (with and without the end marker) and "c eq_symm" hang off
    # one another in the prompt's prefix tree; each must still score as if alone.
    prompt = SHORT_STATE + POLICY_TAG
    pairs = [(prompt, "c eq_refl"), (prompt, "c eq", False), (prompt, "c eq"),
             (prompt, "c"), (prompt, "c", False), (prompt, "c eq_symm"),
             (prompt, "c eq_refl", False), (prompt + "c", " eq_refl")]
    shared = sharp_model.completion_logprobs(pairs)
    assert shared == pytest.approx(sharp_model.completion_logprobs_unshared(pairs), abs=1e-4)
    # log p("c eq_refl" + end) = log p("c eq_refl") + log p(end | ... "c eq_refl")
    assert shared[0] < shared[6]
    assert shared[7] == pytest.approx(shared[0] - shared[4], abs=1e-4)


def test_many_completions_of_one_short_prompt_are_split_into_rows_and_score_alike(
    sharp_model: LanguageModel,
):
    # 40 conjecture-like texts under `Conj:(hard) ` make a tree far past one row's limit.
    rng = random.Random(0)
    texts = ["".join(rng.choice("()+sz 'a0:nat->=[]") for _ in range(rng.randint(20, 60)))
             for _ in range(40)]
    pairs = [(conjecture_prompt(), t) for t in texts]
    shared = sharp_model.completion_logprobs(pairs)
    assert shared == pytest.approx(sharp_model.completion_logprobs_unshared(pairs), abs=1e-4)


def test_shared_scoring_of_a_prompt_longer_than_the_context(sharp_model: LanguageModel):
    pairs = [("y" * 1100, "tail"), ("y" * 1100 + "z", "tail")]  # both cut to the context
    shared = sharp_model.completion_logprobs(pairs)
    assert shared == pytest.approx(sharp_model.completion_logprobs_unshared(pairs), abs=1e-4)


@pytest.mark.parametrize("pairs", [
    [("y" * 1010, "ab"), ("short", "c" * 30)],  # two prompts
    [("y" * 1100, "t"), ("y" * 1100, "tails")],  # one prompt, cut to two lengths
], ids=["near-context prompt", "over-long prompt"])
def test_shared_scoring_of_a_near_context_prompt_batched_with_a_longer_completion(
    sharp_model: LanguageModel, pairs
):
    shared = sharp_model.completion_logprobs(pairs)
    assert shared == pytest.approx(sharp_model.completion_logprobs_unshared(pairs), abs=1e-4)


def test_completion_without_end_marker_is_the_next_character(sharp_model: LanguageModel):
    texts = [SHORT_STATE + VALUE_TAG, "", conjecture_prompt()]
    next_char = sharp_model.next_char_logprobs(texts)
    assert next_char.shape == (3, sharp_model.tokenizer.vocab_size)
    assert torch.logsumexp(next_char, dim=1) == pytest.approx([0.0] * 3, abs=1e-5)
    y = sharp_model.tokenizer.id_of("Y")
    scores = sharp_model.completion_logprobs([(t, "Y", False) for t in texts])
    assert scores == pytest.approx(next_char[:, y].tolist(), abs=1e-4)


def test_empty_completion_without_end_marker_has_log_probability_zero(
    sharp_model: LanguageModel,
):
    assert sharp_model.completion_logprobs([("abc", "", False)]) == [0.0]


# -- ModelPolicy -----------------------------------------------------------------------------


def test_model_policy_honours_the_policy_contract_on_real_states(sharp_model, real_states):
    policy = ModelPolicy(sharp_model)
    assert isinstance(policy, Policy)
    states = [s for s, _ in real_states]
    actions = [a for _, a in real_states]
    evaluations = policy.evaluate(states, actions)
    assert len(evaluations) == len(states) == 12
    for ev, acts in zip(evaluations, actions):
        assert len(ev.priors) == len(acts)
        assert all(p >= 0 for p in ev.priors)
        assert sum(ev.priors) == pytest.approx(1.0, abs=1e-9)
        assert 0.0 <= ev.value <= 1.0
    assert any(max(ev.priors) > 2 / len(ev.priors) for ev in evaluations)  # not uniform


def test_model_policy_priors_are_the_softmax_of_action_log_probabilities(
    sharp_model, real_states
):
    evaluations = ModelPolicy(sharp_model).evaluate(
        [s for s, _ in real_states], [a for _, a in real_states]
    )
    pairs = [(policy_prompt(state), str(a)) for state, acts in real_states for a in acts]
    scores = iter(sharp_model.completion_logprobs(pairs))
    for (_, acts), ev in zip(real_states, evaluations):
        own = torch.tensor([next(scores) for _ in acts], dtype=torch.float64)
        assert list(ev.priors) == pytest.approx(torch.softmax(own, dim=0).tolist(), abs=1e-5)


def test_model_policy_value_is_p_yes_normalised_over_yes_and_no(sharp_model, real_states):
    evaluations = ModelPolicy(sharp_model).evaluate(
        [s for s, _ in real_states], [a for _, a in real_states]
    )
    next_char = sharp_model.next_char_logprobs([value_prompt(s) for s, _ in real_states])
    tok = sharp_model.tokenizer
    for ev, logp in zip(evaluations, next_char):
        p_yes, p_no = math.exp(logp[tok.id_of("Y")]), math.exp(logp[tok.id_of("N")])
        assert ev.value == pytest.approx(p_yes / (p_yes + p_no), abs=1e-5)


def test_model_policy_answers_a_repeated_call_from_its_cache(
    sharp_model, real_states, monkeypatch: pytest.MonkeyPatch
):
    calls = []
    score = sharp_model.completion_logprobs

    def counting(*args, **kwargs):
        calls.append(len(args[0]))
        return score(*args, **kwargs)

    monkeypatch.setattr(sharp_model, "completion_logprobs", counting)
    policy = ModelPolicy(sharp_model)
    states, actions = [s for s, _ in real_states], [a for _, a in real_states]
    first = policy.evaluate(states, actions)
    assert len(calls) == 1  # every query of the batch in one call
    assert policy.cache.hit_rate == 0.0
    second = policy.evaluate(states, actions)
    assert len(calls) == 1  # no model call at all
    assert second == first
    queries = sum(len(a) for a in actions) + len(states)  # actions, and one value per state
    assert policy.cache.hits == queries
    assert policy.cache.hit_rate > 0


def test_model_policy_evaluates_a_long_state_and_a_long_action_in_one_batch():
    state = long_state(pending=None)
    short_actions = [a for a in state.actions() if len(str(a)) < 12]
    theory = load_theory("nat-add")
    (other,) = new_proof_state(theory.text, theory.premises, NAT_ADD_GOAL).execute("c eq_refl")
    assert max(len(str(a)) for a in other.actions()) > 100
    policy = ModelPolicy(LanguageModel(model_config("tiny"), seed=0))
    evaluations = policy.evaluate([state, other], [short_actions, other.actions()])
    assert len(evaluations) == 2


# -- checkpoints -----------------------------------------------------------------------------


TEXTS = [SHORT_STATE + VALUE_TAG, "", conjecture_prompt(), "{  }\n" + NAT_ADD_GOAL + "\n"]
PAIRS = [(SHORT_STATE + POLICY_TAG, "c eq_refl"), (SHORT_STATE + POLICY_TAG, "intro."),
         (conjecture_prompt(), NAT_ADD_GOAL), ("", "")]
EXAMPLES = [policy_example(SHORT_STATE, "c eq_refl"), value_example(SHORT_STATE, True),
            conjecture_example(NAT_ADD_GOAL, "hard")]


def test_checkpoint_round_trip_gives_identical_predictions(sharp_model, tmp_path: Path):
    save_checkpoint(tmp_path / "ckpt", sharp_model)
    loaded = load_checkpoint(tmp_path / "ckpt")
    assert loaded.config == sharp_model.config
    assert torch.equal(loaded.next_char_logprobs(TEXTS), sharp_model.next_char_logprobs(TEXTS))
    assert loaded.completion_logprobs(PAIRS) == sharp_model.completion_logprobs(PAIRS)


def test_checkpoint_is_exactly_safetensors_weights_and_json_config(sharp_model, tmp_path):
    save_checkpoint(tmp_path / "plain", sharp_model)
    assert {p.name for p in (tmp_path / "plain").iterdir()} == {"model.safetensors",
                                                                 "config.json"}
    config = json.loads((tmp_path / "plain" / "config.json").read_text())
    assert config["model"] == SIZES["tiny"].to_json()
    save_checkpoint(tmp_path / "with_opt", sharp_model, make_optimizer(sharp_model))
    assert {p.name for p in (tmp_path / "with_opt").iterdir()} == {
        "model.safetensors", "config.json", "optimizer.safetensors", "optimizer.json"
    }


def test_optimizer_state_round_trips_and_resumes_the_same_training(tmp_path: Path):
    model = LanguageModel(model_config("tiny"), device="cpu", seed=0)
    optimizer = make_optimizer(model, lr=3e-3)
    train(model, EXAMPLES, [], 0.0, steps=2, batch_size=2, seed=0, optimizer=optimizer)
    save_checkpoint(tmp_path, model, optimizer)

    loaded = load_checkpoint(tmp_path, device="cpu")
    fresh = make_optimizer(loaded, lr=1e-5)  # the saved learning rate must come back
    assert load_optimizer_state(tmp_path, fresh) is True
    saved, restored = optimizer.state_dict(), fresh.state_dict()
    # JSON keeps AdamW's `betas` as a list: compare in JSON terms
    assert restored["param_groups"] == json.loads(json.dumps(saved["param_groups"]))
    assert restored["state"].keys() == saved["state"].keys()
    for index, fields in saved["state"].items():
        assert restored["state"][index].keys() == fields.keys() >= {"step", "exp_avg",
                                                                     "exp_avg_sq"}
        for field, value in fields.items():
            assert torch.equal(restored["state"][index][field], value), (index, field)
    assert float(saved["state"][0]["step"]) == 2.0

    # Resuming: one more step from the original and from the checkpoint agree exactly.
    a = train(model, EXAMPLES, [], 0.0, steps=1, batch_size=2, seed=1, optimizer=optimizer)
    b = train(loaded, EXAMPLES, [], 0.0, steps=1, batch_size=2, seed=1, optimizer=fresh)
    assert repr(a) == repr(b)  # exact floats (progress_loss is nan: no goals)
    for pa, pb in zip(model.net.parameters(), loaded.net.parameters()):
        assert torch.equal(pa, pb)


def test_checkpoint_without_optimizer_state_restores_none(sharp_model, tmp_path: Path):
    save_checkpoint(tmp_path, sharp_model)
    assert load_optimizer_state(tmp_path, make_optimizer(sharp_model)) is False


def test_loading_a_checkpoint_never_unpickles(
    sharp_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    save_checkpoint(tmp_path, sharp_model, make_optimizer(sharp_model))

    def forbidden(*args, **kwargs):
        raise AssertionError("a pickle loader was called")

    for module, name in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"),
                         (torch, "load")]:
        monkeypatch.setattr(module, name, forbidden)
    loaded = load_checkpoint(tmp_path)
    assert load_optimizer_state(tmp_path, make_optimizer(loaded)) is True
    assert torch.equal(loaded.next_char_logprobs(TEXTS), sharp_model.next_char_logprobs(TEXTS))


def _copy_checkpoint(source: Path, target: Path, config=None, weights: bytes | None = None):
    target.mkdir()
    text = (source / "config.json").read_text() if config is None else json.dumps(config)
    (target / "config.json").write_text(text)
    data = (source / "model.safetensors").read_bytes() if weights is None else weights
    (target / "model.safetensors").write_bytes(data)
    return target


def test_a_directory_that_is_not_a_checkpoint_raises_checkpoint_error(sharp_model, tmp_path):
    good = save_checkpoint(tmp_path / "good", sharp_model)
    (tmp_path / "empty").mkdir()
    no_weights = tmp_path / "no_weights"
    no_weights.mkdir()
    (no_weights / "config.json").write_text((good / "config.json").read_text())
    other_format = _copy_checkpoint(good, tmp_path / "other", {"format": "gpt2", "model": {}})
    bad_json = tmp_path / "bad_json"
    bad_json.mkdir()
    (bad_json / "config.json").write_text("{ not json")
    for directory in [tmp_path / "missing", tmp_path / "empty", no_weights, other_format,
                      bad_json, good / "config.json"]:
        with pytest.raises(CheckpointError):
            load_checkpoint(directory)


def _not_a_checkpoint(kind: str, good: Path, tmp_path: Path) -> Path:
    config = json.loads((good / "config.json").read_text())
    if kind == "weights of another size":
        config["model"] = SIZES["small"].to_json()
        return _copy_checkpoint(good, tmp_path / kind, config)
    if kind == "corrupt weights":
        return _copy_checkpoint(good, tmp_path / kind, weights=b"not safetensors")
    if kind == "config not an object":
        return _copy_checkpoint(good, tmp_path / kind, [1, 2])
    config["model"]["n_layer"] = "two"  # "malformed field"
    return _copy_checkpoint(good, tmp_path / kind, config)


@pytest.mark.parametrize("kind", ["weights of another size", "corrupt weights",
                                  "config not an object", "malformed field"])
def test_a_damaged_checkpoint_raises_checkpoint_error(sharp_model, tmp_path, kind: str):
    good = save_checkpoint(tmp_path / "good", sharp_model)
    with pytest.raises(CheckpointError):
        load_checkpoint(_not_a_checkpoint(kind, good, tmp_path))


# -- CLI -------------------------------------------------------------------------------------


def prove_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_telos(capsys, ["prove", NAT_ADD_GOAL, "--theory", "nat-add", *args])


@pytest.mark.parametrize("where", ["missing", "empty dir", "a file"])
def test_prove_with_a_bad_model_path_exits_2_with_one_line(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "ckpt"
    if where == "empty dir":
        path.mkdir()
    elif where == "a file":
        path.write_text("weights")
    status, out, err = prove_cli(capsys, "--model", str(path), "--budget", "5")
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("telos: error: ")
    assert str(path) in err


def test_prove_with_corrupt_weights_exits_2_with_one_line(
    sharp_model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    good = save_checkpoint(tmp_path / "good", sharp_model)
    bad = _copy_checkpoint(good, tmp_path / "bad", weights=b"not safetensors")
    status, out, err = prove_cli(capsys, "--model", str(bad), "--budget", "5")
    assert status == 2 and len(err.splitlines()) == 1
