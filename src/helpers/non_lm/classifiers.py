"""A small MLP classifier with a bottleneck, trained with (optionally class-weighted) cross-entropy.

Kept apart from the language-model code: the claims that are not about language models
(n08 here) use this instead, and the book says so where they do.

Used by: n08.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


class BottleneckMLP(nn.Module):
    """``input -> width (ReLU) -> classes``: the ``width`` features are the representation a probe reads."""

    def __init__(self, input_dim: int, width: int, num_classes: int) -> None:
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(input_dim, width), nn.ReLU())
        self.head = nn.Linear(width, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The bottleneck activations."""
        return self.hidden(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.hidden(x))


@dataclass(frozen=True)
class ClassifierSettings:
    """SGD with momentum over shuffled mini-batches (defaults: the n08 spec)."""

    width: int = 16
    epochs: int = 15
    batch_size: int = 256
    learning_rate: float = 0.1
    momentum: float = 0.9


def train_classifier(
    x: torch.Tensor,
    y: torch.Tensor,
    settings: ClassifierSettings,
    seed: int,
    class_weights: torch.Tensor | None = None,
    num_classes: int | None = None,
) -> BottleneckMLP:
    """Train a :class:`BottleneckMLP` from scratch; ``class_weights`` makes the loss
    weighted cross-entropy.

    The model lives on ``x``'s device. With weights, each mini-batch's loss is
    ``sum_i w_{y_i} CE_i / sum_i w_{y_i}`` (PyTorch's weighted mean), the usual way
    "utility-weighted training" is implemented. The same ``seed`` gives the same
    initialisation and batch order whatever the weights.
    """
    if settings.epochs < 1 or settings.batch_size < 1 or settings.width < 1:
        raise ValueError(f"epochs, batch_size and width must be >= 1, got {settings}")
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    num_classes = num_classes or (len(class_weights) if class_weights is not None else int(y.max()) + 1)
    model = BottleneckMLP(x.shape[1], settings.width, num_classes).to(x.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=settings.learning_rate, momentum=settings.momentum)
    loss_fn = nn.CrossEntropyLoss(weight=class_weights)
    for _ in range(settings.epochs):
        order = torch.randperm(len(x), generator=g)
        for start in range(0, len(x), settings.batch_size):
            idx = order[start : start + settings.batch_size].to(x.device)
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()
    return model.eval()


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Softmax probabilities of ``model`` on ``x``."""
    return model(x).softmax(dim=1)
