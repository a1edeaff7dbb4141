"""Supervised training (pretraining / SFT) of a tiny causal LM on (prompt, completion) pairs.

A plain PyTorch loop, small enough to read in one sitting: the loss is next-token
cross-entropy on the completion and its end-of-sequence token only (the prompt is
context, not target). Used by every notebook that trains a base model before RL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from helpers.runtime import progress as progress_bar

if TYPE_CHECKING:
    from transformers import GPT2LMHeadModel, PreTrainedTokenizerFast

    from helpers.lm.models import CachedModel, TinyLMConfig


@dataclass(frozen=True)
class SFTSettings:
    """Hyper-parameters of :func:`sft`."""

    num_steps: int = 600
    batch_size: int = 64
    learning_rate: float = 3e-3
    warmup_steps: int = 30
    weight_decay: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.num_steps <= 0 or self.batch_size <= 0:
            raise ValueError(f"num_steps and batch_size must be positive, got {self}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")


def encode_pairs(
    tokenizer: PreTrainedTokenizerBase, pairs: list[tuple[str, str]]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Tokenise ``prompt + completion + <eos>`` pairs, right-padded.

    Returns ``(input_ids, attention_mask, labels)``; labels are ``-100`` on the prompt and padding.
    """
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    prompts = tokenizer([p for p, _ in pairs], add_special_tokens=False)["input_ids"]  # one call each: fast
    completions = tokenizer([c for _, c in pairs], add_special_tokens=False)["input_ids"]
    seqs, masks = [], []
    for p, c in zip(prompts, completions):
        c = c + [eos]
        seqs.append(p + c)
        masks.append([0] * len(p) + [1] * len(c))
    width = max(len(s) for s in seqs)
    input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    attention = torch.zeros((len(seqs), width), dtype=torch.long)
    labels = torch.full((len(seqs), width), -100, dtype=torch.long)
    for i, (s, m) in enumerate(zip(seqs, masks)):
        input_ids[i, : len(s)] = torch.tensor(s)
        attention[i, : len(s)] = 1
        labels[i, : len(s)] = torch.where(torch.tensor(m) == 1, torch.tensor(s), torch.tensor(-100))
    return input_ids, attention, labels


def sft(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    pairs: list[tuple[str, str]],
    settings: SFTSettings,
    device: str = "cpu",
    progress: bool = True,
    stop: Callable[[int], bool] | None = None,
) -> list[float]:
    """Train ``model`` in place on ``pairs`` with AdamW; return the loss of every step.

    Batches walk through a seeded permutation of ``pairs`` (reshuffled each epoch),
    the learning rate warms up linearly, then stays constant. ``stop(steps_done)``, if given,
    is asked after every step and ends training early when it returns True (training to a
    criterion; it may evaluate the model, which is put back in training mode afterwards), so
    ``settings.num_steps`` is then a maximum.
    """
    if not pairs:
        raise ValueError("sft needs at least one (prompt, completion) pair")
    input_ids, attention, labels = encode_pairs(tokenizer, pairs)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, settings.warmup_steps))
    )
    generator = torch.Generator().manual_seed(settings.seed)
    order = torch.randperm(len(pairs), generator=generator)
    cursor, losses = 0, []
    for _ in progress_bar(range(settings.num_steps), desc="SFT", disable=not progress):
        if cursor + settings.batch_size > len(order):
            order, cursor = torch.randperm(len(pairs), generator=generator), 0
        idx = order[cursor : cursor + settings.batch_size]
        cursor += settings.batch_size
        out = model(
            input_ids=input_ids[idx].to(device),
            attention_mask=attention[idx].to(device),
            labels=labels[idx].to(device),
        )
        optimizer.zero_grad(set_to_none=True)
        out.loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(out.loss.item())
        if stop is not None:
            if stop(len(losses)):
                break
            model.train()
    model.eval()
    return losses


def cached_base(
    recipe: str,
    task: str,
    config: TinyLMConfig,
    settings: SFTSettings,
    extra: dict,
    make_pairs: Callable[[int], Any],
    device: str = "cpu",
    progress: bool = True,
    stop: Callable[[PreTrainedModel, PreTrainedTokenizerBase, int], dict[str, float] | None] | None = None,
) -> CachedModel:
    """SFT a fresh tiny GPT on ``make_pairs(num_examples)``: a task's base model, trained once and cached.

    The cache key (:func:`helpers.lm.models.cached_model`) holds ``recipe``, the model config,
    the SFT settings, ``extra`` (the data recipe, and the parameters of ``stop``), the number of
    examples, where it trains (device type and torch's CPU thread count: both change the weights)
    and the source of the code that determines the weights: model, tokenizer, this SFT loop and
    the task module ``task`` (its dotted name), which owns the recipe and any ``stop`` rule. So
    the lab and n01 reuse one base per build, and any change to the recipe or to that code trains
    a new one. The returned :class:`~helpers.lm.models.CachedModel` is on ``device`` in eval mode;
    ``history["sft_loss"]`` is its loss curve.

    ``stop(model, tokenizer, steps_done)`` trains to a criterion: it returns ``None`` when it does
    not check at this step, else the numbers it checked, with ``"met"`` (1.0 or 0.0) among them;
    training ends at the first check that is met (``settings.num_steps`` is the maximum), and
    ``history["checks"]`` keeps every check with its step.
    """
    import importlib
    from dataclasses import asdict

    from helpers.lm import models, tokenizer
    from helpers.lm.models import build_model, cached_model, code_hash

    module = importlib.import_module(task)
    num_examples = settings.num_steps * settings.batch_size
    spec = {
        "recipe": recipe,
        "model": asdict(config),
        "sft": asdict(settings),
        **extra,
        "num_examples": num_examples,
        "compute": {"device": torch.device(device).type, "threads": torch.get_num_threads()},
        "code": code_hash(models, tokenizer, importlib.import_module(__name__), module),
    }

    def train() -> tuple[GPT2LMHeadModel, PreTrainedTokenizerFast, dict[str, Any]]:
        tok = tokenizer.build_char_tokenizer()
        model = build_model(config, tok, seed=settings.seed)
        checks: list[dict[str, float]] = []

        def until(step: int) -> bool:
            found = stop(model, tok, step) if stop is not None else None
            if found is not None:
                checks.append({"step": step, **found})
            return bool(found and found["met"])

        losses = sft(
            model,
            tok,
            make_pairs(num_examples),
            settings,
            device=device,
            progress=progress,
            stop=until if stop is not None else None,
        )
        return model.cpu(), tok, {"sft_loss": losses, "checks": checks}

    base = cached_model(spec, train)
    base.model.to(device).eval()
    return base


def bases_by_seed(
    make_base: Callable[[SFTSettings], Any], settings: SFTSettings, seeds: Sequence[int]
) -> dict[int, Any]:
    """One base per verdict seed: ``{s: make_base(settings with seed=s)}``.

    A verdict seed is a (base, RL) pair: seed ``s`` trains base ``s`` (its initialisation, its
    task data draw and its batch order all come from ``settings.seed``) and every arm of seed ``s``
    starts from it, so arm comparisons stay paired and the interval over seeds covers the base
    as well as the RL run. Each base is cached (:func:`cached_base`), so notebooks with the same
    recipe share base ``s`` within a build. ``make_base`` is a task's ``base`` with its other
    arguments bound, e.g. ``lambda st: na.base(config, st, device=device)``.

    ``$BOOK_BASE_SEED_PERIOD`` (set only by ``make variance``) maps seed ``s`` to base ``s mod period``,
    so seeds ``s`` and ``s + period`` share a base and differ in their RL seed: the split of a
    criterion's variance into between bases and within a base (see :mod:`bookkit.variance`).
    """
    period = int(os.environ.get("BOOK_BASE_SEED_PERIOD", "0"))
    return {seed: make_base(replace(settings, seed=seed % period if period > 0 else seed)) for seed in seeds}
