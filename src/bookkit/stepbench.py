"""The tiny GPT's training step against its matrix-product floor, measured in one run (``make bench``).

The floor of a forward + backward pass is its matrix-product FLOPs divided by the rate this
machine reaches on those same products (measured here, now, with the book's one torch thread):
a step cannot run faster than its matmuls. The ratio step / floor says how much time goes to
everything else (attention softmax, layer norms, GELU, the optimiser, Python). Shapes are the
book's: batch 64 × 12 tokens (SFT), 256 × 12 (a GRPO group batch) and 64 × 40 (n07's longer sequences).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch

from helpers import runtime
from helpers.lm.models import TinyLMConfig, build_model
from helpers.lm.tokenizer import build_char_tokenizer

#: (batch, tokens) shapes the book trains at.
SHAPES: tuple[tuple[int, int], ...] = ((64, 12), (256, 12), (64, 40))


def _best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Median seconds of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def matmul_flops(config: TinyLMConfig, vocab: int, batch: int, tokens: int) -> float:
    """FLOPs of the matrix products of one forward pass (2 per multiply-add).

    Per layer and token: Q, K, V and output projections (4 d²), the MLP (8 d²); per layer and
    sequence: attention scores and their weighted sum (2 T² d); per token: the LM head (d V).
    """
    d, n_tok = config.n_embd, batch * tokens
    per_layer = 2 * n_tok * 12 * d * d + 2 * batch * 2 * tokens * tokens * d
    return config.n_layer * per_layer + 2 * n_tok * d * vocab


def measure(repeats: int = 5) -> list[dict[str, float]]:
    """One row per shape: step (forward + backward) ms, floor ms, ratio, and the matmul rate in GFLOP/s."""
    runtime.setup("cpu")
    tok = build_char_tokenizer()
    config = TinyLMConfig(n_positions=64)
    model = build_model(config, tok, seed=0).train()
    rows = []
    for batch, tokens in SHAPES:
        ids = torch.randint(3, len(tok), (batch, tokens))

        def step(ids: torch.Tensor = ids) -> None:
            model.zero_grad(set_to_none=True)
            model(input_ids=ids, labels=ids).loss.backward()

        step_s = _best_of(step, repeats)
        # the rate on the step's own product shapes: (B·T, d) @ (d, 4d), the largest of them
        a, b = torch.randn(batch * tokens, config.n_embd), torch.randn(config.n_embd, 4 * config.n_embd)
        mm_s = _best_of(lambda a=a, b=b: a @ b, 20)
        rate = 2 * a.shape[0] * a.shape[1] * b.shape[1] / mm_s
        flops = 3 * matmul_flops(config, len(tok), batch, tokens)  # backward ≈ 2 × forward
        floor_s = flops / rate
        rows.append(
            {
                "batch": batch,
                "tokens": tokens,
                "step_ms": 1e3 * step_s,
                "floor_ms": 1e3 * floor_s,
                "ratio": step_s / floor_s,
                "matmul_gflops": rate / 1e9,
            }
        )
    return rows


def table(rows: list[dict[str, float]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| batch × tokens | forward + backward (ms) | matmul floor (ms) | step / floor | matmul rate (GFLOP/s) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['batch']} × {r['tokens']} | {r['step_ms']:.1f} | {r['floor_ms']:.1f} | {r['ratio']:.2f} | "
        f"{r['matmul_gflops']:.1f} |"
        for r in rows
    ]
    return "\n".join(lines)
