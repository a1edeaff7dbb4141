"""Recipes for the base models that notebooks share, trained once and cached by their full recipe.

A base model is "SFT on a task family". Its cache key is the hash of everything that
determines its weights (model shape, training settings, data recipe, init seed,
:data:`helpers.models.CACHE_VERSION`, and the source of the modules that build, tokenise,
train and generate its data), so the lab and n01 reuse one base per build, and any change
to the recipe or to that code trains a new one. See :func:`helpers.models.cached_model`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from types import ModuleType
from typing import Any

from helpers import models as _models
from helpers import tokenizer as _tokenizer
from helpers import train as _train
from helpers.models import CachedModel, TinyLMConfig, build_model, cached_model, code_hash
from helpers.tasks import (chain_arithmetic, column_addition, hidden_preferences, key_lookup, marketplace, noisy_addition, plan_execute, rubric_answers,
                           shard_search, verify_chain)
from helpers.tokenizer import build_char_tokenizer
from helpers.train import SFTSettings, sft


def _code(task: ModuleType) -> str:
    """The cache-key part for the code a base depends on: model, tokenizer, SFT loop and its task."""
    return code_hash(_models, _tokenizer, _train, task)


def _sft_base(recipe: str, task: ModuleType, config: TinyLMConfig, settings: SFTSettings, extra: dict[str, Any],
              make_pairs: Callable[[int], list[tuple[str, str]]], device: str, progress: bool) -> CachedModel:
    """SFT a fresh model on ``make_pairs(num_examples)``, cached under the recipe's full description.

    The cache key holds ``recipe``, the model config, the SFT settings, ``extra`` (the data
    recipe), the number of examples and the source of the code involved. The returned model
    is on ``device`` in eval mode; ``history["sft_loss"]`` is its loss curve.
    """
    num_examples = settings.num_steps * settings.batch_size
    spec = {"recipe": recipe, "model": asdict(config), "sft": asdict(settings), **extra,
            "num_examples": num_examples, "code": _code(task)}

    def train():  # noqa: ANN202
        tokenizer = build_char_tokenizer()
        model = build_model(config, tokenizer, seed=settings.seed)
        losses = sft(model, tokenizer, make_pairs(num_examples), settings, device=device, progress=progress)
        return model.cpu(), tokenizer, {"sft_loss": losses}

    base = cached_model(spec, train)
    base.model.to(device).eval()
    return base


def noisy_addition_base(config: TinyLMConfig, settings: SFTSettings, confidence_style: str = "overconfident",
                        device: str = "cpu", progress: bool = True) -> CachedModel:
    """The SFT base for noisy addition (see :mod:`helpers.tasks.noisy_addition`), cached."""
    return _sft_base("noisy_addition_base", noisy_addition, config, settings, {"confidence_style": confidence_style},
                     lambda n: noisy_addition.sft_examples(n, seed=settings.seed, confidence_style=confidence_style),
                     device, progress)


def key_lookup_base(config: TinyLMConfig, settings: SFTSettings, task: key_lookup.KeyTask = key_lookup.KeyTask(),
                    device: str = "cpu", progress: bool = True) -> CachedModel:
    """The SFT base for key lookup (see :mod:`helpers.tasks.key_lookup`), cached: it learns the teacher's prior."""
    return _sft_base("key_lookup_base", key_lookup, config, settings, {"task": asdict(task)},
                     lambda n: key_lookup.sft_examples(key_lookup.make_keys(task), n, seed=settings.seed), device, progress)


def column_addition_base(config: TinyLMConfig, settings: SFTSettings, refine_share: float = 0.5, device: str = "cpu",
                         progress: bool = True) -> CachedModel:
    """The SFT base for column addition with critiques (see :mod:`helpers.tasks.column_addition`), cached."""
    return _sft_base("column_addition_base", column_addition, config, settings, {"refine_share": refine_share},
                     lambda n: column_addition.sft_examples(n, seed=settings.seed, refine_share=refine_share),
                     device, progress)


def plan_execute_base(config: TinyLMConfig, settings: SFTSettings, prior: tuple[float, ...] = plan_execute.TEACHER_PRIOR,
                      corruption: float = 0.25, max_digit: int = plan_execute.MAX_DIGIT, practice_share: float = 0.5,
                      device: str = "cpu", progress: bool = True) -> CachedModel:
    """The SFT base for plan-then-execute (see :mod:`helpers.tasks.plan_execute`), cached: a skewed plan habit, noisy execution."""
    return _sft_base("plan_execute_base", plan_execute, config, settings,
                     {"prior": list(prior), "corruption": corruption, "max_digit": max_digit, "practice_share": practice_share},
                     lambda n: plan_execute.sft_examples(n, seed=settings.seed, prior=prior, corruption=corruption,
                                                         max_digit=max_digit, practice_share=practice_share),
                     device, progress)


def marketplace_base(config: TinyLMConfig, settings: SFTSettings, world: marketplace.World = marketplace.World(),
                     device: str = "cpu", progress: bool = True) -> CachedModel:
    """The SFT base for the toy marketplace (see :mod:`helpers.tasks.marketplace`), cached: truthful but for a habit."""
    return _sft_base("marketplace_base", marketplace, config, settings, {"world": asdict(world)},
                     lambda n: marketplace.sft_examples(marketplace.make_items(world), n, seed=settings.seed, world=world),
                     device, progress)


def shard_search_base(config: TinyLMConfig, settings: SFTSettings, style: str, device: str = "cpu",
                      progress: bool = True) -> CachedModel:
    """The SFT base for the shard-search agent (see :mod:`helpers.tasks.shard_search`): ``"diverse"`` or ``"narrow"`` demos."""
    return _sft_base("shard_search_base", shard_search, config, settings, {"style": style},
                     lambda n: shard_search.sft_examples(n, seed=settings.seed, style=style), device, progress)


def rubric_answers_base(config: TinyLMConfig, settings: SFTSettings, device: str = "cpu", progress: bool = True) -> CachedModel:
    """The SFT base for the rubric task (see :mod:`helpers.tasks.rubric_answers`), cached: a noisy, sometimes stuffing answerer."""
    return _sft_base("rubric_answers_base", rubric_answers, config, settings, {},
                     lambda n: rubric_answers.sft_examples(n, seed=settings.seed), device, progress)


def hidden_preferences_base(config: TinyLMConfig, settings: SFTSettings, device: str = "cpu", progress: bool = True) -> CachedModel:
    """The phase-0 model of n09 (see :mod:`helpers.tasks.hidden_preferences`), cached: copies, and obeys hints in its context."""
    return _sft_base("hidden_preferences_base", hidden_preferences, config, settings, {},
                     lambda n: hidden_preferences.pretraining_examples(n, seed=settings.seed), device, progress)


def chain_arithmetic_base(config: TinyLMConfig, settings: SFTSettings, gold: list[tuple[str, str]], device: str = "cpu",
                          progress: bool = True) -> CachedModel:
    """The round-0 model of n13: SFT on the small labelled ``gold`` set of chain-arithmetic problems, cached."""
    return _sft_base("chain_arithmetic_base", chain_arithmetic, config, settings, {"gold": gold}, lambda n: gold, device, progress)


def reward_model_base(config: TinyLMConfig, settings: SFTSettings, style: str, device: str = "cpu", progress: bool = True) -> CachedModel:
    """An n14 reward model (``style`` "outcome" or "reasoning", see :mod:`helpers.tasks.verify_chain`), cached per init seed."""
    return _sft_base("reward_model_base", verify_chain, config, settings, {"style": style},
                     lambda n: verify_chain.sft_examples(n, seed=settings.seed, style=style), device, progress)
