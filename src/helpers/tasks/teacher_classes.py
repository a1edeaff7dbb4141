"""A 10-class task labelled by a fixed random teacher network, with one costly class.

``x ~ N(0, I_d)``; the teacher's logits are ``scale * tanh(x W1 / sqrt(d)) W2 / sqrt(h)``
and labels are *sampled* from its softmax (the Gumbel-max trick), so the Bayes-optimal
classifier and its accuracy are known exactly from the teacher's probabilities. The
utility of predicting ``a`` when the truth is ``y`` is ``w_y * 1[a = y]`` with ``w_0 = W``
for the costly class and 1 for the others.

Used by: n08 (utility-weighted loss).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TeacherTask:
    """Sizes of the teacher task (defaults: the n08 spec)."""

    input_dim: int = 32
    teacher_hidden: int = 64
    num_classes: int = 10
    logit_scale: float = 7.0  # Bayes accuracy about 0.75, as the spec asks
    num_train: int = 4000
    num_test: int = 5000
    teacher_seed: int = 1234


@dataclass
class TeacherData:
    """Train and test splits; ``*_probs`` are the teacher's true class probabilities."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    train_probs: torch.Tensor
    test_probs: torch.Tensor

    def to(self, device: str) -> TeacherData:
        """A copy with every tensor on ``device``."""
        return TeacherData(
            *(
                getattr(self, f).to(device)
                for f in ("x_train", "y_train", "x_test", "y_test", "train_probs", "test_probs")
            )
        )

    @property
    def bayes_accuracy(self) -> float:
        """Expected accuracy of the Bayes-optimal classifier on the test inputs."""
        return float(self.test_probs.max(dim=1).values.mean())


def make_data(task: TeacherTask = TeacherTask(), data_seed: int = 0) -> TeacherData:
    """Draw inputs and sampled labels; the teacher is fixed by ``task.teacher_seed``, the draw by ``data_seed``."""
    g = torch.Generator().manual_seed(task.teacher_seed)
    w1 = torch.randn(task.input_dim, task.teacher_hidden, generator=g)
    w2 = torch.randn(task.teacher_hidden, task.num_classes, generator=g)
    g = torch.Generator().manual_seed(10_000 + data_seed)

    def split(n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = torch.randn(n, task.input_dim, generator=g)
        logits = task.logit_scale * torch.tanh(x @ w1 / task.input_dim**0.5) @ w2 / task.teacher_hidden**0.5
        gumbel = -torch.log(-torch.log(torch.rand(n, task.num_classes, generator=g).clamp_min(1e-12)))
        return x, (logits + gumbel).argmax(dim=1), logits.softmax(dim=1)

    x_tr, y_tr, p_tr = split(task.num_train)
    x_te, y_te, p_te = split(task.num_test)
    return TeacherData(x_tr, y_tr, x_te, y_te, p_tr, p_te)


def class_weights(costly_weight: float, num_classes: int = 10) -> torch.Tensor:
    """Utility weights ``w``: ``costly_weight`` for class 0, 1 for the rest."""
    if costly_weight <= 0:
        raise ValueError(f"costly_weight must be > 0, got {costly_weight}")
    w = torch.ones(num_classes)
    w[0] = costly_weight
    return w
