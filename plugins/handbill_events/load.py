"""Read one YAML event file into dicts and lists that remember their line numbers.

PyYAML speaks YAML 1.1, where `19:30` is the base-60 number 1170 and the key `on:` is
the boolean True. Volunteers write both ("on: first monday", "end: 19:30"), so this
loader resolves only YAML 1.2-style booleans and numbers; everything clock-like stays a
string that validate.py reads as a time.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from handbill_config.problems import Problem

from .problems import shown

log = logging.getLogger(__name__)


class LineMap(dict):
    """A mapping that knows the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _yaml12_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit resolvers minus YAML 1.1 booleans, base-60 and octal numbers."""
    drop = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    table = {
        first: [(tag, rx) for tag, rx in entries if tag not in drop]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    extra = [
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        # Up to 30 digits: longer "numbers" are typing slips that stay text, so the field
        # reports them in its own words (Python refuses to read ints of 4,300+ digits, and
        # huge ones overflow float()).
        ("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]{1,30}$"), "-+0123456789"),
        (
            "tag:yaml.org,2002:float",
            re.compile(
                r"^[-+]?(?:\.[0-9]{1,30}|[0-9]{1,30}\.[0-9]{0,30})(?:[eE][-+]?[0-9]{1,3})?$"
            ),
            "-+.0123456789",
        ),
    ]
    for tag, rx, firsts in extra:
        for first in firsts:
            table.setdefault(first, []).append((tag, rx))
    return table


# An event file is a few hundred bytes; these bound what a wrong or hostile file costs.
MAX_BYTES = 1_000_000
MAX_NODES = 10_000  # values after aliases are expanded ("billion laughs" stops here)
SURROGATE = re.compile("[\ud800-\udfff]")
NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # what PyYAML's reader refuses


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """How many values `node` stands for once every alias is expanded (memoised by node)."""
    if id(node) not in sizes:
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for child in children)
    return sizes[id(node)]


def _shown(node: Node) -> str:
    """A node's text for a message, shortened."""
    text = str(node.value) if isinstance(node, ScalarNode) else "this value"
    return repr(text if len(text) <= 40 else text[:37] + "...")


class _EventConstruction:
    """What both loaders add to PyYAML's safe loading: YAML 1.2 scalars, line numbers,
    duplicate-key detection and the checks on hostile input."""

    yaml_implicit_resolvers = _yaml12_resolvers()
    duplicates: list[tuple[int, Any]]

    def _check_size(self, node: Node | None) -> Node | None:
        if node is not None and _expanded_size(node, {}) > MAX_NODES:
            raise ConstructorError(
                None, None, f"it holds more than {MAX_NODES} values", node.start_mark
            )
        return node

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # An explicit tag on a value it does not fit (`!!bool maybe`, `!!timestamp 18:00`,
        # `!!int x`) makes PyYAML's own constructors raise plain Python errors.
        try:
            return super().construct_object(node, deep=deep)  # type: ignore[misc]
        except (ArithmeticError, AttributeError, KeyError, TypeError, ValueError):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise ConstructorError(
                None, None, f"the {tag} tag does not fit {_shown(node)}", node.start_mark
            ) from None

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        # An unquoted impossible date (2026-02-30) stays text, so the field that holds
        # it reports "not a real date" with its own name and line.
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[attr-defined]

    def construct_yaml_str(self, node: ScalarNode) -> str:
        text = super().construct_yaml_str(node)  # type: ignore[misc]
        if SURROGATE.search(text):
            # A "\ud800" escape decodes to a lone surrogate, which cannot be written out.
            raise ConstructorError(None, None, "a \\u escape is not a character", node.start_mark)
        return text

    def construct_line_map(self, node: MappingNode):  # generator, like PyYAML's own
        data = LineMap()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    None,
                    None,
                    "a field name must be a word, not a list or mapping",
                    key_node.start_mark,
                ) from None
            line = key_node.start_mark.line + 1
            if key in data:
                self.duplicates.append((line, key))
            data[key] = self.construct_object(value_node, deep=True)  # type: ignore[attr-defined]
            data.key_lines[key] = line

    def construct_line_list(self, node: SequenceNode):
        data = LineList()
        data.line = node.start_mark.line + 1
        data.item_lines = [item.start_mark.line + 1 for item in node.value]
        yield data
        data.extend(self.construct_sequence(node, deep=True))  # type: ignore[attr-defined]


class EventLoader(_EventConstruction, yaml.SafeLoader):
    """The pure-Python loader: exact messages for every broken file, safe at any depth."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []

    def compose_document(self) -> Node | None:
        return self._check_size(super().compose_document())


# PyYAML built without libyaml has no CSafeLoader: everything then takes EventLoader.
HAS_LIBYAML = hasattr(yaml, "CSafeLoader")


class FastEventLoader(_EventConstruction, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loading with libyaml's parser, about 9 times faster.

    libyaml recurses in C and crashes the process on very deep nesting, and its error
    messages differ from PyYAML's, so read_yaml uses it only behind `fits_fast_loader`
    and reads any file it rejects again with EventLoader.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []

    def get_single_node(self) -> Node | None:
        return self._check_size(super().get_single_node())


for _loader in (EventLoader, FastEventLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _loader.construct_line_map)
    _loader.add_constructor("tag:yaml.org,2002:seq", _loader.construct_line_list)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:str", _loader.construct_yaml_str)


# Far below the depth at which libyaml's recursion overflows an 8 MB stack (tens of
# thousands) and above any event file's; deeper files take the pure-Python loader.
MAX_FAST_DEPTH = 200


def fits_fast_loader(text: str) -> bool:
    """Whether libyaml can parse `text` safely: a cheap upper bound on its nesting depth.

    Every `[` or `{` may open a level. In block style a level needs more indentation or a
    `-`/`?` indicator on its line (at most two levels each, as in `- key:`), so twice
    the indentation plus those characters bounds it. Quoted or plain text that holds
    these characters only overestimates, which costs speed, never safety. Text the
    pure-Python reader would refuse goes there too, for its exact message.
    """
    if not HAS_LIBYAML or NON_PRINTABLE.search(text):
        return False
    depth = text.count("[") + text.count("{")
    if depth > MAX_FAST_DEPTH:
        return False
    block = 0
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" \t"))
        block = max(block, 2 * (indent + line.count("-") + line.count("?")) + 2)
    return depth + block <= MAX_FAST_DEPTH


# An event needs three levels at most; the pure-Python loader takes seconds to fail on
# thousands (it runs out of recursion), so a file this deep is refused before parsing.
MAX_FLOW_DEPTH = 100
FLOW_BRACKET = re.compile(r"[\[\]{}]")


def too_deep_at(text: str) -> int | None:
    """The line where `[`/`{` brackets first open more than MAX_FLOW_DEPTH levels, if any.

    Brackets inside quoted text count too; no real event file has a hundred of them open.
    """
    depth = 0
    for match in FLOW_BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_FLOW_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


# What a volunteer can do about PyYAML's (and our own) messages, by a clue in the message.
SYNTAX_HINTS = (
    ("\\t", "indent with spaces, not tabs"),
    ("more than", "write the values out; `&` anchors and `*` aliases are not needed here"),
    ("tag does not fit", "remove the `!!` tag and write the value plainly"),
    ("escape", "type the character itself instead of a \\u escape"),
    ("special characters", "delete the invisible control character (retype the line)"),
    ("quoted scalar", "close the quote: each value that opens with a quote ends with the same one"),
)
DEFAULT_HINT = (
    "check the indentation (spaces only) and put quotes around values containing ': ' or ' #'"
)
# Problems PyYAML notices only after the place to fix: the mark where the key or the
# quote began (its context mark) is the line to point at.
STARTED_EARLIER = ("while scanning a simple key", "while scanning a quoted scalar")


def _syntax_line(err: yaml.YAMLError, text: str) -> int:
    mark = getattr(err, "problem_mark", None)
    if getattr(err, "context", None) in STARTED_EARLIER and err.context_mark is not None:
        mark = err.context_mark
    # A ReaderError (e.g. a NUL byte) has no mark, only a character position.
    line = mark.line + 1 if mark else text.count("\n", 0, getattr(err, "position", 0)) + 1
    # At the end of the file PyYAML points one past the last line.
    return max(1, min(line, len(text.splitlines()) or 1))


def _syntax_hint(what: str, line_text: str) -> str:
    key, colon, value = line_text.strip().partition(": ")
    if "mapping values are not allowed" in what and colon and value:
        quoted = value.strip().replace('"', '\\"')
        return (
            f'put the value in quotes: `{key}: "{quoted}"`'
            if len(quoted) <= 60
            else (f'put the value of `{key}:` in quotes ("…")')
        )
    if "could not find expected ':'" in what:
        word = line_text.strip().split(" ", 1)[0][:30] or "field"
        return f"put a colon after the field name: `{word}: …`"
    return next((fix for clue, fix in SYNTAX_HINTS if clue in what), DEFAULT_HINT)


def _syntax_problem(rel: str, err: yaml.YAMLError, text: str) -> Problem:
    line = _syntax_line(err, text)
    what = " ".join(x for x in (getattr(err, "context", None), getattr(err, "problem", None)) if x)
    what = what or str(err).splitlines()[0]
    lines = text.splitlines()
    hint = _syntax_hint(what, lines[line - 1] if line <= len(lines) else "")
    return Problem(rel, line, "YAML", f"not valid YAML ({what})", hint)


def _too_deep(rel: str, line: int) -> Problem:
    return Problem(rel, line, "file", "is nested too deeply", "an event needs only a few levels")


def _parse(kind: type[EventLoader | FastEventLoader], text: str) -> tuple[Any, list]:
    loader = kind(text)  # the reader already rejects control characters
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _parse_fast(text: str) -> tuple[Any, list] | None:
    """libyaml's reading, or None if it finds any fault: the pure-Python loader then
    reads the file again, for PyYAML's own message and line."""
    try:
        return _parse(FastEventLoader, text)
    except Exception:  # any fault at all: the pure-Python loader reports it
        return None


def read_yaml(path: Path, rel: str) -> tuple[LineMap | None, list[Problem]]:
    """Parse one file. Never raises for a malformed file: problems come back as a list."""
    if path.stat().st_size > MAX_BYTES:
        return None, [
            Problem(
                rel,
                1,
                "file",
                f"is {path.stat().st_size / 1e6:.1f} MB, too big for one event",
                "an event file is a few lines of text; check that this is the right file",
            )
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return None, [
            Problem(
                rel,
                line,
                "file",
                f"byte {raw[err.start]:#04x} is not UTF-8 text",
                "save the file as UTF-8 (most editors: Save As → Encoding → UTF-8)",
            )
        ]
    deep_line = too_deep_at(text)
    if deep_line:
        return None, [_too_deep(rel, deep_line)]
    parsed = _parse_fast(text) if fits_fast_loader(text) else None
    if parsed is None:
        try:
            parsed = _parse(EventLoader, text)
        except yaml.YAMLError as err:
            return None, [_syntax_problem(rel, err, text)]
        except RecursionError:
            return None, [_too_deep(rel, 1)]
    data, duplicates = parsed
    problems = [
        Problem(
            rel,
            line,
            str(key),
            "appears twice in the same block",
            "keep one; the later one would silently win",
        )
        for line, key in duplicates
    ]
    if data is None:
        return None, [
            Problem(rel, 1, "file", "is empty", "an event needs at least `title:` and `start:`")
        ]
    if not isinstance(data, LineMap):
        kind = "a list" if isinstance(data, list) else f"the value {shown(data)}"
        return None, [
            Problem(
                rel,
                getattr(data, "line", 1),
                "file",
                f"holds {kind}, not fields of one event",
                "write `field: value` lines (title:, start:, …), one event per file",
            )
        ]
    return data, problems
