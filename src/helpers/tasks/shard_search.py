"""A toy search agent: query shards, read hit/miss from the environment, stop at the hit.

Six shards ``1``-``6``; a prompt ``^135>`` names three *likely* shards and the hidden key
sits in one of them (uniformly). The agent has a budget of two queries. Each turn it emits
one shard token, the environment appends ``+`` (hit) or ``-`` (miss); after a hit both
sides emit ``.`` (filler, never trained). Reward 1 if a query hits. Every order of probing
two distinct likely shards succeeds with probability 2/3, so *any* narrowing of the order
the agent uses is pure loss of diversity, with nothing gained.

Demonstrations for SFT come in two kinds: **diverse** (a uniformly random order of the
likely shards) and **narrow** (always the likely shards in ascending order).

Used by: n03 (entropy collapse in a search agent).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

SHARDS = "123456"
BUDGET = 2
HIT, MISS, FILLER = "+", "-", "."
PROMPTS: tuple[str, ...] = tuple(f"^{''.join(c)}>" for c in itertools.combinations(SHARDS, 3))


@dataclass(frozen=True)
class Episode:
    """One prompt and where the key is."""

    prompt: str
    key: str

    @property
    def likely(self) -> str:
        """The three likely shards, e.g. ``"135"``."""
        return self.prompt[1:4]


def make_episodes(n: int, seed: int) -> list[Episode]:
    """``n`` episodes: a uniformly random prompt (of the 20) and a key uniform among its likely shards."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        prompt = PROMPTS[int(rng.integers(len(PROMPTS)))]
        out.append(Episode(prompt, prompt[1 + int(rng.integers(3))]))
    return out


def env_reply(key: str, query: str, done: bool) -> str:
    """The environment's token after ``query``: ``+`` on a hit, ``-`` on a miss, ``.``
    once the episode is over."""
    if done:
        return FILLER
    return HIT if query == key else MISS


def rollout_text(episode: Episode, queries: str) -> str:
    """The response for a sequence of intended queries: ``"3-1+"``, ``"3+.."``, ..., ``BUDGET`` (query, reply) pairs."""
    out, done = [], False
    for q in queries[:BUDGET]:
        query = FILLER if done else q
        reply = env_reply(episode.key, query, done)
        out.append(query + reply)
        done = done or reply == HIT
    return "".join(out)


def success(response: str) -> bool:
    """Whether the environment ever answered ``+``."""
    return HIT in response[1::2]


def query_sequence(response: str) -> str:
    """The agent's real queries (fillers dropped): ``"3-1+"`` → ``"31"``."""
    return "".join(q for q in response[0::2] if q != FILLER)


def sft_examples(n: int, seed: int, style: str) -> list[tuple[str, str]]:
    """Demonstrations: ``style="diverse"`` (likely shards in a random order) or ``"narrow"`` (ascending order)."""
    if style not in ("diverse", "narrow"):
        raise ValueError(f"style={style!r} is not 'diverse' or 'narrow'")
    rng = np.random.default_rng(seed)
    pairs = []
    for ep in make_episodes(n, seed + 1):
        order = "".join(rng.permutation(list(ep.likely))) if style == "diverse" else ep.likely
        pairs.append((ep.prompt, rollout_text(ep, order)))
    return pairs


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig, settings: SFTSettings, style: str, device: str = "cpu", progress: bool = True
) -> CachedModel:
    """The SFT base for the shard-search agent: ``"diverse"`` or ``"narrow"`` demonstrations, cached."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "shard_search_base",
        __name__,
        config,
        settings,
        {"style": style},
        lambda n: sft_examples(n, seed=settings.seed, style=style),
        device,
        progress,
    )
