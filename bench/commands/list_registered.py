"""bench list: what is registered (summarizers, dataset formats, tasks, metrics, tokenizers, engines).

It answers at once: registries are read from entry points, and a plug-in's
``description`` is read from its source (``bench.api.introspect``), so listing
never imports torch, transformers or a model package. A metric's score keys
need the class itself: it is imported when that is cheap (its module pulls in
no library beyond ``CHEAP_LIBRARIES``), or with ``--full``, which imports
every plug-in and shows what only running code can tell.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

# Libraries quick enough to import for a listing (tens of milliseconds).
CHEAP_LIBRARIES = frozenset({"numpy", "pydantic", "pydantic_core", "typing_extensions", "yaml", "regex"})


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list", help="show registered summarizers, dataset formats, metrics, tokenizers and engines"
    )
    parser.add_argument("--full", action="store_true",
                        help="import every plug-in (slower): check that each loads, and show every metric's keys")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.api.engine import engine_types, get_engine_class
    from bench.data.formats import format_types
    from bench.api.summarizer import get_summarizer_class, summarizer_types
    from bench.tokenizers.registry import get_tokenizer_class, tokenizer_types

    full = bool(getattr(args, "full", False))
    print("summarizers:")
    _print_section(summarizer_types(), get_summarizer_class if full else None, oracle_flag=True)
    print("dataset formats (dataset.format):")
    _print_section(format_types(), None)
    _print_tasks()
    print("metrics (scoring):")
    _print_metrics(full)
    print("tokenizers (scoring.tokenizer):")
    _print_section(tokenizer_types(), get_tokenizer_class if full else None)
    print("engines (engine.type):")
    _print_section(engine_types(), get_engine_class if full else None, module_first=True)
    return 0


def _print_tasks() -> None:
    """The standard corpora shipped as task files (bench/tasks/*.yaml): read, not imported."""
    from bench.data.tasks import task_listing

    print("tasks (dataset.task, or bench run --task NAME):")
    for name, about in task_listing():
        print(f"  {name:<26} {about}")


def _print_section(types: dict[str, str], lookup: Callable[[str], Any] | None, **options: bool) -> None:
    """A line per registered name; ``lookup`` (with --full) imports each one first."""
    for name, origin in types.items():
        loaded = _load(lookup, name) if lookup is not None else None
        print(_line(name, origin, loaded, **options))


def _load(lookup: Callable[[str], Any], name: str) -> Any:
    try:
        return lookup(name)
    except Exception as err:  # noqa: BLE001 - a broken plugin must not hide the others
        return err


def _already_imported(origin: str) -> Any:
    """The object at ``module:Qual.Name`` when its module is imported already, else None."""
    module_name, _, qualname = origin.partition(":")
    obj: Any = sys.modules.get(module_name.strip())
    for part in filter(None, qualname.strip().split(".")):
        obj = getattr(obj, part, None)
    return obj


def _about(origin: str, loaded: Any, module_first: bool) -> tuple[str, bool]:
    """(description, is_oracle) from a loaded class, else read from its source.
    Without a ``description``, the class docstring, then the module's (or the
    module's first, for ``module_first``: one engine, one module)."""
    from bench.api.introspect import describe_class

    info = describe_class(origin)
    cls = loaded if isinstance(loaded, type) else _already_imported(origin)
    if isinstance(cls, type):
        docstring = (cls.__doc__ or "").strip().split("\n")[0]
        module_doc = info.module_docstring if info else ""
        fallback = [module_doc, docstring] if module_first else [docstring, module_doc]
        about = getattr(cls, "description", "") or next(filter(None, fallback), "")
        return about, bool(getattr(cls, "is_oracle", False))
    if info is None:
        return "(no description readable without importing it; bench list --full)", False
    if module_first:
        return info.description or info.module_docstring or info.docstring, info.is_oracle
    return info.about, info.is_oracle


def _line(name: str, origin: str, loaded: Any, oracle_flag: bool = False, module_first: bool = False) -> str:
    if isinstance(loaded, BaseException):
        return f"  {name:<14} (cannot load: {_one_line(loaded)})  <{origin}>"
    about, is_oracle = _about(origin, loaded, module_first)
    if oracle_flag and is_oracle:
        about += " [oracle]"
    return f"  {name:<14} {about}  <{origin}>"


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]


def _print_metrics(full: bool) -> None:
    """Each metric on a line, then each of its score keys on a line of its own."""
    from bench.api.metric import get_metric_class, metric_types

    types = metric_types()
    for name, origin in types.items():
        loaded = _already_imported(origin)
        if loaded is None and (full or _cheap(origin)):
            loaded = _load(get_metric_class, name)
        print(_line(name, origin, loaded))
        for key_line in _keys(loaded):
            print(key_line)


def _cheap(origin: str) -> bool:
    """Whether importing the module of ``origin`` pulls in only cheap libraries."""
    from bench.api.introspect import external_imports

    module = origin.partition(":")[0].strip()
    libraries = external_imports(module, {"bench", module.split(".")[0]})
    return all(lib in CHEAP_LIBRARIES or lib in sys.modules for lib in libraries)


def _keys(cls: Any) -> list[str]:
    """A line per score key of a metric class built with default settings."""
    if not isinstance(cls, type):
        return []
    try:
        keys = cls(cls.Settings()).keys()
    except Exception:  # noqa: BLE001 - settings without defaults: keys depend on them
        return [f"    {'(keys)':<12} depend on its settings"]
    lines = []
    for key in keys:
        about = key.description or key.label or key.name
        ranked = ", may rank" if key.rankable else ", beside the ranks"
        lines.append(f"    {key.name:<12} {about} ({'/'.join(key.columns)}{ranked})")
    return lines
