"""One call that sets up a claim notebook from its papermill parameters.

Every claim notebook starts the same way: resolve the device, pick the scale's preset,
validate the seeds and the thresholds, switch on the book's figure style, print what will
run. :func:`start` does all of it and returns a :class:`Run` whose ``parameters`` go into the
verdict record, so a threshold is written once in the ``parameters`` cell, named once in
``start(...)`` (read from the notebook's ``globals()``) and used once by its criterion::

    run = notebook.start(scale, PRESETS, seeds, device, globals(), positive="gap_min")
    cfg, seeds, device = run.cfg, run.seeds, run.device
    ...
    Verdict(..., parameters=run.parameters)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers import params, plots, runtime


@dataclass(frozen=True)
class Run:
    """What a notebook runs: its scale, the scale's preset ``cfg``, seeds, device and thresholds."""

    scale: str
    cfg: dict[str, Any]
    seeds: list[int]
    device: str
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, Any]:
        """Everything that determines the run, for the verdict record."""
        return {"scale": self.scale, "seeds": self.seeds, **self.thresholds, **self.cfg}


def start(
    scale: str,
    presets: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[int] | None = None,
    device: str = "auto",
    namespace: Mapping[str, Any] | None = None,
    *,
    min_seeds: int = 1,
    positive: str = "",
    thresholds: str = "",
    **extra: Any,
) -> Run:
    """Set up the notebook and validate its parameters; fails in the first seconds on a typo.

    Args:
        scale, presets: the scale and every scale's settings (:func:`helpers.params.choose_scale`).
        seeds: ``None`` for the scale's default seeds, or a list (:func:`helpers.params.check_seeds`).
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"mps"`` (:func:`helpers.runtime.setup`).
        namespace: where the named thresholds are defined: the notebook's ``globals()``.
        positive: names of thresholds that must be positive numbers, separated by spaces.
        thresholds: names of other numeric thresholds (any sign), separated by spaces.
        extra: printed with the run's description (e.g. report-only seeds).
    """
    must_be_positive, numeric = _named(namespace, positive), _named(namespace, thresholds)
    resolved = runtime.setup(device)
    cfg = dict(params.choose_scale(scale, presets))
    chosen = params.check_seeds(seeds, minimum=min_seeds, scale=scale)
    params.check_positive(**must_be_positive)
    for name, value in numeric.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    plots.use_book_style()
    run = Run(scale, cfg, chosen, resolved, must_be_positive | numeric)
    shown = " ".join(f"{k}={v}" for k, v in extra.items())
    print(f"scale={scale} device={resolved} seeds={chosen} {shown + ' ' if shown else ''}{cfg}")
    return run


def _named(namespace: Mapping[str, Any] | None, names: str) -> dict[str, Any]:
    """``{name: namespace[name]}`` for each space-separated name; a clear error for one that is missing."""
    if names and namespace is None:
        raise TypeError(f"start() names thresholds ({names}) but was given no namespace: pass globals()")
    missing = [name for name in names.split() if name not in namespace]
    if missing:
        raise NameError(f"start() names {missing}, which the parameters cell does not define")
    return {name: namespace[name] for name in names.split()}


def show_source(*objects: Any) -> None:
    """Display the source of functions or classes as a code block: the paper's idea, in the notebook.

    The notebook shows the few lines that are its method (an advantage, a reward, a loss)
    from the very code that ran, so a reader sees the objective without opening the module.
    """
    import inspect
    import textwrap

    from IPython.display import Markdown, display

    code = "\n\n".join(textwrap.dedent(inspect.getsource(o)).rstrip() for o in objects)
    names = ", ".join(f"`{o.__module__}.{o.__qualname__}`" for o in objects)
    display(Markdown(f"From {names}:\n\n```python\n{code}\n```"))


def check(answer: Any, expected: Any, what: str = "your answer", tolerance: float = 0.0) -> bool:
    """An exercise's check cell: say whether ``answer`` is right, without printing ``expected``.

    ``expected`` is computed by the notebook from its own run (never typed in), so the check
    holds at every scale and seed. Numbers match within ``tolerance`` (relative, and at least
    absolute ``tolerance`` near 0); strings match ignoring case and surrounding spaces; other
    values (lists, tuples, booleans) must be equal. ``answer`` still ``None`` (or ``...``) means
    not attempted yet. Returns whether it is right.
    """
    if answer is None or answer is Ellipsis:
        print(f"Not attempted yet: set `answer` in this cell ({what}), then run it again.")
        return False
    if isinstance(answer, bool) or isinstance(expected, bool):
        right = isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    elif isinstance(answer, (int, float)) and isinstance(expected, (int, float)):
        right = math.isclose(float(answer), float(expected), rel_tol=tolerance, abs_tol=tolerance)
    elif isinstance(answer, str) and isinstance(expected, str):
        right = answer.strip().lower() == expected.strip().lower()
    else:
        right = answer == expected
    print(f"✓ {what} is right." if right else f"✗ {what} is not right yet: look again, then re-run this cell.")
    return right
