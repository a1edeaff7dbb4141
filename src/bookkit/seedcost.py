"""How the book's cost grows with the number of seeds: a benchmark, never a timed test.

:func:`measure` executes a few notebooks with seeds ``0..k-1`` for each ``k`` in ``counts``
(each into its own build folder, sharing the main model cache, so base models are trained
once, by a discarded warm-up run, and the numbers are the RL experiments' cost alone).
:func:`figure` draws wall time against seeds with the line "k times the one-seed cost" for
comparison, and :func:`ratio` is the cost of 5 seeds over the cost of 1.

Run it with ``make seedcost`` (``python -m bookkit.run seedcost``); it writes
``_build/status/seedcost.json`` and ``_build/status/seed_cost.png``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Two representative notebooks: a small-batch non-LM experiment and an LM policy-gradient one.
DEFAULT_NOTEBOOKS = ("01-utility-weighted-loss", "06-negative-reinforcement")
DEFAULT_COUNTS = (1, 3, 5, 10)


def measure(
    root: Path, build: Path, notebooks: list[str], counts: list[int], scale: str = "ci", jobs: int = 1
) -> dict[str, Any]:
    """Execute ``notebooks`` with ``k`` seeds for every ``k`` in ``counts``; wall and CPU seconds per run.

    The notebooks run one at a time by default (``jobs=1``), with one torch thread each, so a
    count's time is not mixed with another notebook's. Returns ``{"scale", "counts", "runs"}``
    where ``runs`` holds one record per (notebook, count).
    """
    if not counts or min(counts) < 1:
        raise ValueError(f"counts must be positive seed counts, got {counts}")
    from bookkit.execution import execute_into

    def execute(k: int, folder: Path) -> list[dict[str, Any]]:
        execute_into(folder, scale, list(range(k)), notebooks, jobs=jobs, cwd=root)
        return json.loads((folder / "status" / "timings.json").read_text())["notebooks"]

    execute(1, build / "seedcost" / "warm-up")  # trains (or loads) the base models; its time is discarded
    runs = []
    for k in counts:
        for t in execute(k, build / "seedcost" / f"seeds-{k}"):
            runs.append(
                {
                    "notebook": t["notebook"],
                    "seeds": k,
                    "wall_s": t["wall_s"],
                    "cpu_s": t["cpu_s"],
                    "startup_s": t.get("startup_s", float("nan")),
                }
            )
    return {"scale": scale, "counts": list(counts), "runs": runs}


def ratio(result: dict[str, Any], notebook: str, many: int = 5, one: int = 1) -> float:
    """Wall time with ``many`` seeds over wall time with ``one`` (NaN when either was not measured)."""
    wall = {r["seeds"]: r["wall_s"] for r in result["runs"] if r["notebook"] == notebook}
    return wall[many] / wall[one] if many in wall and one in wall else float("nan")


def table(result: dict[str, Any]) -> str:
    """Markdown table: wall seconds per notebook and seed count, and the 5-seed/1-seed ratio."""
    counts = result["counts"]
    lines = [
        "| notebook | " + " | ".join(f"{k} seed{'s' if k > 1 else ''} (s)" for k in counts) + " | 5 / 1 seed |",
        "|---|" + "---|" * (len(counts) + 1),
    ]
    for nb in dict.fromkeys(r["notebook"] for r in result["runs"]):
        wall = {r["seeds"]: r["wall_s"] for r in result["runs"] if r["notebook"] == nb}
        cells = " | ".join(f"{wall[k]:.1f}" if k in wall else "" for k in counts)
        lines.append(f"| `{Path(nb).stem}` | {cells} | {ratio(result, nb):.2f} |")
    return "\n".join(lines)


def figure(result: dict[str, Any], path: Path) -> Path:
    """Wall time against number of seeds per notebook, beside "k times one seed"; saved to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers import plots

    plots.use_book_style()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for _i, nb in enumerate(dict.fromkeys(r["notebook"] for r in result["runs"])):
        rows = sorted((r["seeds"], r["wall_s"]) for r in result["runs"] if r["notebook"] == nb)
        k, wall = zip(*rows)
        (line,) = ax.plot(k, wall, marker="o", label=Path(nb).stem)
        if k[0] == 1:
            ax.plot(
                k,
                [wall[0] * x for x in k],
                ls="--",
                lw=1,
                color=line.get_color(),
                label=f"{Path(nb).stem}: k × one seed",
            )
    ax.set(
        xlabel="seeds per arm (k)",
        ylabel="notebook wall time (s)",
        title=f"Cost of seeds at scale {result['scale']} (2-core machine, one torch thread)",
    )
    ax.set_xticks(result["counts"])
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
