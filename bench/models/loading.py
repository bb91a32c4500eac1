"""Resolve a model (local folder or Hub id), pick device and dtype, load it once.

Failures a user can fix are one-line ``ModelError``s: a folder that is not a
saved model, a Hub id that is not cached while offline (at once, no retries),
a device that is not there, a model of the wrong kind.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.errors import UserError

# Large enough that tokenizers use it to mean "no limit set".
_NO_LIMIT = 10**9
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


class ModelError(UserError):
    """A model named in a config cannot be found, loaded or run as asked."""


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    source: str  # the local folder or Hub id it came from
    device: str
    dtype: str
    max_length: int | None  # input limit in tokens; None when the model has none


def hub_offline() -> bool:
    """True when the Hugging Face Hub must not be contacted (read at call time)."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}:
            return True
    return False


def _looks_like_path(model: str) -> bool:
    """A Hub id is ``name`` or ``owner/name``; anything else with separators is a path."""
    return model.startswith((".", "/", "~")) or "\\" in model or model.count("/") > 1 or (
        len(model) > 1 and model[1] == ":"
    )


def resolve_model_source(model: str, revision: str | None = None, name: str = "model") -> str:
    """Return a local folder or a Hub id that can be loaded now, or raise ModelError.

    A local folder must hold a ``config.json``. A Hub id is checked against the
    local cache first; offline, an uncached id fails here instead of in a chain
    of connection retries.
    """
    path = Path(model).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelError(f"{name}: model path {model} is a file; point it to the folder written by save_pretrained")
        if not (path / "config.json").is_file():
            raise ModelError(
                f"{name}: {model} is not a Hugging Face model folder (no config.json); "
                "point model: to a folder written by save_pretrained, or to a Hub id"
            )
        return str(path.resolve())
    if _looks_like_path(model) or not _HUB_ID.match(model):
        raise ModelError(f"{name}: model path {model} not found; check the path or give a Hub id like google/flan-t5-small")
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(model, "config.json", revision=revision)
    if isinstance(cached, str):
        return model
    if hub_offline():
        at = f" at revision {revision}" if revision else ""
        raise ModelError(
            f"{name}: model {model}{at} is not in the local Hugging Face cache and the Hub is offline (HF_HUB_OFFLINE); "
            f"download it once online (hf download {model}) or set model: to a local folder saved with save_pretrained"
        )
    if not _hub_reachable():
        raise ModelError(
            f"{name}: model {model} is not in the local Hugging Face cache and the Hub cannot be reached; "
            "check the network, or set model: to a local folder saved with save_pretrained"
        )
    return model


def _hub_reachable(timeout: float = 3.0) -> bool:
    """One quick TCP connect to the Hub endpoint, instead of huggingface_hub's minute of retries."""
    import socket
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True  # behind a proxy a direct connect says nothing; let the download try
    url = urlparse(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def resolve_device(device: str) -> str:
    """``auto`` picks cuda, then mps, then cpu; an explicit device must exist."""
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device {device} asked for, but torch sees no CUDA GPU; use device: auto or cpu")
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("device mps asked for, but torch has no MPS backend here; use device: auto or cpu")
    return device


def _resolve_dtype(dtype: str, device: str) -> Any:
    """``auto``: float32 on CPU (exact and fast there), the checkpoint's own dtype on accelerators."""
    import torch

    if dtype == "auto":
        return torch.float32 if device == "cpu" else "auto"
    return getattr(torch, dtype)


def _input_limit(tokenizer: Any, config: Any) -> int | None:
    limits = []
    if getattr(tokenizer, "model_max_length", None) and tokenizer.model_max_length < _NO_LIMIT:
        limits.append(int(tokenizer.model_max_length))
    for key in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            limits.append(value)
            break
    return min(limits) if limits else None


def load_model(settings: Any, kind: str, padding_side: str = "right") -> LoadedModel:
    """Load tokenizer and model for ``settings`` (an ``HFModelSettings``); ``kind`` is
    ``seq2seq`` or ``causal``. Called once per summarizer instance."""
    source = resolve_model_source(settings.model, settings.revision, name=f"summarizer {settings.name}")
    device = resolve_device(settings.device)
    import transformers
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    auto_class = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForCausalLM
    common = {"revision": settings.revision, "trust_remote_code": settings.trust_remote_code}
    if hub_offline() or Path(source).is_dir():
        common["local_files_only"] = True
    where = f"summarizer {settings.name}: model {settings.model}"
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **common)
        model = auto_class.from_pretrained(source, dtype=_resolve_dtype(settings.dtype, device), **common)
    except ValueError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        if "trust_remote_code" in str(err):
            raise ModelError(f"{where} needs custom code from its repository; set trust_remote_code: true only if you trust it") from None
        other = "hf-causal" if kind == "seq2seq" else "hf-seq2seq"
        raise ModelError(f"{where} cannot load as a {kind} language model ({first[:200]}); check the model or use type {other}") from None
    except OSError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelError(f"{where} could not be loaded ({first[:200]}); check the id, revision and network, or use a local folder") from None
    model.to(device)
    model.eval()
    tokenizer.padding_side = padding_side
    if tokenizer.pad_token is None:
        # Decoder-only models often ship without one; padding is masked out, so EOS serves.
        tokenizer.pad_token = tokenizer.eos_token
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        source=source,
        device=device,
        dtype=str(model.dtype).replace("torch.", ""),
        max_length=_input_limit(tokenizer, model.config),
    )


# Files larger than this are fingerprinted by size, mtime and their first and
# last MiB instead of read whole: hashing tens of GB of weights on every run
# would cost more than the cache saves.
_FULL_HASH_LIMIT = 256 * 2**20


def model_identity(model: str, revision: str | None = None) -> dict[str, Any]:
    """What identifies a model's weights for the prediction cache, without loading it.

    A local folder: a hash over its files' contents. A Hub id: the commit of the
    cached snapshot (a moving branch such as ``main`` resolves to the commit the
    model would load). Never contacts the Hub.
    """
    import hashlib

    path = Path(model).expanduser()
    if path.is_dir():
        digest = hashlib.sha256()
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(path)).encode() + b"\0")
            size = file.stat().st_size
            with file.open("rb") as handle:
                if size <= _FULL_HASH_LIMIT:
                    for block in iter(lambda: handle.read(2**20), b""):
                        digest.update(block)
                else:
                    digest.update(f"{size}:{file.stat().st_mtime_ns}".encode())
                    digest.update(handle.read(2**20))
                    handle.seek(size - 2**20)
                    digest.update(handle.read(2**20))
        return {"local_files_sha256": digest.hexdigest()}
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(model, "config.json", revision=revision)
    except Exception:  # an id the hub client rejects: the load will say why
        cached = None
    commit = Path(cached).parent.name if isinstance(cached, str) else None
    return {"hub_id": model, "revision": revision, "resolved_commit": commit}
