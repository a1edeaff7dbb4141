"""Which parameters a fine-tuning run moved: sparsity in bf16 and fp32, update rank, overlap between runs.

The measurement of Mukherjee et al. (2025): load the base and the fine-tuned checkpoint in
bf16 and count the parameters whose value differs. A parameter that never received a
gradient (an unused position embedding, say) cannot move under any objective, so it is
left out of every fraction: :class:`GradientTracker` records which entries received a
non-zero gradient at least once, and every mask here is restricted to those entries.

Used by: n04 (sparse RL updates).
"""

from __future__ import annotations

import torch
from torch import nn


class GradientTracker:
    """Call after each backward pass; :attr:`touched` marks the entries whose gradient was ever non-zero."""

    def __init__(self) -> None:
        self.touched: dict[str, torch.Tensor] = {}

    def __call__(self, model: nn.Module) -> None:
        """Record the entries of every parameter whose current ``.grad`` is non-zero."""
        for name, p in model.named_parameters():
            if p.grad is None:
                continue
            hit = p.grad.detach() != 0
            self.touched[name] = self.touched[name] | hit if name in self.touched else hit


def changed_mask(
    base: nn.Module,
    tuned: nn.Module,
    touched: dict[str, torch.Tensor],
    precision: str = "bf16",
    tolerance: float = 1e-5,
) -> torch.Tensor:
    """A flat boolean mask over the touched entries: did this entry change?

    ``precision="bf16"``: the two values differ after rounding both to bfloat16 (the
    paper's measurement). ``precision="fp32"``: ``|tuned - base| > tolerance`` in
    float32.
    """
    if precision not in ("bf16", "fp32"):
        raise ValueError(f"precision={precision!r} is not 'bf16' or 'fp32'")
    tuned_params = dict(tuned.named_parameters())
    parts = []
    for name, p0 in base.named_parameters():
        if name not in touched:
            continue
        a, b = p0.detach().float().cpu(), tuned_params[name].detach().float().cpu()
        if precision == "bf16":
            changed = a.to(torch.bfloat16) != b.to(torch.bfloat16)
        else:
            changed = (b - a).abs() > tolerance
        parts.append(changed[touched[name].cpu()])
    if not parts:
        raise ValueError("no touched parameters: did the tracker run after backward?")
    return torch.cat(parts)


def sparsity(mask: torch.Tensor) -> float:
    """Fraction of entries that did *not* change (the paper's "update sparsity")."""
    return 1.0 - float(mask.float().mean())


def jaccard(a: torch.Tensor, b: torch.Tensor) -> float:
    """|a ∩ b| / |a ∪ b| of two boolean masks of equal shape (1.0 when both are empty)."""
    if a.shape != b.shape:
        raise ValueError(f"mask shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}")
    union = int((a | b).sum())
    return 1.0 if union == 0 else int((a & b).sum()) / union


def chance_jaccard(p1: float, p2: float) -> float:
    """Expected Jaccard of two independent random masks with densities ``p1`` and
    ``p2``: p1·p2 / (p1 + p2 − p1·p2)."""
    union = p1 + p2 - p1 * p2
    return 0.0 if union == 0 else p1 * p2 / union


def relative_ranks(base: nn.Module, tuned: nn.Module, only: str = ".h.") -> dict[str, float]:
    """rank(ΔW) / min(shape) for every 2-D parameter whose name contains ``only`` (default: the transformer blocks).

    Rank uses :func:`torch.linalg.matrix_rank` on the float32 difference with float32's default
    tolerance (largest singular value × max(shape) × float32 epsilon): relative, so a tiny update
    can still be full rank, and coarse enough that the rounding noise of fp32 weights is not
    counted as rank. A matrix that did not change at all has relative rank 0.
    """
    tuned_params = dict(tuned.named_parameters())
    ranks = {}
    for name, p0 in base.named_parameters():
        if p0.dim() != 2 or only not in name:
            continue
        delta = (tuned_params[name].detach().float() - p0.detach().float()).cpu()
        ranks[name] = int(torch.linalg.matrix_rank(delta)) / min(delta.shape)
    return ranks


def touched_values(model: nn.Module, touched: dict[str, torch.Tensor]) -> torch.Tensor:
    """The touched entries of ``model``'s parameters, flat, in the same order as :func:`changed_mask`."""
    parts = [p.detach().float().cpu()[touched[name].cpu()] for name, p in model.named_parameters() if name in touched]
    return torch.cat(parts)


def bf16_spacing(values: torch.Tensor) -> torch.Tensor:
    """The gap between ``|value|`` and the next larger bfloat16 number (8 significant bits: about |value| / 128)."""
    rounded = values.abs().to(torch.bfloat16)
    return (torch.nextafter(rounded, torch.tensor(float("inf"), dtype=torch.bfloat16)) - rounded).float()


def change_by_magnitude(base_values: torch.Tensor, mask: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
    """Fraction of entries that changed in each bin of ``|base value|`` (bins given by ``edges``; NaN for an
    empty bin)."""
    which = torch.bucketize(base_values.abs(), edges)
    out = torch.full((len(edges) + 1,), float("nan"))
    for b in range(len(edges) + 1):
        in_bin = which == b
        if in_bin.any():
            out[b] = mask[in_bin].float().mean()
    return out[1:-1]
