"""Linear probes: how much of a label a frozen representation makes linearly readable.

A probe is a multinomial logistic regression fitted on frozen features (standardised with
the training split's statistics) by full-batch L-BFGS, so it is deterministic and has no
learning-rate knob to tune.

Used by: n08 (representation quality under utility weighting), n02 (belief probes frozen before RL).
"""

from __future__ import annotations

import torch
from torch import nn


def fit_linear_probe(
    features: torch.Tensor, labels: torch.Tensor, l2: float = 1e-3, max_iter: int = 200
) -> tuple[nn.Linear, torch.Tensor, torch.Tensor]:
    """Fit a probe; return it with the mean and std used to standardise its inputs."""
    if len(features) != len(labels) or len(features) == 0:
        raise ValueError(f"need matching, non-empty features and labels, got {len(features)} and {len(labels)}")
    features = features.detach().float()
    mean, std = features.mean(0), features.std(0).clamp_min(1e-6)
    z = (features - mean) / std
    torch.manual_seed(0)
    probe = nn.Linear(z.shape[1], int(labels.max()) + 1).to(z.device)
    nn.init.zeros_(probe.weight)
    nn.init.zeros_(probe.bias)
    optimizer = torch.optim.LBFGS(probe.parameters(), max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(probe(z), labels) + l2 * probe.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return probe, mean, std


@torch.no_grad()
def probe_accuracy(
    train_features: torch.Tensor,
    train_labels: torch.Tensor,
    test_features: torch.Tensor,
    test_labels: torch.Tensor,
    l2: float = 1e-3,
) -> float:
    """Test accuracy of a linear probe fitted on the training features."""
    with torch.enable_grad():
        probe, mean, std = fit_linear_probe(train_features, train_labels, l2=l2)
    predictions = probe((test_features.float() - mean) / std).argmax(dim=1)
    return float((predictions == test_labels).float().mean())


class FrozenProbe:
    """A linear probe fitted once (e.g. on a model before RL) and then applied, unchanged, to other features."""

    def __init__(self, features: torch.Tensor, labels: torch.Tensor, l2: float = 1e-3) -> None:
        with torch.enable_grad():
            self.probe, self.mean, self.std = fit_linear_probe(features, labels, l2=l2)

    @torch.no_grad()
    def predict(self, features: torch.Tensor) -> torch.Tensor:
        """Predicted class of each row."""
        return self.probe((features.float() - self.mean) / self.std).argmax(dim=1)

    def accuracy(self, features: torch.Tensor, labels: torch.Tensor) -> float:
        """Share of rows whose predicted class is ``labels``."""
        return float((self.predict(features) == labels).float().mean())
