"""Word tokenizers by name: ``scoring.tokenizer: NAME``.

Tokenizers register through the ``bench.tokenizers`` entry-point group (the
built-ins too, see ``pyproject.toml``), or in-process with
``@register_tokenizer("name")``, as summarizers and metrics do. A new tokenizer
is one file: a ``WordTokenizer`` subclass (``bench.tokenizers.base``) and its
entry point. Nothing here imports a tokenizer until one is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from bench.api.registry import entry_point_values, load_entry_point, load_env_plugins, missing_hint
from bench.errors import ConfigError

if TYPE_CHECKING:
    from bench.tokenizers.base import WordTokenizer

ENTRY_POINT_GROUP = "bench.tokenizers"
DEFAULT = "rouge-score"

W = TypeVar("W", bound="type[WordTokenizer]")
_registered: dict[str, type["WordTokenizer"]] = {}


def register_tokenizer(name: str) -> Callable[[W], W]:
    """Class decorator: make a word tokenizer available under ``name`` in this process."""

    def decorate(cls: W) -> W:
        cls.name = name
        _registered[name] = cls
        return cls

    return decorate


def tokenizer_types() -> dict[str, str]:
    """Every registered tokenizer name, mapped to where it comes from (not imported)."""
    load_env_plugins()
    found = entry_point_values(ENTRY_POINT_GROUP)
    found.update({name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in _registered.items()})
    return dict(sorted(found.items()))


def check_tokenizer_name(name: str) -> str:
    """``name`` if a tokenizer is registered under it; else a ConfigError listing the known ones."""
    if name not in tokenizer_types():
        known = ", ".join(tokenizer_types()) or "none"
        raise ConfigError(
            f"scoring.tokenizer: unknown tokenizer {name!r}; use one of {known}{missing_hint(ENTRY_POINT_GROUP)}"
        )
    return name


def get_tokenizer_class(name: str) -> type["WordTokenizer"]:
    """The tokenizer class registered as ``name``; only that one is imported."""
    from bench.tokenizers.base import WordTokenizer

    load_env_plugins()
    cls = _registered.get(name) or load_entry_point(ENTRY_POINT_GROUP, check_tokenizer_name(name))
    if not (isinstance(cls, type) and issubclass(cls, WordTokenizer)):
        raise TypeError(f"tokenizer {name!r} ({tokenizer_types()[name]}) is not a WordTokenizer subclass")
    cls.name = name
    return cls


def make_tokenizer(name: str = DEFAULT, use_stemmer: bool = True) -> "WordTokenizer":
    """The word tokenizer called ``name`` in ``scoring.tokenizer``."""
    return get_tokenizer_class(name)(use_stemmer)
