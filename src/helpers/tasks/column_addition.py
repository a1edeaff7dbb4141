"""Three-digit addition with a per-column scratchpad, a systematic bug, and critiques.

A problem ``^347+285=`` is answered by a fixed-length trace, one ``digit c carry`` group
per column from the units up, then the four-digit sum::

    2c1,3c1,6c0>0632        (7+5=12, 4+8+1=13, 3+2+1=6)

The SFT teacher is right on every problem except the **bug subclass** (the tens column
carries into the hundreds): there it drops that carry, ``2c1,3c1,5c0>0532``, and so does
the base model, every time. A rollout is rewarded only when its whole trace is right, so
on the bug subclass a scalar reward is always 0 and GRPO has nothing to reinforce.

After a wrong attempt the environment can give one of three critiques (all 7 characters,
so every sequence has the same length and nothing is padded):

* ``indicative``  ``|wrong>``  "it is wrong" (what the scalar reward already said);
* ``ground_truth`` ``|=0632>`` "the answer is 0632" (copying it is not enough: the trace must be right);
* ``cot``          ``|h:cin>`` "the hundreds column is where it first goes wrong, and what went
  wrong there is the carry coming in" (``cin``: the carry from the column below was not added;
  ``sum``: the column's digit or carry is wrong otherwise; ``ans``: the columns are right and
  the answer is not). The first design's ``|col:h>`` said only *where*; the paper's
  chain-of-thought critiques also say *what* (see n07's design notes).

The teacher's refinements (in the SFT data) repair what the critique localises: the named
column (``cot``), or the lowest answer digit that differs (``ground_truth``); after
``indicative`` it can only try again, i.e. repeat its first attempt, bug included. So the
ability to *use* a critique is built in by construction; what the experiment isolates is
the information each feedback channel carries.

Used by: n07 (critiques that break a reward plateau).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from helpers.lm.sampling import decode, encode, sample_tokens
from helpers.measure.metrics import pass_at_k

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from helpers.lm.models import CachedModel, TinyLMConfig
    from helpers.lm.sft import SFTSettings

COLUMNS = "uth"  # units, tens, hundreds
CRITIQUES: tuple[str, ...] = ("indicative", "ground_truth", "cot")
TRACE_LEN = 16  # "dcd,dcd,dcd>dddd"
PROMPT_LEN = 9  # "^ddd+ddd="
CRITIQUE_LEN = 7


@dataclass(frozen=True)
class Problem:
    """One addition problem ``a + b`` with ``0 <= a, b <= 999``."""

    a: int
    b: int

    @property
    def prompt(self) -> str:
        """``^347+285=``."""
        return f"^{self.a:03d}+{self.b:03d}="

    @property
    def is_bug(self) -> bool:
        """Whether the tens column carries into the hundreds (the teacher's blind spot)."""
        return columns(self.a, self.b)[1][1] == 1


def columns(a: int, b: int, drop_hundreds_carry: bool = False) -> list[tuple[int, int]]:
    """``(digit, carry out)`` per column, units first; optionally drop the carry into the hundreds."""
    out, carry = [], 0
    for i in range(3):
        if i == 2 and drop_hundreds_carry:
            carry = 0
        total = (a // 10**i) % 10 + (b // 10**i) % 10 + carry
        out.append((total % 10, total // 10))
        carry = total // 10
    return out


def render(cols: list[tuple[int, int]]) -> str:
    """The trace for given column results; the answer is read off the trace (so it agrees with it)."""
    answer = cols[2][1] * 1000 + cols[2][0] * 100 + cols[1][0] * 10 + cols[0][0]
    return ",".join(f"{d}c{c}" for d, c in cols) + f">{answer:04d}"


def correct_trace(problem: Problem) -> str:
    """The only completion that earns reward."""
    return render(columns(problem.a, problem.b))


def teacher_attempt(problem: Problem) -> str:
    """The SFT teacher's first attempt: right, except the dropped carry on the bug subclass."""
    return render(columns(problem.a, problem.b, drop_hundreds_carry=problem.is_bug))


def reward(problem: Problem, completion: str) -> float:
    """1.0 for the exact correct trace (answer and every column), else 0.0."""
    return float(completion == correct_trace(problem))


def first_wrong_column(problem: Problem, completion: str) -> str:
    """``u``/``t``/``h`` for the first wrong column group, ``a`` when only the answer is wrong, ``""`` when right."""
    right = correct_trace(problem)
    for i, name in enumerate(COLUMNS):
        if completion[4 * i : 4 * i + 3] != right[4 * i : 4 * i + 3]:
            return name
    return "" if completion == right else "a"


def error_kind(problem: Problem, completion: str) -> str:
    """What went wrong in the first wrong column: ``cin``, ``sum`` or ``ans`` (see the module docstring)."""
    column = first_wrong_column(problem, completion)
    if column in ("", "a"):
        return "ans"
    i = COLUMNS.index(column)
    right = columns(problem.a, problem.b)
    carry_in = right[i - 1][1] if i else 0
    total = (problem.a // 10**i) % 10 + (problem.b // 10**i) % 10  # the column without its carry-in
    without = f"{total % 10}c{total // 10}"
    return "cin" if carry_in and completion[4 * i : 4 * i + 3] == without else "sum"


def critique(problem: Problem, completion: str, kind: str) -> str:
    """The 7-character critique of a wrong ``completion`` (see the module docstring)."""
    if kind == "indicative":
        return "|wrong>"
    if kind == "ground_truth":
        return f"|={problem.a + problem.b:04d}>"
    if kind == "cot":
        return f"|{first_wrong_column(problem, completion) or 'a'}:{error_kind(problem, completion)}>"
    raise ValueError(f"critique kind {kind!r} is not one of {CRITIQUES}")


def refinement_context(problem: Problem, attempt: str, kind: str) -> str:
    """What the model sees when it refines: ``prompt + attempt + critique``."""
    return problem.prompt + attempt + critique(problem, attempt, kind)


def teacher_refinement(problem: Problem, attempt: str, kind: str) -> str:
    """The teacher's refinement: the correct trace when the critique localises the error, else a retry."""
    if kind == "indicative":
        return teacher_attempt(problem)
    return correct_trace(problem)


def slip(problem: Problem, rng: np.random.Generator) -> str:
    """A wrong attempt with one column digit off (not the bug), its answer read off the wrong trace."""
    cols = columns(problem.a, problem.b)
    i = int(rng.integers(0, 3))
    digit, carry = cols[i]
    cols[i] = ((digit + int(rng.integers(1, 10))) % 10, carry)
    return render(cols)


def split_of(problem: Problem) -> str:
    """``"eval"`` for the 1 in 7 problems reserved for evaluation (never in SFT or RL data), else ``"train"``."""
    return "eval" if (problem.a * 1000 + problem.b) % 7 == 0 else "train"


def make_problems(num: int, seed: int, split: str = "train", bug: bool | None = None) -> list[Problem]:
    """``num`` distinct random problems of ``split``; ``bug`` restricts to (or excludes) the bug subclass."""
    if split not in ("train", "eval"):
        raise ValueError(f"split={split!r} is not 'train' or 'eval'")
    rng = np.random.default_rng(seed)
    chosen: list[Problem] = []
    seen: set[Problem] = set()
    while len(chosen) < num:
        p = Problem(int(rng.integers(0, 1000)), int(rng.integers(0, 1000)))
        if p in seen or split_of(p) != split or (bug is not None and p.is_bug != bug):
            continue
        seen.add(p)
        chosen.append(p)
    return chosen


def sft_examples(num_examples: int, seed: int, refine_share: float = 0.5) -> list[tuple[str, str]]:
    """``(prompt, completion)`` pairs: first attempts, and refinements after each kind of critique.

    A refinement example starts from the teacher's own attempt on a bug problem (every time:
    the first design used it half the time and a slip otherwise) or from a random one-column
    slip on any other problem, with a uniformly chosen critique kind.
    """
    rng = np.random.default_rng(seed)
    problems = make_problems(num_examples, seed)
    pairs = []
    for p in problems:
        if rng.random() >= refine_share:
            pairs.append((p.prompt, teacher_attempt(p)))
            continue
        attempt = teacher_attempt(p) if p.is_bug else slip(p, rng)
        kind = CRITIQUES[int(rng.integers(0, len(CRITIQUES)))]
        pairs.append((refinement_context(p, attempt, kind), teacher_refinement(p, attempt, kind)))
    return pairs


# --- the task's base model -------------------------------------------------------------------


@dataclass(frozen=True)
class TrainedToPremise:
    """Stop a base's SFT at the first check where it copies the bug and can add (n07's premise).

    From step ``first``, every ``every`` steps, the base samples ``samples`` first attempts on
    ``problems`` held-out bug-subclass problems and as many clean ones (their own draw, seeds
    101 and 102: not the notebook's evaluation sets); training stops when bug Pass@1
    ``<= bug_max`` and clean Pass@1 ``>= clean_min``. The SFT budget is then a maximum, and
    every base is trained to the same state rather than for the same number of steps: bases of
    different seeds learn to add at different steps, and one caught mid-transition leaks
    correct bug traces (n07's design notes, 2026-12-02).
    """

    first: int = 1000
    every: int = 250
    problems: int = 32
    samples: int = 8
    bug_max: float = 0.01
    clean_min: float = 0.9

    def __call__(
        self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, step: int
    ) -> dict[str, float] | None:
        """The check at ``step`` (``None`` when this step is not checked)."""
        if step < self.first or (step - self.first) % self.every:
            return None
        device = next(model.parameters()).device
        model.eval()
        bug = evaluate(
            model,
            tokenizer,
            make_problems(self.problems, seed=101, split="eval", bug=True),
            self.samples,
            seed=103,
            device=device,
        )["pass@1"]
        clean = evaluate(
            model,
            tokenizer,
            make_problems(self.problems, seed=102, split="eval", bug=False),
            self.samples,
            seed=104,
            device=device,
        )["pass@1"]
        return {"bug pass@1": bug, "clean pass@1": clean, "met": float(bug <= self.bug_max and clean >= self.clean_min)}


def base(
    config: TinyLMConfig,
    settings: SFTSettings,
    refine_share: float = 0.5,
    device: str = "cpu",
    progress: bool = True,
    until: TrainedToPremise | None = None,
) -> CachedModel:
    """The SFT base for column addition with critiques, cached (:func:`helpers.lm.sft.cached_base`).

    ``until`` trains it to n07's premise (:class:`TrainedToPremise`); ``settings.num_steps`` is then
    the maximum, and ``history["checks"]`` of the result says where it stopped and why.
    """
    from dataclasses import asdict

    from helpers.lm.sft import cached_base

    extra = {"refine_share": refine_share, **({"until": asdict(until)} if until is not None else {})}
    return cached_base(
        "column_addition_base",
        __name__,
        config,
        settings,
        extra,
        lambda n: sft_examples(n, seed=settings.seed, refine_share=refine_share),
        device,
        progress,
        stop=until,
    )


# --- evaluation -----------------------------------------------------------------------------


def repeat(items: Sequence, times: int) -> list:
    """``[a, a, b, b]`` for ``([a, b], 2)``."""
    return [x for x in items for _ in range(times)]


def attempt(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[Problem],
    samples: int,
    generator: torch.Generator,
    device: str = "cpu",
) -> tuple[torch.Tensor, list[str]]:
    """``samples`` first attempts per problem (problem-major): their token ids and texts."""
    prompts = encode(tokenizer, [p.prompt for p in problems], device).repeat_interleave(samples, 0)
    ids = sample_tokens(model, prompts, TRACE_LEN, generator)
    return ids, decode(tokenizer, ids)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    problems: Sequence[Problem],
    samples: int = 8,
    seed: int = 0,
    device: str = "cpu",
) -> dict[str, float]:
    """Pass@1 (mean over ``samples``), Pass@``samples`` and the share of problems never solved."""
    _, texts = attempt(model, tokenizer, problems, samples, torch.Generator().manual_seed(seed), device)
    correct = np.array([reward(p, t) for p, t in zip(repeat(problems, samples), texts)]).reshape(len(problems), samples)
    counts = correct.sum(1).astype(int)
    return {
        "pass@1": float(correct.mean()),
        f"pass@{samples}": float(np.mean([pass_at_k(samples, c, samples) for c in counts])),
        "never solved": float((counts == 0).mean()),
    }
