"""GRPO through TRL's :class:`~trl.GRPOTrainer`, with the book's defaults for tiny models.

:func:`train_grpo` wraps the real trainer: it builds the :class:`~trl.GRPOConfig`
(CPU-safe, offline, no checkpoints, no gradient checkpointing), turns a list of
prompt rows into a dataset whose extra columns reach the reward functions, shows
one progress bar, runs an evaluation callback every few steps, and returns a tidy
per-step history. Rewards are plain functions with TRL's signature
``f(prompts, completions, **columns) -> list[float]``; several are summed.

Used by: the lab notebook and every GRPO claim notebook.
"""

from __future__ import annotations

import copy
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from transformers import PreTrainedModel, PreTrainedTokenizerBase, TrainerCallback
from transformers.trainer_callback import PrinterCallback, ProgressCallback

from helpers.rl.core import RLSettings, base_per_seed, evaluation_due, sweep
from helpers.runtime import progress as progress_bar

if TYPE_CHECKING:
    from transformers import TrainerControl, TrainerState, TrainingArguments
    from trl import GRPOConfig

RewardFn = Callable[..., list[float]]
TRL_LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo")


@dataclass(frozen=True)
class GRPOSettings(RLSettings):
    """Hyper-parameters of :func:`train_grpo` (names follow TRL's where they exist)."""

    min_group = 2
    num_steps: int = 150
    prompts_per_step: int = 32
    learning_rate: float = 1e-3
    max_completion_length: int = 4
    temperature: float = 1.0
    beta: float = 0.0
    loss_type: str = "dapo"
    scale_rewards: str = "group"
    max_grad_norm: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.loss_type not in TRL_LOSS_TYPES:
            raise ValueError(f"loss_type={self.loss_type!r} is not one of {TRL_LOSS_TYPES}")


class _EvalAndProgress(TrainerCallback):
    """One tqdm bar, and ``eval_fn(model)`` at step 0 and every ``eval_every`` steps."""

    def __init__(
        self,
        eval_fn: Callable[[PreTrainedModel], dict[str, float]] | None,
        eval_every: int,
        num_steps: int,
        desc: str,
        progress: bool,
    ) -> None:
        self.eval_fn, self.eval_every = eval_fn, eval_every
        self.records: list[dict[str, float]] = []
        self.bar = progress_bar(total=num_steps, desc=desc, disable=not progress)

    def _evaluate(self, step: int, model: PreTrainedModel) -> None:
        if self.eval_fn is None:
            return
        was_training = model.training
        model.eval()
        self.records.append({"step": step, **self.eval_fn(model)})
        model.train(was_training)

    def on_train_begin(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        model: PreTrainedModel | None = None,
        **kwargs: Any,
    ) -> None:
        self._evaluate(0, model)

    def on_step_end(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        model: PreTrainedModel | None = None,
        **kwargs: Any,
    ) -> None:
        self.bar.update(1)
        if evaluation_due(state.global_step, self.eval_every, state.max_steps):
            self._evaluate(state.global_step, model)

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        self.bar.close()


def grpo_config(settings: GRPOSettings, device: str, output_dir: str) -> GRPOConfig:
    """The :class:`~trl.GRPOConfig` for ``settings`` on ``device`` (``"cpu"``, ``"cuda"``, ``"mps"``)."""
    from trl import GRPOConfig

    return GRPOConfig(
        output_dir=output_dir,
        max_steps=settings.num_steps,
        per_device_train_batch_size=settings.prompts_per_step * settings.group_size,
        num_generations=settings.group_size,
        max_completion_length=settings.max_completion_length,
        temperature=settings.temperature,
        learning_rate=settings.learning_rate,
        lr_scheduler_type="constant",
        beta=settings.beta,
        loss_type=settings.loss_type,
        scale_rewards=settings.scale_rewards,
        max_grad_norm=settings.max_grad_norm,
        seed=settings.seed,
        use_cpu=device == "cpu",
        bf16=False,
        fp16=False,
        activation_checkpointing=False,  # TRL defaults to on; it only slows a tiny model
        disable_dropout=True,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


def train_grpo(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[dict[str, Any]],
    reward_funcs: Sequence[RewardFn],
    settings: GRPOSettings,
    device: str = "cpu",
    eval_fn: Callable[[PreTrainedModel], dict[str, float]] | None = None,
    eval_every: int = 10,
    reward_weights: Sequence[float] | None = None,
    desc: str = "GRPO",
    progress: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train ``model`` in place with TRL's GRPO on prompts ``rows`` (dicts with a ``"prompt"`` key).

    Args:
        rows: the RL prompts; their other keys are passed to every reward function as lists.
        reward_funcs: reward functions, summed (optionally with ``reward_weights``).
        eval_fn: called on the model at step 0 and every ``eval_every`` steps; returns metrics.

    Returns:
        ``(train_log, eval_log)``: TRL's per-step metrics (reward, per-function rewards,
        entropy, ...) and the ``eval_fn`` records, both indexed by ``step``.
    """
    from datasets import Dataset
    from trl import GRPOTrainer

    if not rows:
        raise ValueError("train_grpo needs at least one prompt row")
    if eval_every <= 0:
        raise ValueError(f"eval_every must be positive, got {eval_every}")
    with tempfile.TemporaryDirectory(prefix="grpo-") as output_dir:
        args = grpo_config(settings, device, output_dir)
        original_path = model.config._name_or_path
        if settings.beta > 0:
            # TRL builds the KL reference by loading the policy's `_name_or_path`; a model built
            # from config has none, so the starting weights are saved locally and loaded from there.
            reference_dir = f"{output_dir}/reference"
            model.save_pretrained(reference_dir)
            model.config._name_or_path = reference_dir
        if reward_weights is not None:
            args.reward_weights = list(reward_weights)
        trainer = GRPOTrainer(
            model=model,
            reward_funcs=list(reward_funcs),
            args=args,
            train_dataset=Dataset.from_list([dict(r) for r in rows]),
            processing_class=tokenizer,
        )
        trainer.remove_callback(PrinterCallback)
        trainer.remove_callback(ProgressCallback)
        callback = _EvalAndProgress(eval_fn, eval_every, settings.num_steps, desc, progress)
        trainer.add_callback(callback)
        with warnings.catch_warnings():
            # TRL 1.16 reads `model.is_gradient_checkpointing`, which transformers 5.23 deprecated:
            # a mismatch between the two pinned libraries, not something a reader can act on.
            warnings.filterwarnings(
                "ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning
            )
            trainer.train()
        history = [h for h in trainer.state.log_history if "reward" in h]
        model.config._name_or_path = original_path
    model.eval()
    train_log = pd.DataFrame(history)
    if "step" not in train_log.columns:
        train_log["step"] = range(1, len(train_log) + 1)
    eval_log = pd.DataFrame(callback.records)
    return train_log, eval_log


def settings_dict(settings: GRPOSettings) -> dict[str, Any]:
    """``settings`` as a plain dict (for verdict records and cache keys)."""
    return asdict(settings)


def compare_arms(
    base: PreTrainedModel | Mapping[int, PreTrainedModel],
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[dict[str, Any]],
    arms: dict[str, Sequence[RewardFn]],
    seeds: Sequence[int],
    settings: GRPOSettings,
    device: str = "cpu",
    eval_fn: Callable[[PreTrainedModel], dict[str, float]] | None = None,
    eval_every: int = 10,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, int], PreTrainedModel]]:
    """Run GRPO from a copy of ``base`` for every arm and seed (the arms differ only in their rewards).

    ``base`` is one model or ``{seed: model}`` (a base per seed, :func:`helpers.lm.sft.bases_by_seed`):
    then every arm of seed ``s`` starts from base ``s``.

    Returns:
        ``(train_log, eval_log, models)``: both logs with ``arm`` and ``seed`` columns
        added, and the final model of every ``(arm, seed)``.
    """
    bases = base_per_seed(base, seeds)

    def run(
        arm: str, reward_funcs: Sequence[RewardFn], seed: int
    ) -> tuple[pd.DataFrame, pd.DataFrame, PreTrainedModel]:
        model = copy.deepcopy(bases[seed]).to(device)
        settings_of_seed = GRPOSettings(**{**settings_dict(settings), "seed": seed})
        train_log, eval_log = train_grpo(
            model,
            tokenizer,
            rows,
            reward_funcs,
            settings_of_seed,
            device=device,
            eval_fn=eval_fn,
            eval_every=eval_every,
            desc=f"{arm} seed {seed}",
        )
        return train_log, eval_log, model

    return sweep(arms, seeds, run)
