"""Copy a word, for a user with two hidden preferences: one they sometimes explain, one they never do.

A prompt ``abcde>`` holds 5 letters from ``a``-``h``. The base behaviour is to copy them. The
user prefers the copy with a fixed **substitution** on four letters (:data:`SUBSTITUTION`)
and a trailing ``"!"``. Feedback after each response has two parts:

* **evaluative**: reward 1 iff the response is exactly the preferred one, else 0;
* **directive**: on some interactions a hint "position ``i`` should be ``c``", naming the
  first wrong letter of the response. Hints are only ever about letters: nobody explains
  the ``"!"``.

A hint is written into the context as ``abcde|2g>``. Pretraining (phase 0) teaches copying,
with half the prompts carrying a random hint that the target obeys, so the model can serve
as a hint-conditioned teacher; 10% of targets end in ``"!"`` (a habit with no meaning), so
that the evaluative reward has something to find.

Used by: n09 (evaluative vs directive feedback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from helpers.lm.sampling import sample_texts

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

LETTERS = "abcdefgh"
WORD_LEN = 5
SUBSTITUTION: dict[str, str] = {"b": "g", "d": "a", "e": "h", "g": "c"}
BANG = "!"
MAX_RESPONSE = WORD_LEN + 2  # letters, "!", EOS
PROMPT_LEN = WORD_LEN + 1
HINTED_PROMPT_LEN = WORD_LEN + 3 + 1


def make_words(n: int, seed: int) -> list[str]:
    """``n`` words of 5 letters drawn uniformly from ``a``-``h``."""
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list(LETTERS), WORD_LEN)) for _ in range(n)]


def prompt(word: str) -> str:
    """``abcde>``: what the student sees."""
    return f"{word}>"


def hinted_prompt(word: str, position: int, letter: str) -> str:
    """``abcde|2g>``: the prompt with the hint "position 2 should be g"."""
    return f"{word}|{position}{letter}>"


def preferred(word: str) -> str:
    """The response the user wants: the substituted word and ``"!"``."""
    return "".join(SUBSTITUTION.get(ch, ch) for ch in word) + BANG


def reward(word: str, response: str) -> float:
    """Evaluative feedback: 1.0 iff ``response`` is exactly the preferred response."""
    return float(response == preferred(word))


def hint(word: str, response: str) -> tuple[int, str] | None:
    """Directive feedback: (first position whose letter is wrong, the right letter), or None if all 5 letters
    are right."""
    target = preferred(word)
    for i in range(WORD_LEN):
        if i >= len(response) or response[i] != target[i]:
            return i, target[i]
    return None


def substitution_accuracy(word: str, response: str) -> tuple[int, int]:
    """(right, total) over the positions whose letter the user wants substituted."""
    target = preferred(word)
    positions = [i for i, ch in enumerate(word) if ch in SUBSTITUTION]
    return sum(i < len(response) and response[i] == target[i] for i in positions), len(positions)


def pretraining_examples(n: int, seed: int, hint_share: float = 0.5, bang_share: float = 0.1) -> list[tuple[str, str]]:
    """Phase 0: (prompt, target) pairs: copy, or obey a random hint; ``bang_share`` of targets end in ``"!"``."""
    rng = np.random.default_rng(seed)
    pairs = []
    for word in make_words(n, seed + 1):
        target = list(word)
        context = prompt(word)
        if rng.random() < hint_share:
            position, letter = int(rng.integers(WORD_LEN)), str(rng.choice(list(LETTERS)))
            target[position] = letter
            context = hinted_prompt(word, position, letter)
        pairs.append((context, "".join(target) + (BANG if rng.random() < bang_share else "")))
    return pairs


# --- the task's base model -------------------------------------------------------------------


def base(config: TinyLMConfig, settings: SFTSettings, device: str = "cpu", progress: bool = True) -> CachedModel:
    """The phase-0 model of n09, cached: copies, and obeys hints in its context."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "hidden_preferences_base",
        __name__,
        config,
        settings,
        {},
        lambda n: pretraining_examples(n, seed=settings.seed),
        device,
        progress,
    )


# --- evaluation -----------------------------------------------------------------------------


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    words: list[str],
    samples: int,
    seed: int,
    device: str = "cpu",
) -> dict[str, float]:
    """Exact-match rate, substitution accuracy (over letters the user wants changed) and ``"!"`` rate of
    sampled responses."""
    responses = sample_texts(model, tokenizer, [prompt(w) for w in words], samples, MAX_RESPONSE, seed, device)
    repeated = [w for w in words for _ in range(samples)]
    right, total = np.array([substitution_accuracy(w, r) for w, r in zip(repeated, responses)]).sum(0)
    return {
        "exact": float(np.mean([reward(w, r) for w, r in zip(repeated, responses)])),
        "substitution": float(right / max(total, 1)),
        "bang": float(np.mean([r[WORD_LEN : WORD_LEN + 1] == BANG for r in responses])),
    }


@torch.no_grad()
def hint_obedience(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    words: list[str],
    samples: int,
    seed: int,
    device: str = "cpu",
) -> float:
    """Share of sampled responses to a hinted prompt whose hinted position holds the hinted letter.

    Each word gets one random hint naming a letter *other* than the word's own at that
    position, so copying never counts as obeying. This is what OPD's teacher must do: its
    directive signal is the model's distribution given the hint.
    """
    rng = np.random.default_rng(seed)
    hints = []
    for word in words:
        position = int(rng.integers(WORD_LEN))
        hints.append((position, str(rng.choice([c for c in LETTERS if c != word[position]]))))
    contexts = [hinted_prompt(w, i, c) for w, (i, c) in zip(words, hints)]
    responses = sample_texts(model, tokenizer, contexts, samples, MAX_RESPONSE, seed, device)
    repeated = [h for h in hints for _ in range(samples)]
    return float(np.mean([i < len(r) and r[i] == c for (i, c), r in zip(repeated, responses)]))
