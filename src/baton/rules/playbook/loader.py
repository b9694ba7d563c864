"""Reading the YAML: the YAML 1.2 core schema, one document, and a line for every path.

PyYAML speaks YAML 1.1, where `NO` (Norway) is false, `09:30` is the number 570 and `010` is
8. An agreement must not depend on such surprises, so this loader resolves only YAML 1.2
core scalars: true/false, null, decimal numbers; everything else (dates too) stays text.
"""

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_DROP = {_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:timestamp"}


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # never octal: 010 is ten


_Loader.add_constructor(_INT, _construct_int)


@dataclass(frozen=True)
class YamlProblem:
    """A problem found while reading: its path (if known), message and 1-based line."""

    loc: tuple[str | int, ...]
    message: str
    line: int | None


class YamlSyntaxError(Exception):
    """The text is not one readable YAML document."""

    def __init__(self, problem: YamlProblem):
        super().__init__(problem.message)
        self.problem = problem


def load_yaml(text: str) -> tuple[Any, Node | None, list[YamlProblem]]:
    """The data, its node tree (for line numbers) and duplicate-key problems."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems = list(_duplicates(node, ())) if node is not None else []
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.problem, exc.context) if p) or "unreadable YAML"
        start = exc.context_mark
        if exc.context and start is not None and mark is not None and start.line != mark.line:
            message += f" that starts on line {start.line + 1}"
        raise YamlSyntaxError(YamlProblem((), message, mark.line + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(YamlProblem((), str(exc), None)) from None
    finally:
        loader.dispose()
    return data, node, problems


def _duplicates(node: Node, loc: tuple) -> list[YamlProblem]:
    """A key given twice in one mapping: YAML would silently keep the last, so refuse it."""
    found: list[YamlProblem] = []
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name == "<<" or name is None:
                continue
            if name in seen:
                found.append(YamlProblem((*loc, name), "duplicate key", key.start_mark.line + 1))
            seen.add(name)
            found += _duplicates(value, (*loc, name))
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicates(item, (*loc, i))
    return found


def locate(data: Any, node: Node | None, loc: tuple) -> tuple[tuple[str | int, ...], int | None]:
    """The path `loc` names in the document, cleaned of validator tags, and its line.

    Pydantic's locations may carry union or validator tags; only parts that exist in the
    data are kept (the last part may be absent: a missing or unknown key).
    """
    path: list[str | int] = []
    line = node.start_mark.line + 1 if node is not None else None
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(data, dict) and part in data:
            data, node, line = data[part], *_mapping_child(node, part, line)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            if isinstance(node, SequenceNode) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                node = None
        elif last and isinstance(part, str) and isinstance(data, dict):
            pass  # a missing key: point at its parent mapping
        else:
            continue
        path.append(part)
    return tuple(path), line


def _mapping_child(
    node: Node | None, key: str | int, line: int | None
) -> tuple[Node | None, int | None]:
    """The value node of `key` and the line of the key itself (where a reader looks)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == str(key):
                return value_node, key_node.start_mark.line + 1
    return None, line
