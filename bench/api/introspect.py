"""Plug-in code read from its source files, without importing it.

Two users need to know about a module without running it:

- the prediction cache, whose key must change whenever code that can change a
  prediction changes: it hashes every module a summarizer's module imports,
  transitively, as found here, not a hand-kept list a moved helper escapes;
- ``bench list``, which must answer at once: it reads a class's ``description``
  from the syntax tree instead of importing torch and a model package.

Imports are found in the syntax tree: ``import a.b``, ``from a import b`` (the
module ``a.b`` when there is one, else the package ``a``) and relative forms,
at module level and, unless asked otherwise, inside functions (lazy imports
still run). Imports under ``if TYPE_CHECKING:`` never run and are skipped;
``importlib.import_module("...")`` with a computed name is not seen.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

_SOURCE = ".py"


@dataclass(frozen=True)
class ModuleFile:
    """A module found on disk: its dotted name and file (None for a namespace package)."""

    name: str
    path: Path | None
    is_package: bool

    @property
    def is_source(self) -> bool:
        return self.path is not None and self.path.suffix == _SOURCE


def _top_locations(top: str) -> list[Path] | None:
    """Where a top-level package lives, or None when it is not a package."""
    module = sys.modules.get(top)
    if module is not None and getattr(module, "__path__", None) is not None:
        return [Path(p) for p in module.__path__]
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: finds, imports nothing
    except (ImportError, ValueError):
        return None
    if spec is None or spec.submodule_search_locations is None:
        return None
    return [Path(p) for p in spec.submodule_search_locations]


def find_module(name: str) -> ModuleFile | None:
    """The file of module ``name``, found by walking its package folders.

    Only the top-level package's location is asked of the import system (which
    imports nothing for a top-level name); the rest is plain file lookups, so
    nothing is imported and files created since the last import are seen.
    """
    top, *rest = name.split(".")
    if not rest:
        module = sys.modules.get(top)
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if origin is None:
            try:
                spec = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                return None
            origin = spec.origin if spec is not None else None
            is_package = spec is not None and spec.submodule_search_locations is not None
        else:
            is_package = getattr(module, "__path__", None) is not None
        path = Path(origin) if origin and origin not in ("built-in", "frozen") and Path(origin).is_file() else None
        return ModuleFile(name, path, is_package)
    locations = _top_locations(top)
    if locations is None:
        return None
    for i, part in enumerate(rest):
        last = i == len(rest) - 1
        found = _find_in(locations, part, last)
        if found is None:
            return None
        path, locations = found
        if last:
            return ModuleFile(name, path, is_package=bool(locations))
        if not locations:
            return None  # a plain module has no submodules
    return None


def _find_in(locations: list[Path], part: str, allow_module: bool) -> tuple[Path | None, list[Path]] | None:
    """(file, sub-locations) of ``part`` in a package's folders: a package, then a module."""
    for location in locations:
        folder = location / part
        if (folder / "__init__.py").is_file():
            return folder / "__init__.py", [folder]
        if allow_module:
            for suffix in [_SOURCE, *importlib.machinery.EXTENSION_SUFFIXES]:
                if (location / f"{part}{suffix}").is_file():
                    return location / f"{part}{suffix}", []
    for location in locations:
        if (location / part).is_dir():
            return None, [location / part]  # a namespace package
    return None


@lru_cache(maxsize=4096)
def _parse(path: Path, mtime_ns: int) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def parse(path: Path) -> ast.Module | None:
    """The syntax tree of a source file (cached until the file changes); None if unreadable."""
    try:
        return _parse(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST, nested: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements under ``node`` that can run, in source order."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for statement in node.orelse:  # the body only runs for type checkers
            yield from _import_nodes(statement, nested)
        return
    if not nested and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return
    for child in ast.iter_child_nodes(node):
        yield from _import_nodes(child, nested)


def _package_of(module: ModuleFile) -> str:
    return module.name if module.is_package else module.name.rpartition(".")[0]


def imported_names(module: ModuleFile, nested: bool = True) -> list[str]:
    """Dotted names of the modules ``module`` imports, as written (relative ones resolved)."""
    if not module.is_source or module.path is None:
        return []
    tree = parse(module.path)
    if tree is None:
        return []
    names: list[str] = []
    for node in _import_nodes(tree, nested):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            package = _package_of(module).split(".")
            anchor = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            base = ".".join([*anchor, *filter(None, [base])])
        if not base:
            continue
        names.append(base)
        # ``from pkg import name``: name may be a submodule.
        names.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def closure(root: str, within: Iterable[str], nested: bool = True, follow_parents: bool = False) -> list[ModuleFile]:
    """``root`` and every module it imports, transitively, whose top-level package
    is in ``within``; sorted by name. Importing ``a.b.c`` also runs the
    ``__init__`` files of ``a`` and ``a.b``: they are always in the result, and
    with ``follow_parents`` their own imports are followed too (what an import
    really runs; the cache keys leave them out, as a module only uses what it names)."""
    tops = set(within)
    seen: dict[str, ModuleFile] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] not in tops:
            continue
        module = find_module(name)
        if module is None:
            continue  # an attribute imported from a package, or a missing optional module
        seen[name] = module
        todo.extend(imported_names(module, nested))
        for parent in _parents(name):
            if follow_parents:
                todo.append(parent)
            elif parent not in seen:
                found = find_module(parent)
                if found is not None:
                    seen[parent] = found
    return [seen[name] for name in sorted(seen)]


def external_imports(root: str, within: Iterable[str], nested: bool = False) -> set[str]:
    """Top-level names outside ``within`` (and outside the standard library) that
    importing ``root`` imports: e.g. {"torch", "transformers"}. Module-level
    imports only by default: what the import itself costs."""
    tops = set(within)
    found: set[str] = set()
    for module in closure(root, tops, nested=nested, follow_parents=True):
        for name in imported_names(module, nested):
            top = name.split(".")[0]
            if top not in tops and top not in sys.stdlib_module_names and top != "__future__":
                found.add(top)
    return found


@dataclass(frozen=True)
class ClassInfo:
    """What a class says about itself, read from its source."""

    description: str  # the ``description`` class attribute, "" when it sets none
    docstring: str  # first line of the class docstring
    module_docstring: str  # first line of its module's docstring
    is_oracle: bool

    @property
    def about(self) -> str:
        return self.description or self.docstring or self.module_docstring


def describe_class(origin: str) -> ClassInfo | None:
    """``description`` (a string constant in the class body), docstrings and
    ``is_oracle`` of the class ``module:Qual.Name``, read from its source without
    importing it. Classes of the same module it inherits from are looked at too.
    None when the source or the class cannot be found."""
    module_name, _, qualname = origin.partition(":")
    module = find_module(module_name.strip())
    if module is None or not module.is_source or module.path is None:
        return None
    tree = parse(module.path)
    if tree is None:
        return None
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    node = classes.get(qualname.strip().split(".")[-1])
    if node is None:
        return None
    description: str | None = None
    is_oracle: bool | None = None
    chain, visited = [node], set()
    while chain:
        cls = chain.pop(0)
        if cls.name in visited:
            continue
        visited.add(cls.name)
        values = _class_constants(cls)
        if description is None and isinstance(values.get("description"), str) and values["description"]:
            description = values["description"]
        if is_oracle is None and isinstance(values.get("is_oracle"), bool):
            is_oracle = values["is_oracle"]
        chain.extend(classes[b.id] for b in cls.bases if isinstance(b, ast.Name) and b.id in classes)
    return ClassInfo(description or "", _first_line(ast.get_docstring(node)),
                     _first_line(ast.get_docstring(tree)), bool(is_oracle))


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n")[0].strip()


def _class_constants(node: ast.ClassDef) -> dict[str, object]:
    values: dict[str, object] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            values[target.id] = value.value
    return values
