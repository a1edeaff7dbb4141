"""GRPO and Critique-GRPO on the column-addition task, and refinement success per critique kind.

**GRPO** samples ``group_size`` traces per prompt, rewards each 1/0 (exact trace) and
weights its log-probability by the group-normalised advantage. **Critique-GRPO** (Zhang et
al., 2025) samples ``group_size - 1`` traces, gives one failed trace per prompt a critique,
samples the model's refinement *given* the critique, and puts that refinement into the
group as if it had been a response to the original prompt (critique stripped); advantages
are normalised over the mixed group. This is the paper's "7 rollouts + 1 refinement"
configuration. Simplification: the paper's shaping function (which up-weights unlikely
correct refinement tokens) is left out; the refinement's tokens get the plain policy gradient.
The step is the book's GRPO loop (:mod:`helpers.rl.core`); this module supplies the rollout.

Every sequence has a fixed length (prompt 9, trace 16, critique 7 characters), so nothing
is padded.

Used by: n07.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from helpers.lm.sampling import decode, encode, sample_tokens
from helpers.rl import core
from helpers.rl.core import Rollout
from helpers.tasks import column_addition as ca

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


@dataclass(frozen=True)
class CritiqueSettings(core.RLSettings):
    """Sizes of a (Critique-)GRPO run; ``critique=None`` is plain GRPO."""

    min_group = 2
    num_steps: int = 40
    critique: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.critique is not None and self.critique not in ca.CRITIQUES:
            raise ValueError(f"critique={self.critique!r} is not None or one of {ca.CRITIQUES}")


def refine(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[ca.Problem],
    attempts: Sequence[str],
    kind: str,
    generator: torch.Generator,
    device: str = "cpu",
) -> tuple[torch.Tensor, list[str]]:
    """The model's refinement of each ``attempts[i]`` to ``problems[i]`` after a ``kind`` critique."""
    contexts = encode(tokenizer, [ca.refinement_context(p, a, kind) for p, a in zip(problems, attempts)], device)
    ids = sample_tokens(model, contexts, ca.TRACE_LEN, generator)
    return ids, decode(tokenizer, ids)


@torch.no_grad()
def refinement_success(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[ca.Problem],
    kind: str,
    samples: int = 4,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, float]:
    """Share of failed first attempts that the model fixes after a ``kind`` critique.

    Attempts and refinements are sampled at temperature 1 (the same attempts for every
    ``kind`` given the same ``seed``). Returns ``failed`` (count) and ``success`` (share).
    """
    return refinement_success_per_kind(model, tokenizer, problems, (kind,), samples, seed, device)[kind]


@torch.no_grad()
def refinement_success_per_kind(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[ca.Problem],
    kinds: Sequence[str] = ca.CRITIQUES,
    samples: int = 4,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, dict[str, float]]:
    """:func:`refinement_success` for several critique kinds, sampling the first attempts once.

    The same numbers as one :func:`refinement_success` call per kind (the attempts and each
    kind's refinements are drawn from the same seeded generators), for one attempt pass instead
    of one per kind.
    """
    generator = torch.Generator().manual_seed(seed)
    _, texts = ca.attempt(model, tokenizer, problems, samples, generator, device)
    repeated = ca.repeat(problems, samples)
    failed = [(p, t) for p, t in zip(repeated, texts) if not ca.reward(p, t)]
    out = {}
    for kind in kinds:
        if not failed:
            out[kind] = {"failed": 0.0, "success": float("nan")}
            continue
        _, fixes = refine(
            model,
            tokenizer,
            [p for p, _ in failed],
            [t for _, t in failed],
            kind,
            torch.Generator().manual_seed(seed + 1),
            device,
        )
        out[kind] = {
            "failed": float(len(failed)),
            "success": float(np.mean([ca.reward(p, f) for (p, _), f in zip(failed, fixes)])),
        }
    return out


def train(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[ca.Problem],
    settings: CritiqueSettings,
    seed: int,
    eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
    eval_every: int = 10,
    device: str = "cpu",
    start_metrics: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """Train a copy of ``model`` with GRPO (``settings.critique=None``) or Critique-GRPO.

    The rollout is the method: first attempts, then (Critique-GRPO) one critiqued refinement per
    group that has a failure, trained as a response to the original prompt; the step is the
    book's GRPO loop (:func:`helpers.rl.core.train`) over the mixed groups. Returns ``(log,
    trained)``: per step the training reward of first attempts, the number of refinements and
    their success, plus ``eval_fn``'s metrics at step 0, every ``eval_every`` steps and at the
    end. ``start_metrics``, when given, are ``eval_fn(model)`` already computed: they are
    logged at step 0 instead of evaluating the unchanged model again.
    """
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    n_first = settings.group_size - (settings.critique is not None)

    def rollout(policy: torch.nn.Module, step: int) -> Rollout:
        batch = [problems[i] for i in rng.choice(len(problems), settings.prompts_per_step, replace=False)]
        ids, texts = ca.attempt(policy, tokenizer, batch, n_first, generator, device)
        rewards = np.array([ca.reward(p, t) for p, t in zip(ca.repeat(batch, n_first), texts)], dtype=float)
        prompt_ids = encode(tokenizer, [p.prompt for p in batch], device)
        seqs = [torch.cat([prompt_ids.repeat_interleave(n_first, 0), ids], dim=1)]
        groups, extra = list(np.repeat(np.arange(len(batch)), n_first)), []
        grouped = rewards.reshape(len(batch), n_first)
        if settings.critique is not None:
            chosen = [
                (i, i * n_first + int(rng.choice(np.flatnonzero(grouped[i] == 0))))
                for i in range(len(batch))
                if (grouped[i] == 0).any()
            ]
            if chosen:
                fix_ids, fixes = refine(
                    policy,
                    tokenizer,
                    [batch[i] for i, _ in chosen],
                    [texts[j] for _, j in chosen],
                    settings.critique,
                    generator,
                    device,
                )
                extra = [float(ca.reward(batch[i], fix)) for (i, _), fix in zip(chosen, fixes)]
                groups += [i for i, _ in chosen]  # each refinement joins its prompt's group
                # the refinement is trained as a response to the original prompt: critique stripped
                seqs.append(torch.cat([prompt_ids[[i for i, _ in chosen]], fix_ids], dim=1))
        info = {
            "train reward": float(rewards.mean()),
            "refinements": float(len(extra)),
            "refinement_success": float(np.mean(extra)) if extra else 0.0,
        }
        return Rollout(
            torch.cat(seqs),
            ca.PROMPT_LEN,
            torch.tensor([*rewards, *extra], dtype=torch.float32),
            torch.tensor(groups),
            info=info,
        )

    def log(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        return {} if batch is None else dict(batch.info)

    def held_out(step: int, policy: torch.nn.Module, batch: Rollout | None) -> dict[str, float]:
        if step == 0 and start_metrics is not None:
            return start_metrics
        return {} if eval_fn is None else eval_fn(policy)

    return core.train(
        model,
        rollout,
        settings,
        log=log,
        evaluate=held_out,
        eval_every=eval_every,
        device=device,
        desc=settings.critique or "GRPO",
    )


def compare(
    model: torch.nn.Module | Mapping[int, torch.nn.Module],
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[ca.Problem],
    arms: dict[str, CritiqueSettings],
    seeds: Sequence[int],
    eval_fn: Callable | None = None,
    eval_every: int = 10,
    device: str = "cpu",
) -> tuple[pd.DataFrame, dict[tuple[str, int], torch.nn.Module]]:
    """:func:`train` for every named arm and seed; logs stacked with ``arm`` and ``seed``.

    ``model`` is one base or ``{seed: base}`` (a base per seed: every arm of seed ``s`` starts from base ``s``).
    Each base is evaluated once; every run from it logs those metrics at step 0.
    """
    bases = core.base_per_seed(model, seeds)
    distinct = {id(b): b for b in bases.values()}  # a base shared by several seeds is evaluated once
    evaluated = {key: eval_fn(b) for key, b in distinct.items()} if eval_fn is not None else {}
    starts = {s: evaluated.get(id(bases[s])) for s in seeds}
    return core.sweep(
        arms,
        seeds,
        lambda _, settings, s: train(
            bases[s], tokenizer, problems, settings, s, eval_fn, eval_every, device, starts[s]
        ),
    )
