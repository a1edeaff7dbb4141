"""The policy-gradient core: group advantages, one loss, one training loop.

Every hand-written RL loop of the book is this loop with a different *rollout* (how
responses are sampled and rewarded) and, for some methods, a different *advantage* (how a
reward becomes the weight of each token's log-probability). The conventions are TRL's, and
``tests/test_core.py`` checks that this loss's gradient equals ``GRPOTrainer``'s:

* **normalisation** (:func:`group_advantages`, TRL's ``scale_rewards``): ``"group"``,
  ``(r - mean) / (std + 1e-4)`` within each group with the sample standard deviation; or
  ``"none"``, ``r - mean`` (Dr. GRPO's choice, used by n09, where the reward advantage is
  added to a per-token distillation term and must not be rescaled by the group's spread);
* **aggregation** (:func:`policy_gradient_loss`, TRL's ``loss_type``): ``"dapo"``, the sum
  over every trained token of the batch divided by their number, the book's one convention
  (TRL's default; on one process without gradient accumulation it is TRL's ``"bnpo"``);
  ``"grpo"`` (mean per response, then over responses) and ``"dr_grpo"`` (sum divided by
  responses × maximum length) are there to compare.

One on-policy gradient step per batch, so PPO's ratio is 1 and its clipped objective has
the gradient of ``-A · log π``. Rows whose advantages are all zero (a group in which every
response got the same reward) add nothing to the loss or its gradient, so they skip the
forward and backward pass; the loss keeps the whole batch's denominator.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import pandas as pd
import torch

from helpers.lm.sampling import logits_and_logprobs
from helpers.runtime import progress

SCALES: tuple[str, ...] = ("group", "none")
LOSS_TYPES: tuple[str, ...] = ("dapo", "grpo", "dr_grpo")


@dataclass
class Rollout:
    """One batch of sampled responses, what the loss needs and what the method logs.

    ``seqs`` are prompt + response ids, ``(rows, prompt_length + length)``; ``rewards`` and
    ``groups`` (the prompt each row answers) are ``(rows,)``; ``mask`` marks the trained
    response tokens, ``(rows, length)`` (``None``: all); ``logprobs`` are log π of the
    response tokens at sampling time (optional); ``info`` holds anything else the method
    wants to log or reuse (texts, hints, the batch's scores).
    """

    seqs: torch.Tensor
    prompt_length: int
    rewards: torch.Tensor
    groups: torch.Tensor
    mask: torch.Tensor | None = None
    logprobs: torch.Tensor | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        """Response tokens per row."""
        return self.seqs.shape[1] - self.prompt_length

    def response_mask(self) -> torch.Tensor:
        """The trained-token mask, all ones when ``mask`` is ``None``."""
        if self.mask is None:
            return torch.ones(len(self.seqs), self.length, device=self.seqs.device)
        return self.mask.float().to(self.seqs.device)


def groups_of(prompts: int, group_size: int) -> torch.Tensor:
    """Group ids ``[0, 0, …, 1, 1, …]`` for ``prompts`` consecutive groups of ``group_size``."""
    return torch.arange(prompts).repeat_interleave(group_size)


def group_advantages(rewards: torch.Tensor, groups: torch.Tensor | None = None, scale: str = "group") -> torch.Tensor:
    """GRPO's advantage of every reward relative to its group (see the module docstring).

    ``rewards`` is ``(prompts, group_size)``, or flat ``(rows,)`` with ``groups`` giving each
    row's group id (groups may differ in size). A group of one, and a group whose rewards are
    all equal, get advantage exactly 0: in float arithmetic the mean of eight equal rewards
    such as 5/6 can be off by 1e-7, which the division by ``std + 1e-4`` would turn into a
    spurious ±1e-3 (TRL's formula keeps that artefact; a uniform group carries no signal).
    Computed on the CPU in a fixed order, so the result does not depend on the device.
    """
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r} is not one of {SCALES}")
    device = rewards.device
    if groups is None:
        if rewards.dim() != 2:
            raise ValueError("rewards without groups must be (prompts, group_size)")
        shape = rewards.shape
        groups, rewards = groups_of(shape[0], shape[1]), rewards.reshape(-1)
    else:
        shape = rewards.shape
    rewards = rewards.detach().float().cpu()
    ids = torch.unique(groups.cpu(), return_inverse=True)[1]
    size = int(ids.max()) + 1
    count = torch.zeros(size).index_add_(0, ids, torch.ones_like(rewards))
    mean = torch.zeros(size).index_add_(0, ids, rewards) / count
    centred = rewards - mean[ids]
    if scale == "group":
        var = torch.zeros(size).index_add_(0, ids, centred**2) / (count - 1).clamp_min(1)
        centred = centred / (var.sqrt()[ids] + 1e-4)
    low = torch.full((size,), float("inf")).scatter_reduce(0, ids, rewards, "amin")
    high = torch.full((size,), float("-inf")).scatter_reduce(0, ids, rewards, "amax")
    centred = torch.where((low == high)[ids], torch.zeros_like(centred), centred)
    return centred.reshape(shape).to(device)


def policy_gradient_loss(
    logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    loss_type: str = "dapo",
    rows: int | None = None,
    tokens: torch.Tensor | float | None = None,
) -> torch.Tensor:
    """``-A · log π`` over the trained tokens, aggregated as TRL's ``loss_type``.

    ``logprobs`` and ``mask`` are ``(rows, length)``; ``advantages`` is ``(rows,)`` (one per
    response) or ``(rows, length)`` (per token). ``rows`` and ``tokens`` are the whole
    batch's number of responses and of trained tokens when these rows are a subset of it
    (defaults: this subset's).
    """
    if loss_type not in LOSS_TYPES:
        raise ValueError(f"loss_type={loss_type!r} is not one of {LOSS_TYPES}")
    if advantages.dim() == 1:
        advantages = advantages[:, None]
    per_token = -advantages * logprobs * mask
    rows = len(logprobs) if rows is None else rows
    if loss_type == "grpo":
        return (per_token.sum(-1) / mask.sum(-1).clamp(min=1.0)).sum() / rows
    if loss_type == "dr_grpo":
        return per_token.sum() / (rows * logprobs.shape[1])
    tokens = mask.sum() if tokens is None else tokens
    return per_token.sum() / max(float(tokens), 1.0)


def rollout_loss(
    policy: torch.nn.Module,
    rollout: Rollout,
    advantages: torch.Tensor,
    loss_type: str = "dapo",
    extra_loss: Callable[[Rollout, torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor | None:
    """The loss of one step on ``rollout`` (with grad), ``None`` when its gradient is exactly 0.

    Only rows with a non-zero advantage on a trained token go through the model, unless
    ``extra_loss(rollout, logits)`` (e.g. a distillation term) needs the logits of every row.
    """
    mask = rollout.response_mask()
    per_token = advantages if advantages.dim() == 2 else advantages[:, None].expand_as(mask)
    live = ((per_token != 0) & (mask > 0)).any(1)
    if extra_loss is None and not bool(live.any()):
        return None
    keep = live if extra_loss is None else torch.ones_like(live)
    logits, logp = logits_and_logprobs(policy, rollout.seqs[keep], rollout.prompt_length)
    loss = policy_gradient_loss(logp, per_token[keep], mask[keep], loss_type, rows=len(mask), tokens=mask.sum())
    if extra_loss is not None:
        loss = loss + extra_loss(rollout, logits)
    return loss


class Budget(Protocol):
    """What :func:`train` needs of a run's settings: how many steps, at which Adam learning rate."""

    num_steps: int
    learning_rate: float


@dataclass(frozen=True)
class RLSettings:
    """The sizes every on-policy RL run of the book has; each method's settings class extends it.

    A method adds its own fields (``alpha``, ``critique``, ``combiner``, ...) and, where its spec
    differs, its own defaults for these four; :func:`train` reads ``num_steps`` and
    ``learning_rate``, the method's rollout the other two. ``min_group`` is 2 for a method whose
    advantage compares the samples of a group. Validated on construction: steps, prompts, evaluation
    cadence and samples (where a subclass has them) >= 1, ``group_size >= min_group``, learning rate > 0,
    each failure a ``ValueError`` naming the field, so a bad notebook parameter says what to fix.
    """

    min_group: ClassVar[int] = 1

    num_steps: int = 60
    prompts_per_step: int = 16
    group_size: int = 8
    learning_rate: float = 3e-4

    def __post_init__(self) -> None:
        name = type(self).__name__
        for field_name in ("num_steps", "prompts_per_step", "eval_every", "eval_rollouts"):
            value = getattr(self, field_name, 1)
            if value < 1:
                raise ValueError(f"{name}.{field_name} must be >= 1, got {value}")
        if self.group_size < self.min_group:
            raise ValueError(f"{name}.group_size must be >= {self.min_group}, got {self.group_size}")
        if self.learning_rate <= 0:
            raise ValueError(f"{name}.learning_rate must be > 0, got {self.learning_rate}")


def evaluation_due(step: int, every: int, last: int) -> bool:
    """The book's evaluation cadence, in one place: step 0, every ``every`` steps, and the last step."""
    return step % every == 0 or step == last


def train(
    model: torch.nn.Module,
    rollout: Callable[[torch.nn.Module, int], Rollout],
    settings: Budget,
    *,
    advantages: Callable[[Rollout], torch.Tensor] | None = None,
    scale: str = "group",
    loss_type: str = "dapo",
    extra_loss: Callable[[Rollout, torch.Tensor], torch.Tensor] | None = None,
    after_backward: Callable[[torch.nn.Module], None] | None = None,
    log: Callable[[int, torch.nn.Module, Rollout | None], dict[str, float] | None] | None = None,
    evaluate: Callable[[int, torch.nn.Module, Rollout | None], dict[str, float]] | None = None,
    eval_every: int | None = None,
    device: str = "cpu",
    desc: str = "RL",
    show_progress: bool = True,
) -> tuple[pd.DataFrame, torch.nn.Module]:
    """On-policy RL of a copy of ``model`` with Adam: the one loop of the book's hand-written methods.

    ``settings`` gives ``num_steps`` and ``learning_rate`` (an :class:`RLSettings`, or any object with
    both). Each step: ``rollout(policy, step)`` samples and rewards a batch (eval mode, no grad);
    ``advantages(rollout)`` (default: :func:`group_advantages` of its rewards with ``scale``)
    weights it; :func:`rollout_loss` is back-propagated; ``after_backward(policy)`` may read
    the gradients; Adam steps (also on an exactly-zero gradient, as the full batch would).
    ``log(step, policy, rollout)`` is called at step 0 (``rollout=None``) and after every
    step, in eval mode; the rows it returns (``None``: nothing) form the returned log, each
    with ``step`` unless the row sets its own. ``evaluate(step, policy, rollout)``, the
    method's held-out evaluation, runs on the book's one cadence (:func:`evaluation_due`: step 0,
    every ``eval_every`` steps, default ``settings.eval_every``, and the last), after ``log``,
    its values joining that step's row. Returns ``(log, trained policy)``.
    """
    num_steps, learning_rate = settings.num_steps, settings.learning_rate
    every = eval_every if eval_every is not None else getattr(settings, "eval_every", 1)
    if num_steps < 1 or learning_rate <= 0:
        raise ValueError(f"need num_steps >= 1 and learning_rate > 0, got {num_steps}, {learning_rate}")
    policy = copy.deepcopy(model).to(device).train()
    optimizer = torch.optim.Adam(policy.parameters(), lr=learning_rate)
    rows: list[dict[str, float]] = []

    def record(step: int, batch: Rollout | None) -> None:
        due = evaluate is not None and evaluation_due(step, every, num_steps)
        if log is None and not due:
            return
        policy.eval()
        row = log(step, policy, batch) if log is not None else None
        if due:
            row = {**(row or {}), **evaluate(step, policy, batch)}
        policy.train()
        if row is not None:
            rows.append({"step": step, **row})

    record(0, None)
    for step in progress(range(1, num_steps + 1), desc=desc, disable=not show_progress):
        policy.eval()
        with torch.no_grad():
            batch = rollout(policy, step)
        policy.train()
        weights = advantages(batch) if advantages is not None else group_advantages(batch.rewards, batch.groups, scale)
        loss = rollout_loss(policy, batch, weights.to(batch.seqs.device), loss_type, extra_loss)
        optimizer.zero_grad(set_to_none=True)
        if loss is None:
            for parameter in policy.parameters():
                parameter.grad = torch.zeros_like(parameter)
        else:
            loss.backward()
        if after_backward is not None:
            after_backward(policy)
        optimizer.step()
        record(step, batch)
    policy.eval()
    return pd.DataFrame(rows), policy


def base_per_seed(model: Any, seeds: Sequence[int]) -> Mapping[int, Any]:
    """``{seed: base}`` from one base shared by every seed, or from a mapping that holds a base per seed."""
    if isinstance(model, Mapping):
        missing = [s for s in seeds if s not in model]
        if missing:
            raise ValueError(f"no base for seed(s) {missing}; the bases are for seeds {sorted(model)}")
        return model
    return dict.fromkeys(seeds, model)


def sweep(
    arms: Mapping[str, Any], seeds: Sequence[int], run: Callable[[str, Any, int], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """Run every arm on every seed: the one arms × seeds runner of the book.

    ``run(name, arm, seed)`` returns ``(log, …, model)``: one or more data frames, then the
    trained model. Returns the frames stacked per position, each with ``arm`` and ``seed``
    columns, and a dict ``{(name, seed): model}``.
    """
    logs, models = [], {}
    for name, arm in arms.items():
        for seed in seeds:
            *frames, models[(name, seed)] = run(name, arm, seed)
            logs.append([frame.assign(arm=name, seed=seed) for frame in frames])
    return (*[pd.concat(column, ignore_index=True) for column in zip(*logs)], models)
