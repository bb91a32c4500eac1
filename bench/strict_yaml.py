"""The one YAML reader of the tool (configs, --set values, a run's config.yaml, task files).

PyYAML's ``safe_load`` takes things a config should never mean: a repeated key
silently replaces the first, ``yes``/``no``/``on``/``off`` become booleans,
``010`` is octal 8, ``1:30`` is 90, a kilobyte of nested aliases expands into
billions of nodes when anything walks it, and deep nesting ends in a
RecursionError thousands of lines long. This reader refuses or reads plainly
instead, and every refusal is one line naming the file and line:

- a key given twice in one mapping is an error (both lines named);
- scalars are resolved as YAML 1.2's core schema does: only ``true``/``false``
  are booleans, integers are decimal (or ``0x``/``0o``), ``1e9`` is a float,
  anything else is text exactly as written;
- nesting is at most ``MAX_DEPTH`` deep, and the document, with every alias
  expanded, at most ``MAX_NODES`` nodes;
- a file over ``MAX_BYTES`` is not read at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bench.errors import ConfigError

MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_BYTES = 10 * 2**20

_INT = r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT = r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"


class YamlProblem(yaml.YAMLError):
    """A document this reader refuses; ``line`` is 1-based (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema scalars (not PyYAML's YAML 1.1 ones)."""


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", _INT, "-+0123456789"),
    ("float", _FLOAT, "-+0123456789."),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first))


class _Constructor(yaml.constructor.SafeConstructor):
    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        text = str(self.construct_scalar(node)).lower()
        return float(text.replace(".inf", "inf").replace(".nan", "nan"))

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and key_node.style is None:
                raise YamlProblem("'<<' merge keys are not supported; write the keys out", _line(key_node))
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                raise YamlProblem(f"a key that is a {type(key).__name__} is not allowed; use text keys",
                                  _line(key_node)) from None
            if first is not None:
                raise YamlProblem(f"key {key!r} appears twice in one mapping (first on line {first}); keep one",
                                  _line(key_node))
            seen[key] = _line(key_node)
        return super().construct_mapping(node, deep=deep)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
              _Constructor, _Resolver):
    """A safe loader whose composer counts depth as it goes (the composer
    recurses, so an unbounded document would end in a RecursionError)."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; a config is never this deep",
                                  mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _check_size(root: Node) -> None:
    """Refuse a document that, aliases expanded, is too large or too deep:
    counted on the node graph (each shared node once), never by expanding it."""
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()

    def measure(node: Node, level: int) -> tuple[int, int]:  # (nodes, height), aliases expanded
        known = sizes.get(id(node))
        if known is None:
            if id(node) in open_nodes:
                raise YamlProblem("an alias refers to the node that holds it (a cycle); write the value out",
                                  _line(node))
            children: list[Node] = []
            if isinstance(node, SequenceNode):
                children = list(node.value)
            elif isinstance(node, MappingNode):
                children = [n for pair in node.value for n in pair]
            open_nodes.add(id(node))
            count, height = 1, 1
            for child in children:
                child_count, child_height = measure(child, level + 1)
                count, height = min(count + child_count, MAX_NODES + 1), max(height, child_height + 1)
            open_nodes.discard(id(node))
            known = sizes[id(node)] = (count, height)
        if level + known[1] - 1 > MAX_DEPTH:
            raise YamlProblem(f"with its aliases expanded the document is nested over {MAX_DEPTH} levels deep",
                              _line(node))
        return known

    if measure(root, 1)[0] > MAX_NODES:
        raise YamlProblem(f"with its aliases expanded the document has over {MAX_NODES:,} values "
                          "(an alias bomb?); write the config out plainly", _line(root))


def parse_yaml(text: str) -> Any:
    """One YAML document by the rules above; ``YamlProblem`` or another
    ``yaml.YAMLError`` when it is refused or malformed."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_size(root)
        return loader.construct_document(root)
    finally:
        loader.dispose()


_YAML_1_2 = _Resolver()


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting every text that either YAML 1.1 (PyYAML,
    most other readers) or YAML 1.2 (``parse_yaml``) would read as something
    else (``yes``, ``1e9``, ``010``), so what is written reads back as written."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        tag = super().resolve(kind, value, implicit)
        if kind is ScalarNode and implicit[0] and tag == "tag:yaml.org,2002:str":
            return _YAML_1_2.resolve(kind, value, implicit)
        return tag


def dump_yaml(data: Any) -> str:
    """YAML text that ``parse_yaml`` (and PyYAML) read back as ``data``."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def describe_yaml_error(err: yaml.YAMLError) -> tuple[int, str]:
    """(1-based line or 0, what is wrong) for any error ``parse_yaml`` raises."""
    if isinstance(err, YamlProblem):
        return err.line, err.message
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    if isinstance(err, yaml.reader.ReaderError):
        character = chr(err.character) if isinstance(err.character, int) else err.character
        return 0, f"character {character!r} is not allowed in YAML (at character {err.position}); remove it"
    return (mark.line + 1 if mark else 0), f"invalid YAML ({problem}); fix the syntax"


def read_yaml_file(path: Path, what: str = "config") -> Any:
    """A YAML file by the rules above; ``ConfigError`` naming the file (and
    line) when it is missing, unreadable, too large or refused."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(f"{path}: {size:,} bytes is too large for a {what} (at most {MAX_BYTES:,}); "
                              "check that this is the right file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} file not found; check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a {what} file; name the YAML file") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: cannot read {what} (not UTF-8 at byte {err.start}); save it as UTF-8") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read {what} ({err.strerror or err}); check the file") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as err:
        line, message = describe_yaml_error(err)
        raise ConfigError(f"{path}:{f' line {line}' if line else ''} {message}") from None
