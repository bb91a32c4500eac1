"""Word tokenizers by name: ``scoring.tokenizer: NAME``.

Tokenizers register through the ``bench.tokenizers`` entry-point group (the
built-ins too, see ``pyproject.toml``), or in-process with
``@register_tokenizer("name")``, as summarizers and metrics do. A new tokenizer
is one file: a ``WordTokenizer`` subclass (``bench.tokenizers.base``) and its
entry point. Nothing here imports a tokenizer until one is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from bench.api.registry import Registry

if TYPE_CHECKING:
    from bench.tokenizers.base import WordTokenizer

ENTRY_POINT_GROUP = "bench.tokenizers"
DEFAULT = "rouge-score"

W = TypeVar("W", bound="type[WordTokenizer]")
# The base is named, not imported: it pulls in rouge-score, and `bench list` needs only the names.
REGISTRY: Registry[type["WordTokenizer"]] = Registry(ENTRY_POINT_GROUP, "bench.tokenizers.base:WordTokenizer",
                                                     "tokenizer", "tokenizers", stamp_name=True)
_registered = REGISTRY.registered  # the same dict: tests register into it


def register_tokenizer(name: str) -> Callable[[W], W]:
    """Class decorator: make a word tokenizer available under ``name`` in this process."""
    return REGISTRY.register(name)  # type: ignore[return-value]


def tokenizer_types() -> dict[str, str]:
    """Every registered tokenizer name, mapped to where it comes from (not imported)."""
    return REGISTRY.names()


def check_tokenizer_name(name: str) -> str:
    """``name`` if a tokenizer is registered under it (nothing imported); else UnknownNameError."""
    return REGISTRY.check(name)


def get_tokenizer_class(name: str) -> type["WordTokenizer"]:
    """The tokenizer class registered as ``name``; only that one is imported."""
    return REGISTRY.get(name)


def make_tokenizer(name: str = DEFAULT, use_stemmer: bool = True) -> "WordTokenizer":
    """The word tokenizer called ``name`` in ``scoring.tokenizer``."""
    return get_tokenizer_class(name)(use_stemmer)
