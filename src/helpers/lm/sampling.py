"""Encode, sample, score and cut: the one sampler every hand-written RL loop of the book uses.

The book's tokenizer has one token per character, so a row of token ids decodes to a string
of the same length (:func:`decode` writes special tokens as ``?``) and equal-length prompts
need no padding. :func:`sample_tokens` draws from a CPU generator, so the same generator
state gives the same tokens on any device.

Used by: every module of :mod:`helpers.rl`, :mod:`helpers.rewards` and the tasks' evaluations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def encode(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], device: str = "cpu") -> torch.Tensor:
    """Equal-length strings to a ``(rows, length)`` id tensor on ``device``."""
    ids = tokenizer(list(texts), return_tensors="pt", add_special_tokens=False)["input_ids"]
    return ids.to(device)


def decode(tokenizer: PreTrainedTokenizerBase, ids: torch.Tensor) -> list[str]:
    """One character per token (special tokens become ``?``), so decoded rows keep their length."""
    tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids.tolist()]
    return ["".join(t if len(t) == 1 else "?" for t in row) for row in tokens]


@torch.no_grad()
def sample_tokens(
    model: torch.nn.Module,
    input_ids: torch.Tensor,
    num_tokens: int,
    generator: torch.Generator | None,
    return_logprobs: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Sample ``num_tokens`` tokens after each row of ``input_ids`` at temperature 1, with a KV cache.

    Rows must have equal length (no padding). ``generator=None`` decodes greedily. Returns
    ``(rows, num_tokens)`` ids; with ``return_logprobs``, also log π of each drawn token
    under the sampling policy (what TRL calls the old log-probabilities).
    """
    out = model(input_ids=input_ids, use_cache=True)
    tokens, logprobs = [], []
    for i in range(num_tokens):
        logits = out.logits[:, -1].float().cpu()
        probs = logits.softmax(-1)
        if generator is None:
            token = probs.argmax(-1, keepdim=True)
        else:
            token = torch.multinomial(probs, 1, generator=generator)
        tokens.append(token.to(input_ids.device))
        if return_logprobs:
            logprobs.append(logits.log_softmax(-1).gather(1, token))
        if i + 1 < num_tokens:
            out = model(input_ids=tokens[-1], past_key_values=out.past_key_values, use_cache=True)
    ids = torch.cat(tokens, dim=1)
    return (ids, torch.cat(logprobs, dim=1).to(input_ids.device)) if return_logprobs else ids


def logits_and_logprobs(
    model: torch.nn.Module, seqs: torch.Tensor, prompt_length: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The logits predicting ``seqs[:, prompt_length:]`` (float, ``(rows, len - prompt_length, vocab)``) and
    log π of those tokens (``(rows, len - prompt_length)``), with grad: the forward every policy loss needs."""
    logits = model(input_ids=seqs).logits[:, prompt_length - 1 : -1].float()
    return logits, logits.log_softmax(-1).gather(2, seqs[:, prompt_length:, None]).squeeze(-1)


def token_logprobs(model: torch.nn.Module, seqs: torch.Tensor, prompt_length: int) -> torch.Tensor:
    """log π of every token of ``seqs[:, prompt_length:]`` given all before it, with grad."""
    return logits_and_logprobs(model, seqs, prompt_length)[1]


def sequence_logprob(model: torch.nn.Module, seqs: torch.Tensor, prompt_length: int) -> torch.Tensor:
    """Sum of log π over ``seqs[:, prompt_length:]``, one value per row (with grad)."""
    return token_logprobs(model, seqs, prompt_length).sum(1)


def first_index(hits: torch.Tensor) -> torch.Tensor:
    """Per row of the boolean ``(rows, length)`` tensor ``hits``, the position of its first True, or ``length``
    where it has none: where a sampled response ends (its first EOS or other special token)."""
    return torch.where(hits.any(1), hits.float().argmax(1), torch.full((len(hits),), hits.shape[1]))


def cut_at_special(tokenizer: PreTrainedTokenizerBase, ids: torch.Tensor) -> tuple[list[str], torch.Tensor]:
    """Decoded rows cut before their first special token (EOS, pad, unknown), and its position per row.

    A row with no special token keeps all its tokens; its position is the row length.
    """
    ends = first_index(torch.isin(ids.cpu(), torch.tensor(tokenizer.all_special_ids)))
    return [t[:e] for t, e in zip(decode(tokenizer, ids), ends.tolist())], ends


@torch.no_grad()
def sample_texts(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    samples: int,
    num_tokens: int,
    seed: int,
    device: str = "cpu",
) -> list[str]:
    """``samples`` responses to every prompt (prompt-major) at temperature 1, cut at their first special token:
    the texts an evaluation reads, drawn from a generator seeded by ``seed`` alone. Prompts must have equal length."""
    ids = encode(tokenizer, prompts, device).repeat_interleave(samples, 0)
    return cut_at_special(tokenizer, sample_tokens(model, ids, num_tokens, torch.Generator().manual_seed(seed)))[0]


def through_end(ends: torch.Tensor, length: int) -> torch.Tensor:
    """``(rows, length)`` float mask of the tokens up to and including position ``ends[row]``.

    The trained tokens of a response cut at its end-of-sequence token: the response and
    the EOS itself (a row without EOS keeps all ``length`` tokens).
    """
    return (torch.arange(length)[None, :] <= ends[:, None].cpu()).float()
