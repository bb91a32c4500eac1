"""Reading plug-in registries (entry-point groups) the same way for every kind.

Built-in summarizers, metrics and tokenizers register through entry points in
``pyproject.toml``, like third-party ones. Entry points live in the installed
package metadata, which ``pip install -e .`` writes once: a built-in added to
``pyproject.toml`` afterwards would be missing until the next install. So when
``bench`` runs from a source checkout (``pyproject.toml`` of headline-bench
beside the package), this project's own entries are read from that file, and
metadata is used for every other package. Where the file cannot be read, a
name that is missing from the metadata gets one line saying to reinstall.

``BENCH_PLUGINS=module[,module...]`` names modules imported before any lookup,
so what they register in-process (``@register_summarizer``, ...) is found too.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from bench.errors import ConfigError, UnknownNameError

DISTRIBUTION = "headline-bench"
PLUGINS_ENV = "BENCH_PLUGINS"
REINSTALL_HINT = "run pip install -e . again in the checkout, so the installed entry points match pyproject.toml"


def load_env_plugins() -> None:
    """Import the modules named in ``BENCH_PLUGINS`` (comma-separated), once each."""
    for module in filter(None, (m.strip() for m in os.environ.get(PLUGINS_ENV, "").split(","))):
        try:
            importlib.import_module(module)
        except ImportError as err:
            raise ConfigError(
                f"{PLUGINS_ENV}: cannot import plugin module {module!r} ({err}); check the name and PYTHONPATH"
            ) from None


def source_pyproject() -> Path | None:
    """headline-bench's ``pyproject.toml`` when ``bench`` is imported from a source
    checkout (an editable install or PYTHONPATH), else None (an installed wheel)."""
    import bench

    candidate = Path(bench.__file__).resolve().parents[1] / "pyproject.toml"
    return candidate if candidate.is_file() else None


@lru_cache(maxsize=8)
def _declared(path: str, mtime_ns: int) -> dict[str, dict[str, str]] | None:
    """``[project.entry-points]`` of a pyproject file; None when it cannot be read
    or is not headline-bench's. Keyed on mtime so an edit is seen at once."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return None
    try:
        project = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return None
    if project.get("name") != DISTRIBUTION:
        return None
    groups = project.get("entry-points", {})
    return {group: dict(items) for group, items in groups.items() if isinstance(items, dict)}


def checkout_entry_points(group: str) -> dict[str, str] | None:
    """This project's own entries of ``group`` as the checkout declares them, or
    None when not running from a readable checkout."""
    path = source_pyproject()
    if path is None:
        return None
    declared = _declared(str(path), path.stat().st_mtime_ns)
    return None if declared is None else declared.get(group, {})


def entry_point_values(group: str) -> dict[str, str]:
    """Every entry of ``group``: name -> ``module:attribute``, sorted by name.

    Other packages' entries come from their metadata; headline-bench's own from
    its checkout's ``pyproject.toml`` when there is one (so a built-in added
    there needs no reinstall, and one removed there is gone), else from metadata.
    """
    own = checkout_entry_points(group)
    found: dict[str, str] = {}
    for ep in entry_points(group=group):
        ours = ep.dist is not None and ep.dist.name == DISTRIBUTION
        if not (ours and own is not None):
            found[ep.name] = ep.value
    found.update(own or {})
    return dict(sorted(found.items()))


def load_entry_point(group: str, name: str) -> Any | None:
    """Import and return what entry ``name`` of ``group`` points at; None when there
    is no such entry."""
    value = entry_point_values(group).get(name)
    return None if value is None else EntryPoint(name, value, group).load()


def missing_hint(group: str) -> str:
    """What to add to an unknown-name error: a reinstall hint where this checkout's
    entry points could not be read and its metadata may be stale."""
    if source_pyproject() is not None and checkout_entry_points(group) is None:
        return f"; if it is a built-in added since the last install, {REINSTALL_HINT}"
    return ""


T = TypeVar("T", bound=type)


class Registry(Generic[T]):
    """One kind of plug-in (summarizers, metrics, engines, ...): an entry-point
    ``group``, the ``base`` class its members subclass, and the ``noun`` errors
    use (``"summarizer type"``). Members register through the group's entry
    points or in-process with ``@registry.register(name)``; a lookup imports
    only the member asked for.

    ``base`` may be ``"module:Class"`` so that a registry can be declared where
    importing the base class would be too heavy. ``stamp_name`` sets
    ``cls.name`` to the registered name; it is off where ``name`` means
    something else (a summarizer's ``name`` is the config entry's name).
    """

    def __init__(self, group: str, base: type | tuple[type, ...] | str, noun: str, plural: str, *, stamp_name: bool = False) -> None:
        self.group = group
        self._base = base
        self.noun = noun
        self.plural = plural
        self.stamp_name = stamp_name
        self.registered: dict[str, T] = {}

    @property
    def base(self) -> type | tuple[type, ...]:
        if isinstance(self._base, str):
            module, _, attribute = self._base.partition(":")
            self._base = getattr(importlib.import_module(module), attribute)
        return self._base

    def register(self, name: str) -> Callable[[T], T]:
        """Class decorator: make a class available under ``name`` in this process."""

        def decorate(cls: T) -> T:
            if self.stamp_name:
                cls.name = name  # type: ignore[attr-defined]
            self.registered[name] = cls
            return cls

        return decorate

    def names(self) -> dict[str, str]:
        """Every registered name, mapped to where it comes from (nothing imported)."""
        load_env_plugins()
        found = entry_point_values(self.group)
        found.update({name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in self.registered.items()})
        return dict(sorted(found.items()))

    def unknown(self, name: str) -> UnknownNameError:
        """The one-line error for a name nothing is registered under."""
        known = ", ".join(self.names()) or "none"
        return UnknownNameError(
            f"unknown {self.noun} {name!r}; registered {self.plural}: {known}{missing_hint(self.group)}"
        )

    def check(self, name: str) -> str:
        """``name`` if something is registered under it (nothing imported); else UnknownNameError."""
        if name not in self.names():
            raise self.unknown(name)
        return name

    def get(self, name: str) -> T:
        """The class registered as ``name``; UnknownNameError when there is none,
        TypeError when its entry point is not a ``base`` subclass (a broken plugin)."""
        load_env_plugins()
        cls = self.registered.get(name)
        if cls is None:
            cls = load_entry_point(self.group, name)
            if cls is None:
                raise self.unknown(name)
            if not (isinstance(cls, type) and issubclass(cls, self.base)):
                bases = self.base if isinstance(self.base, tuple) else (self.base,)
                raise TypeError(f"entry point {entry_point_values(self.group)[name]} for {self.noun} {name!r} "
                                f"is not a {' or '.join(b.__name__ for b in bases)} subclass")
            if self.stamp_name:
                cls.name = name
        return cls  # type: ignore[return-value]
