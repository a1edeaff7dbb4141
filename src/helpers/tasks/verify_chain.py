"""Judge a claimed result of a chain of operations mod 10: with a verdict token only, or after writing the
running values.

An item ``3+4*2+5*1=9?`` applies ``k`` operations (``+`` or ``*``, left to right, mod 10)
and claims a result; half the claims are right, the others a uniformly drawn wrong digit.
An **outcome reward model** answers ``Y`` or ``N`` at once; a **reasoning reward model**
first writes the running value after each operation (``7499``), then the verdict, as
RM-R1's distillation stage does in miniature. Models are trained on ``k = 4`` and tested on
``k = 4`` and, out of distribution, ``k = 6``.

Used by: n14 (reasoning reward models).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

OPS = "+*"
YES, NO = "Y", "N"
STYLES = ("outcome", "reasoning")


@dataclass(frozen=True)
class Claim:
    """Digits, operators and a claimed result."""

    digits: tuple[int, ...]
    ops: str
    claimed: int

    @property
    def prompt(self) -> str:
        """``3+4*2+5*1=9?``."""
        return "".join(f"{d}{op}" for d, op in zip(self.digits, self.ops)) + f"{self.digits[-1]}={self.claimed}?"

    @property
    def running(self) -> list[int]:
        """The value after each operation."""
        values, value = [], self.digits[0]
        for op, d in zip(self.ops, self.digits[1:]):
            value = (value + d) % 10 if op == "+" else (value * d) % 10
            values.append(value)
        return values

    @property
    def correct(self) -> bool:
        """Whether the claimed result is the chain's value."""
        return self.running[-1] == self.claimed

    def target(self, style: str) -> str:
        """What the reward model is trained to write: ``"Y"`` or ``"7499Y"``."""
        if style not in STYLES:
            raise ValueError(f"style={style!r} is not one of {STYLES}")
        verdict = YES if self.correct else NO
        return verdict if style == "outcome" else "".join(map(str, self.running)) + verdict


def make_claims(n: int, seed: int, k: int = 4, correct_share: float = 0.5) -> list[Claim]:
    """``n`` items with ``k`` operations; a share ``correct_share`` claim the right result, the rest a random
    wrong digit."""
    rng = np.random.default_rng(seed)
    claims = []
    for _ in range(n):
        digits = tuple(int(d) for d in rng.integers(0, 10, k + 1))
        ops = "".join(rng.choice(list(OPS), k))
        value = Claim(digits, ops, 0).running[-1]
        claimed = value if rng.random() < correct_share else int((value + rng.integers(1, 10)) % 10)
        claims.append(Claim(digits, ops, claimed))
    return claims


def with_claim(item: Claim, claimed: int) -> Claim:
    """The same chain with another claimed result."""
    return Claim(item.digits, item.ops, claimed)


def sft_examples(n: int, seed: int, style: str, k: int = 4) -> list[tuple[str, str]]:
    """``n`` (prompt, target) pairs in the reward model's ``style``."""
    return [(c.prompt, c.target(style)) for c in make_claims(n, seed, k)]


# --- the task's base model -------------------------------------------------------------------


def base(
    config: TinyLMConfig, settings: SFTSettings, style: str, device: str = "cpu", progress: bool = True
) -> CachedModel:
    """An n14 reward model (``style`` "outcome" or "reasoning"), cached per init seed."""
    from helpers.lm.sft import cached_base

    return cached_base(
        "reward_model_base",
        __name__,
        config,
        settings,
        {"style": style},
        lambda n: sft_examples(n, seed=settings.seed, style=style),
        device,
        progress,
    )
