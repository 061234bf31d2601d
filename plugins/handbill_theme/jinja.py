"""Jinja extension for the theme: `{% once key, ... %}` and templates compiled once.

`{% once "footer", SITEURL %}...{% endonce %}` renders its body the first time a build
meets the key and gives the same text every later time. Pelican makes a new template
environment for each generator on every build, so nothing is kept from one build to the
next (a `make serve` rebuild starts afresh). The key must name everything the body shows
that can differ between two pages of one build (SITEURL does, with RELATIVE_URLS);
anything else the body reads must be the same on every page.

Each of Pelican's generators has its own environment, and each compiled every template it
used; the environments here share one in-memory bytecode cache, so a template is compiled
once per process (Jinja checks the template's source against the cached code, so an
edited template is compiled again).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from types import BuiltinFunctionType, FunctionType
from typing import Any, ClassVar

from jinja2 import BytecodeCache, nodes
from jinja2.bccache import Bucket
from jinja2.environment import Environment
from jinja2.ext import Extension
from jinja2.parser import Parser


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, in memory, shared by every environment in the process."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """Jinja's bucket, keyed by the environment's set-up too: what Jinja compiles depends
        on it (the filters, tests and extensions it knows, autoescaping, the syntax), and a
        process may build with other plugins first (tests do; a build with only the events
        plugin compiled a join box that then showed no form in a full build)."""
        key = f"{self.get_cache_key(name, filename)}:{set_up(environment, name)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()

    def __repr__(self) -> str:  # the same in every build (handbill_rendercache digests settings)
        return f"<{type(self).__module__}.{type(self).__qualname__}>"


def set_up(environment: Environment, name: str) -> int:
    """A hash of what Jinja's compiled code for template `name` depends on."""
    autoescape = environment.autoescape
    return hash(
        (
            # By value, not only by name: Jinja's optimizer works out a test or filter on
            # constants while compiling ("handbill_signup" is plugin_enabled gives True or
            # False in the code), and Pelican's plugin_enabled names the build's plugins.
            tuple(sorted((k, described(v)) for k, v in environment.filters.items())),
            tuple(sorted((k, described(v)) for k, v in environment.tests.items())),
            tuple(sorted(environment.extensions)),
            autoescape(name) if callable(autoescape) else autoescape,
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.newline_sequence,
            environment.optimized,
            environment.finalize is not None,
            environment.is_async,
        )
    )


def described(function: Any) -> str:
    """A filter or test as the compiled code may depend on it: functions and partials by
    their repr (which names what a partial is bound to), other callables by their class
    (Pelican gives each generator its own `strftime` formatter, alike but for its address)."""
    if isinstance(function, (partial, FunctionType, BuiltinFunctionType)):
        return repr(function)
    return type(function).__qualname__


COMPILED = CompiledTemplates()


class BuildOnce(Extension):
    """The `{% once %}` tag; also gives the environment the shared bytecode cache."""

    tags: ClassVar[set[str]] = {"once"}

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.rendered: dict[tuple[Hashable, ...], str] = {}
        if environment.bytecode_cache is None:
            environment.bytecode_cache = COMPILED

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endonce",), drop_needle=True)
        call = self.call_method("_once", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _once(self, key: tuple[Any, ...], caller: Callable[[], str]) -> str:
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = caller()
        return text
