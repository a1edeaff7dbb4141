"""GRPO and Critique-GRPO on the column-addition task, and refinement success per critique kind.

**GRPO** samples ``group_size`` traces per prompt, rewards each 1/0 (exact trace) and
weights its log-probability by the group-normalised advantage. **Critique-GRPO** (Zhang et
al., 2025) samples ``group_size - 1`` traces, gives one failed trace per prompt a critique,
samples the model's refinement *given* the critique, and puts that refinement into the
group as if it had been a response to the original prompt (critique stripped); advantages
are normalised over the mixed group. This is the paper's "7 rollouts + 1 refinement"
configuration. Simplification: the paper's shaping function (which up-weights unlikely
correct refinement tokens) is left out; the refinement's tokens get the plain policy gradient.
Rows with advantage 0 (uniform groups) are left out of the forward and backward pass, which
changes nothing but the cost (:func:`policy_gradient_loss`).

Every sequence has a fixed length (prompt 9, trace 16, critique 7 characters), so nothing
is padded. One on-policy gradient step per batch (PPO ratio 1), Adam.

Used by: n07.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from helpers.metrics import pass_at_k
from helpers.reinforce import sample_coefficients, sample_tokens, sequence_logprob
from helpers.runtime import progress
from helpers.tasks import column_addition as ca


@dataclass(frozen=True)
class CritiqueSettings:
    """Sizes of a (Critique-)GRPO run; ``critique=None`` is plain GRPO."""

    num_steps: int = 40
    prompts_per_step: int = 16
    group_size: int = 8
    learning_rate: float = 3e-4
    critique: str | None = None

    def __post_init__(self) -> None:
        if min(self.num_steps, self.prompts_per_step) < 1 or self.group_size < 2:
            raise ValueError(f"num_steps, prompts_per_step must be >= 1 and group_size >= 2, got {self}")
        if self.critique is not None and self.critique not in ca.CRITIQUES:
            raise ValueError(f"critique={self.critique!r} is not None or one of {ca.CRITIQUES}")


def _repeat(items: Sequence, times: int) -> list:
    """``[a, a, b, b]`` for ``([a, b], 2)``."""
    return [x for x in items for _ in range(times)]


def encode(tokenizer, texts: Sequence[str], device: str = "cpu") -> torch.Tensor:  # noqa: ANN001
    """Equal-length strings to a ``(rows, length)`` id tensor."""
    return tokenizer(list(texts), return_tensors="pt", add_special_tokens=False)["input_ids"].to(device)


def decode(tokenizer, ids: torch.Tensor) -> list[str]:  # noqa: ANN001
    """One character per token (special tokens become ``?``), so decoded traces keep their length."""
    tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids.tolist()]
    return ["".join(t if len(t) == 1 else "?" for t in row) for row in tokens]


def cut_at_special(tokenizer, ids: torch.Tensor) -> tuple[list[str], torch.Tensor]:  # noqa: ANN001
    """Decoded rows cut before their first special token (EOS, pad, unknown), and that token's position per row.

    A row with no special token keeps all its tokens; its position is the row length. Used by
    the loops that sample free-length responses (n09, n11).
    """
    special = torch.isin(ids.cpu(), torch.tensor(tokenizer.all_special_ids))
    ends = torch.where(special.any(1), special.float().argmax(1), torch.full((len(ids),), ids.shape[1]))
    return [t[:e] for t, e in zip(decode(tokenizer, ids), ends.tolist())], ends


def attempt(model, tokenizer, problems: Sequence[ca.Problem], samples: int, generator: torch.Generator,  # noqa: ANN001
            device: str = "cpu") -> tuple[torch.Tensor, list[str]]:
    """``samples`` first attempts per problem (problem-major): their token ids and texts."""
    prompts = encode(tokenizer, [p.prompt for p in problems], device).repeat_interleave(samples, 0)
    ids = sample_tokens(model, prompts, ca.TRACE_LEN, generator)
    return ids, decode(tokenizer, ids)


def refine(model, tokenizer, problems: Sequence[ca.Problem], attempts: Sequence[str], kind: str,  # noqa: ANN001
           generator: torch.Generator, device: str = "cpu") -> tuple[torch.Tensor, list[str]]:
    """The model's refinement of each ``attempts[i]`` to ``problems[i]`` after a ``kind`` critique."""
    contexts = encode(tokenizer, [ca.refinement_context(p, a, kind) for p, a in zip(problems, attempts)], device)
    ids = sample_tokens(model, contexts, ca.TRACE_LEN, generator)
    return ids, decode(tokenizer, ids)


@torch.no_grad()
def evaluate(model, tokenizer, problems: Sequence[ca.Problem], samples: int = 8, seed: int = 0,  # noqa: ANN001
             device: str = "cpu") -> dict[str, float]:
    """Pass@1 (mean over ``samples``), Pass@``samples`` and the share of problems never solved."""
    _, texts = attempt(model, tokenizer, problems, samples, torch.Generator().manual_seed(seed), device)
    correct = np.array([ca.reward(p, t) for p, t in zip(_repeat(problems, samples), texts)]).reshape(len(problems), samples)
    counts = correct.sum(1).astype(int)
    return {"pass@1": float(correct.mean()), f"pass@{samples}": float(np.mean([pass_at_k(samples, c, samples) for c in counts])),
            "never solved": float((counts == 0).mean())}


@torch.no_grad()
def refinement_success(model, tokenizer, problems: Sequence[ca.Problem], kind: str, samples: int = 4, seed: int = 0,  # noqa: ANN001
                       device: str = "cpu") -> dict[str, float]:
    """Share of failed first attempts that the model fixes after a ``kind`` critique.

    Attempts and refinements are sampled at temperature 1 (the same attempts for every
    ``kind`` given the same ``seed``). Returns ``failed`` (count) and ``success`` (share).
    """
    return refinement_success_per_kind(model, tokenizer, problems, (kind,), samples, seed, device)[kind]


@torch.no_grad()
def refinement_success_per_kind(model, tokenizer, problems: Sequence[ca.Problem],  # noqa: ANN001
                                kinds: Sequence[str] = ca.CRITIQUES, samples: int = 4, seed: int = 0,
                                device: str = "cpu") -> dict[str, dict[str, float]]:
    """:func:`refinement_success` for several critique kinds, sampling the first attempts once.

    The same numbers as one :func:`refinement_success` call per kind (the attempts and each
    kind's refinements are drawn from the same seeded generators), for one attempt pass instead
    of one per kind.
    """
    generator = torch.Generator().manual_seed(seed)
    _, texts = attempt(model, tokenizer, problems, samples, generator, device)
    repeated = _repeat(problems, samples)
    failed = [(p, t) for p, t in zip(repeated, texts) if not ca.reward(p, t)]
    out = {}
    for kind in kinds:
        if not failed:
            out[kind] = {"failed": 0.0, "success": float("nan")}
            continue
        _, fixes = refine(model, tokenizer, [p for p, _ in failed], [t for _, t in failed], kind,
                          torch.Generator().manual_seed(seed + 1), device)
        out[kind] = {"failed": float(len(failed)),
                     "success": float(np.mean([ca.reward(p, f) for (p, _), f in zip(failed, fixes)]))}
    return out


def policy_gradient_loss(policy, seqs: torch.Tensor, coefficients: torch.Tensor,  # noqa: ANN001
                         width: int) -> torch.Tensor | None:
    """``-mean(c · log π(seq))`` over every row, computed on the rows whose coefficient is not 0.

    In a uniform group (all right or all wrong) every advantage is exactly 0, so those rows add
    nothing to the loss or to its gradient: they skip the forward and backward pass (on a
    plateaued model most groups are uniform). Same value and gradient as the full batch, up to
    float summation order; ``None`` when no row has a non-zero coefficient (the gradient is 0).
    """
    live = coefficients != 0
    if not bool(live.any()):
        return None
    return -(coefficients[live] * sequence_logprob(policy, seqs[live], width)).sum() / len(coefficients)


def _group_advantages(groups: list[list[float]]) -> list[float]:
    """GRPO's ``(r - mean) / (std + ε)`` within each (possibly ragged) group, flattened."""
    return [float(a) for g in groups for a in sample_coefficients(torch.tensor([g]), "GRPO")[0]]


def train(model, tokenizer, problems: Sequence[ca.Problem], settings: CritiqueSettings, seed: int,  # noqa: ANN001
          eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None, eval_every: int = 10,
          device: str = "cpu", start_metrics: dict[str, float] | None = None) -> tuple[pd.DataFrame, torch.nn.Module]:
    """Train a copy of ``model`` with GRPO (``settings.critique=None``) or Critique-GRPO.

    Returns ``(log, trained)``: per step the training reward of first attempts, the number of
    refinements and their success, plus ``eval_fn``'s metrics at step 0, every ``eval_every``
    steps and at the end. ``start_metrics``, when given, are ``eval_fn(model)`` already
    computed: they are logged at step 0 instead of evaluating the unchanged model again.
    """
    policy = copy.deepcopy(model).to(device).train()
    optimizer = torch.optim.Adam(policy.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    n_first = settings.group_size - (settings.critique is not None)
    log = []

    def record(step: int, **row: float) -> None:
        row["step"] = step
        if step == 0 and start_metrics is not None:
            row.update(start_metrics)
        elif eval_fn is not None and (step == 0 or step % eval_every == 0 or step == settings.num_steps):
            policy.eval()
            row.update(eval_fn(policy))
            policy.train()
        log.append(row)

    record(0)
    for step in progress(range(1, settings.num_steps + 1), desc=settings.critique or "GRPO"):
        batch = [problems[i] for i in rng.choice(len(problems), settings.prompts_per_step, replace=False)]
        policy.eval()
        ids, texts = attempt(policy, tokenizer, batch, n_first, generator, device)
        rewards = np.array([ca.reward(p, t) for p, t in zip(_repeat(batch, n_first), texts)]).reshape(len(batch), n_first)
        groups = [list(r) for r in rewards]
        prompt_ids = encode(tokenizer, [p.prompt for p in batch], device)
        seqs = [torch.cat([prompt_ids.repeat_interleave(n_first, 0), ids], dim=1)]
        refined, refined_ok = 0, 0.0
        if settings.critique is not None:
            chosen = [(i, i * n_first + int(rng.choice(np.flatnonzero(rewards[i] == 0))))
                      for i in range(len(batch)) if (rewards[i] == 0).any()]
            if chosen:
                fix_ids, fixes = refine(policy, tokenizer, [batch[i] for i, _ in chosen], [texts[j] for _, j in chosen],
                                        settings.critique, generator, device)
                for (i, _), fix in zip(chosen, fixes):
                    groups[i].append(ca.reward(batch[i], fix))
                # the refinement is trained as a response to the original prompt: critique stripped
                seqs.append(torch.cat([prompt_ids[[i for i, _ in chosen]], fix_ids], dim=1))
                refined, refined_ok = len(chosen), float(np.mean([groups[i][-1] for i, _ in chosen]))
        # order the coefficients like the sequences: all first attempts, then the refinements
        advantages = _group_advantages(groups)
        offsets = np.cumsum([0] + [len(g) for g in groups])
        first = [advantages[offsets[i] + j] for i in range(len(batch)) for j in range(n_first)]
        extra = [advantages[offsets[i] + n_first] for i in range(len(batch)) if len(groups[i]) > n_first]
        coefficients = torch.tensor(first + extra, device=device)
        policy.train()
        loss = policy_gradient_loss(policy, torch.cat(seqs), coefficients, ca.PROMPT_LEN)
        optimizer.zero_grad(set_to_none=True)
        if loss is None:  # every group uniform: the full batch's gradient is exactly zero
            for parameter in policy.parameters():
                parameter.grad = torch.zeros_like(parameter)
        else:
            loss.backward()
        optimizer.step()  # Adam's momentum moves the weights even on a zero gradient, as before
        record(step, train_reward=float(rewards.mean()), refinements=float(refined), refinement_success=refined_ok)
    policy.eval()
    return pd.DataFrame(log), policy


def compare(model, tokenizer, problems: Sequence[ca.Problem], arms: dict[str, CritiqueSettings], seeds: Sequence[int],  # noqa: ANN001
            eval_fn: Callable | None = None, eval_every: int = 10,
            device: str = "cpu") -> tuple[pd.DataFrame, dict[tuple[str, int], torch.nn.Module]]:
    """:func:`train` for every named arm and seed from the same base; logs stacked with ``arm`` and ``seed``.

    The base is evaluated once; every run logs those metrics at step 0.
    """
    logs, models = [], {}
    start = eval_fn(model) if eval_fn is not None else None
    for name, settings in arms.items():
        for seed in seeds:
            log, models[(name, seed)] = train(model, tokenizer, problems, settings, seed, eval_fn, eval_every, device, start)
            logs.append(log.assign(arm=name, seed=seed))
    return pd.concat(logs, ignore_index=True), models
