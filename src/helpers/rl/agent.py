"""Multi-turn GRPO for the shard-search agent, with the entropy measurements of Cui et al. (2025).

Each rollout alternates agent tokens (queries, sampled) and environment tokens (hit/miss,
appended by :mod:`helpers.tasks.shard_search`); only the agent's tokens before the hit are
trained. TRL's ``GRPOTrainer`` generates a completion in one go, with no environment tokens
in between, so this module supplies the rollout (agent and environment taking turns) to the
book's GRPO loop (:mod:`helpers.rl.core`), with the replies masked out of the loss.

Logged every step: batch success, the covariance between each trained token's log-probability
and its advantage (Cui et al.: the entropy change is about ``-η·Cov(log π, A)``), and the exact
entropy of the first query on every prompt. Every ``eval_every`` steps: 64 rollouts per prompt
for success, action-token entropy and the number of unique query sequences per prompt, each also
on the incorrect episodes alone.

Used by: n03 (entropy collapse in a search agent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from helpers.rl import core
from helpers.rl.core import Rollout, group_advantages, groups_of
from helpers.tasks import shard_search as ss

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class AgentSettings(core.RLSettings):
    """Sizes of one RL run (defaults: scale ci of n03)."""

    num_steps: int = 200
    eval_every: int = 10
    eval_rollouts: int = 64


def _entropy(logits: torch.Tensor) -> torch.Tensor:
    logp = logits.float().log_softmax(-1)
    return -(logp.exp() * logp).sum(-1)


@torch.no_grad()
def rollout(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    episodes: list[ss.Episode],
    generator: torch.Generator,
    device: str = "cpu",
) -> tuple[torch.Tensor, torch.Tensor, list[str], torch.Tensor, torch.Tensor]:
    """Play ``episodes``: returns ``(seqs, trained, responses, entropies, logprobs)``.

    ``seqs`` holds prompt + (query, reply) × budget token ids; ``trained`` is
    ``(rows, budget)``, true where the query was made before any hit; ``entropies`` is
    the entropy of the agent's distribution at each turn and ``logprobs`` the log π of
    each query (same shape).
    """
    # one character per token, so responses parse by position;
    # special tokens (e.g. <eos>) read as "?"
    vocab = [t if len(t) == 1 else "?" for t in tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))]
    reply_id = {c: tokenizer.convert_tokens_to_ids(c) for c in (ss.HIT, ss.MISS, ss.FILLER)}
    seqs = tokenizer([e.prompt for e in episodes], return_tensors="pt", add_special_tokens=False)["input_ids"].to(
        device
    )
    done = torch.zeros(len(episodes), dtype=torch.bool)
    trained, entropies, logprobs, texts = [], [], [], [""] * len(episodes)
    for _ in range(ss.BUDGET):
        logits = model(input_ids=seqs).logits[:, -1].float().cpu()
        entropies.append(_entropy(logits))
        query = torch.multinomial(logits.softmax(-1), 1, generator=generator).squeeze(1)
        query = torch.where(done, torch.tensor(reply_id[ss.FILLER]), query)
        logprobs.append(logits.log_softmax(-1).gather(1, query[:, None]).squeeze(1))
        replies = [ss.env_reply(e.key, vocab[int(q)], bool(d)) for e, q, d in zip(episodes, query, done)]
        trained.append(~done)
        texts = [t + vocab[int(q)] + r for t, q, r in zip(texts, query, replies)]
        reply = torch.tensor([reply_id[r] for r in replies])
        seqs = torch.cat([seqs, query[:, None].to(device), reply[:, None].to(device)], dim=1)
        done = done | (reply == reply_id[ss.HIT])
    return (
        seqs,
        torch.stack(trained, 1),
        texts,
        torch.stack(entropies, 1),
        torch.stack(logprobs, 1),
    )


@torch.no_grad()
def first_query_entropy(model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, device: str = "cpu") -> float:
    """Exact entropy (nats) of the first query, averaged over the 20 prompts."""
    ids = tokenizer(list(ss.PROMPTS), return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)
    return float(_entropy(model(input_ids=ids).logits[:, -1]).mean())


def evaluate(
    model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, rollouts: int, seed: int, device: str = "cpu"
) -> dict[str, float]:
    """``rollouts`` plays of each prompt: success rate, action-token entropy, unique query sequences per prompt.

    The key cycles through the prompt's likely shards, so every prompt is played with each key
    equally often; sampling uses its own generator seeded with ``seed``. The same rollouts also
    give the measures on the *incorrect* episodes alone (those that never hit the key, the
    trajectories Matsutani et al. find RL compresses): ``unique incorrect sequences`` (per prompt,
    among that prompt's failed episodes; 0 for a prompt with none) and ``action entropy
    (incorrect)`` (NaN if no episode failed).
    """
    episodes = [ss.Episode(p, p[1 + i % 3]) for p in ss.PROMPTS for i in range(rollouts)]
    generator = torch.Generator().manual_seed(seed)
    _, trained, texts, entropies, _ = rollout(model, tokenizer, episodes, generator, device)
    wins = [ss.success(t) for t in texts]
    chunks = [range(i * rollouts, (i + 1) * rollouts) for i in range(len(ss.PROMPTS))]
    unique = [len({ss.query_sequence(texts[j]) for j in c}) for c in chunks]
    unique_failed = [len({ss.query_sequence(texts[j]) for j in c if not wins[j]}) for c in chunks]
    failed = ~torch.tensor(wins)
    failed_tokens = entropies[trained & failed[:, None]]
    return {
        "success": float(np.mean(wins)),
        "action entropy": float(entropies[trained].mean()),
        "unique sequences": float(np.mean(unique)),
        "action entropy (incorrect)": float(failed_tokens.mean()) if len(failed_tokens) else float("nan"),
        "unique incorrect sequences": float(np.mean(unique_failed)),
    }


def train(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    settings: AgentSettings,
    seed: int,
    device: str = "cpu",
    desc: str = "GRPO",
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """GRPO (:func:`helpers.rl.core.train`) from a copy of ``model`` on random episodes.

    Only the agent's query tokens before the hit are trained (the environment's replies are
    masked out). Returns ``(log, trained)``, one log row per step (step 0 = the start).
    """
    generator = torch.Generator().manual_seed(seed)
    pool = ss.make_episodes(settings.num_steps * settings.prompts_per_step, seed=seed)
    prompt_length = len(ss.PROMPTS[0])

    def play(policy: torch.nn.Module, step: int) -> Rollout:
        batch = pool[(step - 1) * settings.prompts_per_step : step * settings.prompts_per_step]
        episodes = [e for e in batch for _ in range(settings.group_size)]
        seqs, trained, texts, _, logprobs = rollout(policy, tokenizer, episodes, generator, device)
        mask = torch.zeros(len(episodes), 2 * ss.BUDGET)
        mask[:, 0::2] = trained.float()  # queries at even offsets, the environment's replies between
        rewards = torch.tensor([float(ss.success(t)) for t in texts])
        return Rollout(
            seqs,
            prompt_length,
            rewards,
            groups_of(len(batch), settings.group_size),
            mask,
            info={"query_logprobs": logprobs, "trained": trained},
        )

    def log(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        row = {"first-query entropy": first_query_entropy(policy, tokenizer, device)}
        if batch is not None:
            # Cui et al.: the entropy change is about -η·Cov(log π, A) over the trained tokens
            trained = batch.info["trained"]
            advantages = group_advantages(batch.rewards, batch.groups)[:, None].expand_as(trained)
            token_logp, token_adv = batch.info["query_logprobs"][trained], advantages[trained]
            cov = float(((token_logp - token_logp.mean()) * (token_adv - token_adv.mean())).mean())
            row.update({"train reward": float(batch.rewards.mean()), "cov(logp, A)": cov})
        return row

    def held_out(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        return evaluate(policy, tokenizer, settings.eval_rollouts, seed=1000 + step, device=device)

    return core.train(model, play, settings, log=log, evaluate=held_out, device=device, desc=desc)
