"""Bradley-Terry reward models on token strings, with an optional MMD invariance penalty, and best-of-n selection.

The reward model embeds tokens, *sums* the embeddings (so length is visible to it, as it
is to a transformer reward model), maps the sum through an MLP to a small representation
``z`` and reads a scalar reward off ``z``. The causal variant of Wang et al. (2025) adds
``lambda * MMD^2`` between the distributions of ``z`` across bins of the spurious variable
(here the response length): if ``z`` is distributed alike in every length bin, the reward
cannot depend on length. With ``conditional=True`` the MMD is taken separately among chosen
and among rejected responses (the paper's conditional variant), so a real link between
length and the label in the training data is not penalised as such.

Used by: n10 (counterfactual-invariant reward models).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from helpers.lm.sampling import first_index, sample_tokens
from helpers.runtime import progress
from helpers.tasks.preference_pairs import PreferencePairs, PreferenceTask, Responses, length_bins, sample_responses

#: The last activation of the representation ``z``. ``"tanh"`` (the first design) cannot die under the
#: MMD penalty, as a ReLU did, but it saturates on the long summed embeddings, which caps how far length
#: can raise a reward; ``"leaky_relu"`` neither dies nor saturates (the current default, see n10's notes).
ACTIVATIONS = {"tanh": nn.Tanh, "leaky_relu": lambda: nn.LeakyReLU(0.1)}


class SumPoolRewardModel(nn.Module):
    """``tokens -> sum of embeddings -> MLP -> z (rep_dim) -> reward``; padding (-1) contributes nothing."""

    def __init__(
        self, vocab_size: int, embed_dim: int = 32, hidden: int = 64, rep_dim: int = 16, activation: str = "leaky_relu"
    ) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r} is not one of {sorted(ACTIVATIONS)}")
        self.embed = nn.Embedding(vocab_size + 1, embed_dim, padding_idx=vocab_size)
        self.encoder = nn.Sequential(
            nn.Linear(embed_dim, hidden), nn.ReLU(), nn.Linear(hidden, rep_dim), ACTIVATIONS[activation]()
        )
        self.head = nn.Linear(rep_dim, 1)
        self.pad = vocab_size

    def representation(self, tokens: torch.Tensor) -> torch.Tensor:
        """The ``rep_dim`` representation on which the MMD penalty acts."""
        ids = torch.where(tokens < 0, torch.full_like(tokens, self.pad), tokens)
        return self.encoder(self.embed(ids).sum(dim=1))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.representation(tokens)).squeeze(-1)


def mmd_across_bins(
    z: torch.Tensor,
    bins: torch.Tensor,
    num_bins: int,
    bandwidth: float | None = None,
    scales: tuple[float, ...] = (1.0,),
) -> torch.Tensor:
    """Mean squared MMD (RBF kernel) between the distributions of ``z`` in every pair of
    non-empty bins.

    One kernel matrix ``K`` and a bin-mask matrix ``W`` (each column the uniform weights
    of one bin) give all bin-pair statistics at once: ``G = W^T K W``, and
    ``MMD^2(i, j) = G_ii + G_jj - 2 G_ij`` (the biased V-statistic). ``bandwidth``
    defaults to the median pairwise distance of ``z`` (not differentiated through).
    ``scales`` averages RBF kernels at several multiples of the bandwidth (a
    multi-bandwidth MMD, which sees both fine and coarse differences between the bins'
    distributions).
    """
    sq = torch.cdist(z, z).pow(2)
    if bandwidth is None:
        off = sq.detach()[~torch.eye(len(z), dtype=torch.bool, device=z.device)]
        bandwidth = float(off.median().clamp_min(1e-6).sqrt()) if off.numel() else 1.0
    kernel = sum(torch.exp(-sq / (2 * (s * bandwidth) ** 2)) for s in scales) / len(scales)
    masks = torch.nn.functional.one_hot(bins, num_bins).float()
    counts = masks.sum(dim=0)
    present = counts > 0
    weights = masks[:, present] / counts[present]
    gram = weights.T @ kernel @ weights
    diag = gram.diagonal()
    mmd2 = diag[:, None] + diag[None, :] - 2 * gram
    k = int(present.sum())
    if k < 2:
        return z.sum() * 0.0
    upper = torch.triu(torch.ones(k, k, dtype=torch.bool, device=z.device), diagonal=1)
    return mmd2[upper].mean()


@dataclass(frozen=True)
class RMSettings:
    """Training of one reward model (defaults: the n10 spec's CPU scale)."""

    num_steps: int = 600
    batch_pairs: int = 256
    learning_rate: float = 3e-3
    mmd_weight: float = 0.0  # lambda
    num_bins: int = 8
    conditional: bool = True
    embed_dim: int = 32
    hidden: int = 64
    rep_dim: int = 16
    activation: str = "leaky_relu"  # see ACTIVATIONS
    bandwidth_scales: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0)  # multiples of the median distance


#: The first design of n10 (kept to show its numbers beside the current one): a saturating ``tanh``
#: representation, one median-bandwidth kernel and four length bins.
FIRST_DESIGN = dict(activation="tanh", num_bins=4, bandwidth_scales=(1.0,))


def train_reward_model(
    pairs: PreferencePairs, task: PreferenceTask, settings: RMSettings, seed: int, show_progress: bool = False
) -> tuple[SumPoolRewardModel, pd.DataFrame]:
    """Fit a reward model by Bradley-Terry loss ``-log sigmoid(r_chosen - r_rejected)`` (+ lambda MMD^2) with Adam.

    Returns the model and a per-step log (``step``, ``bt_loss``, ``mmd``). The same seed
    gives the same initialisation and batch order whatever ``mmd_weight`` is.
    """
    if settings.num_steps < 1 or settings.batch_pairs < 2 or settings.mmd_weight < 0:
        raise ValueError(f"need num_steps >= 1, batch_pairs >= 2 and mmd_weight >= 0, got {settings}")
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = SumPoolRewardModel(
        task.vocab_size, settings.embed_dim, settings.hidden, settings.rep_dim, settings.activation
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    log = []
    for step in progress(
        range(settings.num_steps), desc=f"reward model λ={settings.mmd_weight:g}", disable=not show_progress
    ):
        idx = torch.randint(0, len(pairs), (settings.batch_pairs,), generator=g)
        chosen, rejected = pairs.chosen.subset(idx), pairs.rejected.subset(idx)
        z_c, z_r = model.representation(chosen.tokens), model.representation(rejected.tokens)
        bt = -torch.nn.functional.logsigmoid(model.head(z_c) - model.head(z_r)).mean()
        bins_c, bins_r = (
            length_bins(chosen.lengths, task, settings.num_bins),
            length_bins(rejected.lengths, task, settings.num_bins),
        )
        if settings.conditional:
            mmd = (
                mmd_across_bins(z_c, bins_c, settings.num_bins, scales=settings.bandwidth_scales)
                + mmd_across_bins(z_r, bins_r, settings.num_bins, scales=settings.bandwidth_scales)
            ) / 2
        else:
            mmd = mmd_across_bins(
                torch.cat([z_c, z_r]), torch.cat([bins_c, bins_r]), settings.num_bins, scales=settings.bandwidth_scales
            )
        loss = bt + settings.mmd_weight * mmd if settings.mmd_weight > 0 else bt
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        log.append({"step": step + 1, "bt_loss": float(bt.detach()), "mmd": float(mmd.detach())})
    return model.eval(), pd.DataFrame(log)


@torch.no_grad()
def pairwise_accuracy(model: nn.Module, pairs: PreferencePairs) -> float:
    """Share of pairs in which the model scores the chosen response above the rejected one (ties count half)."""
    diff = model(pairs.chosen.tokens) - model(pairs.rejected.tokens)
    return float(((diff > 0).float() + 0.5 * (diff == 0).float()).mean())


@torch.no_grad()
def best_of_n(score: nn.Module | None, task: PreferenceTask, ns: list[int], num_trials: int, seed: int) -> pd.DataFrame:
    """Best-of-n selection from random responses: mean length and true quality of the pick, per ``n``.

    ``score=None`` is the oracle, which picks by true quality. The candidate pools are the
    same for every scorer given the same ``seed``, so arms differ only in how they choose.
    """
    rows = []
    for n in ns:
        g = torch.Generator().manual_seed(seed * 1_000 + n)
        pool = sample_responses(task, num_trials * n, g)
        values = pool.quality if score is None else score(pool.tokens)
        pick = values.view(num_trials, n).argmax(dim=1) + torch.arange(num_trials) * n
        chosen: Responses = pool.subset(pick)
        rows.append({"n": n, "length": float(chosen.lengths.float().mean()), "quality": float(chosen.quality.mean())})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DriftSettings:
    """GRPO of a tiny GPT policy against a reward model (the n10 spec's larger-scale downstream test)."""

    num_steps: int = 100
    batch_size: int = 64
    learning_rate: float = 1e-3
    n_layer: int = 2
    n_embd: int = 64


def _policy(task: PreferenceTask, settings: DriftSettings, seed: int) -> nn.Module:
    """A tiny GPT-2 over the task's tokens plus BOS (``vocab_size``) and EOS (``vocab_size + 1``)."""
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=task.vocab_size + 2,
        n_positions=task.max_length + 2,
        n_embd=settings.n_embd,
        n_layer=settings.n_layer,
        n_head=4,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=task.vocab_size,
        eos_token_id=task.vocab_size + 1,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GPT2LMHeadModel(config)


def rollouts_to_responses(samples: torch.Tensor, task: PreferenceTask) -> tuple[Responses, torch.Tensor]:
    """Cut sampled token rows at their first EOS: the responses and the mask of trained positions (up to and with EOS).

    A row with no EOS is a response of ``max_length`` tokens; BOS sampled inside a response counts as a bad token.
    """
    eos, half = task.vocab_size + 1, task.vocab_size // 2
    lengths = first_index(samples == eos)
    positions = torch.arange(samples.shape[1])[None, :]
    inside = positions < lengths[:, None]
    body = samples.clamp(max=task.vocab_size - 1)
    tokens = torch.where(inside, body, torch.full_like(body, -1))
    quality = ((tokens >= 0) & (tokens < half)).sum(1).float() / lengths.clamp_min(1).float()
    trained = positions <= lengths[:, None]
    return Responses(tokens, lengths, quality), trained


def grpo_length_drift(
    score: nn.Module | None, task: PreferenceTask, settings: DriftSettings, seed: int, show_progress: bool = False
) -> pd.DataFrame:
    """Train a fresh tiny policy by GRPO (:func:`helpers.rl.core.train`) against ``score`` (``None``: true quality).

    Each step samples ``batch_size`` responses after BOS (one group: every rollout has the
    same empty prompt), standardises their rewards within the group and ascends
    ``A * log pi(token)``, token-averaged over the tokens up to the first EOS. A response
    shorter than ``min_length`` gets the lowest reward of its group. Returns per step the
    mean length, true quality and reward of the rollouts (step ``k``: sampled after ``k``
    updates, up to one last batch after the final update).
    """
    from helpers.rl import core

    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    policy = _policy(task, settings, seed)
    bos = torch.full((settings.batch_size, 1), task.vocab_size)

    def rollout(model: nn.Module, step: int) -> core.Rollout:
        samples = sample_tokens(model, bos, task.max_length, g)
        responses, trained = rollouts_to_responses(samples, task)
        reward = responses.quality.clone() if score is None else score(responses.tokens)
        too_short = responses.lengths < task.min_length
        reward = torch.where(too_short, reward.min() - 1, reward) if too_short.any() else reward
        info = {
            "length": float(responses.lengths.float().mean()),
            "quality": float(responses.quality.mean()),
            "train reward": float(reward.mean()),
            "too_short": float(too_short.float().mean()),
        }
        return core.Rollout(
            torch.cat([bos, samples], dim=1),
            1,
            reward.float(),
            torch.zeros(len(reward), dtype=torch.long),
            mask=trained,
            info=info,
        )

    def log(step: int, model: nn.Module, batch: core.Rollout | None) -> dict[str, float] | None:
        return None if batch is None else {"step": step - 1, **batch.info}  # sampled before this update

    history, trained_policy = core.train(
        policy,
        rollout,
        settings,
        log=log,
        desc="GRPO policy",
        show_progress=show_progress,
    )
    with torch.no_grad():
        last = rollout(trained_policy, settings.num_steps + 1)
    return pd.concat([history, pd.DataFrame([{"step": settings.num_steps, **last.info}])], ignore_index=True)
