"""Tiny causal language models: build from a config, save/load with safetensors, cache trained bases.

Every language-model notebook builds its model here. The model is a real
``transformers`` GPT-2 (:class:`~transformers.GPT2LMHeadModel`) built from a config,
so TRL's trainers, ``generate`` and ``save_pretrained`` work unchanged; it is never
downloaded. :func:`cached_model` trains a base model once per configuration and
reuses it across notebooks and builds; :func:`load_pretrained` is the path for a
real hub model on Colab or a GPU (and is tested here on a locally saved model).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import inspect
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedModel, PreTrainedTokenizerBase

from helpers.runtime import default_cache_dir

#: Bump when a change to training code should invalidate every cached base model.
CACHE_VERSION = "3"  # 2: the fused tanh-GELU kernel (see build_model); 3: keys hash syntax trees, not text


@dataclass(frozen=True)
class TinyLMConfig:
    """Shape of a tiny GPT-2. The defaults (2 layers, d=128, 4 heads, no dropout) have about 0.4M parameters.

    d=128 rather than the specs' d=64: on noisy mod-10 addition a d=64 model sat at
    chance for 1,500 SFT steps, while d=128 learned within 500-1,000 (measured, 3 seeds).
    """

    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 128
    n_positions: int = 32
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if min(self.n_layer, self.n_head, self.n_embd, self.n_positions) <= 0:
            raise ValueError(f"TinyLMConfig sizes must be positive, got {self}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd={self.n_embd} is not divisible by n_head={self.n_head}")


def build_model(config: TinyLMConfig, tokenizer: PreTrainedTokenizerBase, seed: int = 0) -> GPT2LMHeadModel:
    """A freshly initialised GPT-2 sized by ``config`` with the tokenizer's vocabulary and special ids.

    Initialisation is seeded, so the same ``(config, seed)`` gives the same weights.
    """
    gpt2_config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=config.n_positions,
        n_embd=config.n_embd,
        n_layer=config.n_layer,
        n_head=config.n_head,
        # GPT-2's tanh GELU as one fused kernel: the same function as the default "gelu_new",
        # written as six element-wise operations: a forward and backward pass costs about a quarter
        # less CPU (measured at batch 256, one thread; see the README's "Where the time goes").
        activation_function="gelu_pytorch_tanh",
        resid_pdrop=config.dropout,
        embd_pdrop=config.dropout,
        attn_pdrop=config.dropout,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(gpt2_config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return _with_loss_type(model)


def _with_loss_type(model: PreTrainedModel) -> PreTrainedModel:
    """Name the causal-LM loss explicitly, so transformers does not warn "loss_type=None ... unrecognized"."""
    if getattr(model, "loss_type", None) is None:
        model.loss_type = "ForCausalLM"
    return model


def count_parameters(model: torch.nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def save_model(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    path: str | Path,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Save model (safetensors), tokenizer and optional ``metadata`` (as ``spec.json``) into ``path``.

    The write is atomic: everything goes to a temporary sibling folder, which is
    renamed into place last, so a reader sees the whole entry or none of it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        if metadata is not None:
            (tmp / "spec.json").write_text(json.dumps(metadata, sort_keys=True, indent=1, default=_jsonable))
        (tmp / "COMPLETE").write_text("ok\n")
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load_pretrained(
    name_or_path: str | Path, local_files_only: bool = True
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load a causal LM and its tokenizer from a folder or, on Colab/GPU, from a hub name.

    ``local_files_only=True`` (the default, and what the book's own runs use) never
    touches the network; pass ``False`` on a machine that may download.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(name_or_path, local_files_only=local_files_only)
    tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=local_files_only)
    return _with_loss_type(model), tokenizer


def config_hash(spec: dict[str, Any]) -> str:
    """A short, stable hash of a JSON-able description of how a model is built and trained."""
    payload = json.dumps({"cache_version": CACHE_VERSION, **spec}, sort_keys=True, default=_jsonable)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def code_hash(*modules: ModuleType) -> str:
    """A short hash of the code of ``modules``: part of a cache key, so editing training code retrains.

    It hashes each module's syntax tree without its docstrings, so reformatting, comments and
    docstrings do not retrain a base (``ruff format`` can run over the training code), and any
    change to what the code does, however small, does.
    """
    digest = hashlib.sha256()
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
        digest.update(ast.dump(tree).encode())
    return digest.hexdigest()[:16]


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    raise TypeError(f"cannot hash {type(obj).__name__} into a cache key")


def _is_complete(path: Path) -> bool:
    return (path / "COMPLETE").is_file() and (path / "model.safetensors").is_file()


@dataclass
class CachedModel:
    """A trained model from :func:`cached_model`, with its training history and where it came from."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    history: dict[str, Any]
    from_cache: bool
    path: Path


def cached_model(
    spec: dict[str, Any],
    train: Callable[[], tuple[PreTrainedModel, PreTrainedTokenizerBase, dict[str, Any]]],
    cache_dir: str | Path | None = None,
) -> CachedModel:
    """Return the model that ``train()`` makes for ``spec``, training only if no valid cache entry exists.

    ``train()`` returns ``(model, tokenizer, history)``; ``history`` (e.g. the loss
    curve) is stored beside the weights. The entry lives in
    ``cache_dir/<config_hash(spec)>/`` and is written atomically (see
    :func:`save_model`). An entry without its completion marker, or whose weights or
    history fail to load, is deleted and rebuilt, never used.

    The result does not depend on the cache's state: a freshly trained model is saved and
    loaded back (the same object a later cache hit returns), and ``train()`` runs with the
    caller's random state saved and restored (Python, NumPy, torch), so what the notebook
    draws next is the same whether the base was trained now or read from disk. Two processes
    asking for one entry at once (two notebooks of a parallel build) take a file lock
    (:mod:`filelock`, so it works on Windows too): one trains, the other waits and reads.
    """
    from filelock import FileLock

    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = root / config_hash(spec)
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(root / f"{path.name}.lock"):
        if _is_complete(path):
            try:
                return CachedModel(*_load_entry(path), True, path)
            except Exception:  # noqa: BLE001 - any failure means a corrupt entry, rebuilt below
                pass
        shutil.rmtree(path, ignore_errors=True)
        with _preserved_random_state():
            model, tokenizer, history = train()
        save_model(model, tokenizer, path, metadata={"spec": spec, "history": history})
        return CachedModel(*_load_entry(path), False, path)


def _load_entry(path: Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, dict[str, Any]]:
    model, tokenizer = load_pretrained(path)
    return model, tokenizer, json.loads((path / "spec.json").read_text())["history"]


@contextlib.contextmanager
def _preserved_random_state() -> Iterator[None]:
    """Run a block and put Python's, NumPy's and torch's global random state back afterwards."""
    import random

    import numpy as np

    py_state, np_state = random.getstate(), np.random.get_state()
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        yield
    random.setstate(py_state)
    np.random.set_state(np_state)
