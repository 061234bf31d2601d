"""One file through the build's pipeline: never an exception, never slow, never the catch-all.

The fuzz tests run over 20,000 generated event files (mutations of the demo's files,
and files made field by field) through what the build calls for one file
(tests/events/fuzzing.py). Each must end in published pages or in messages of the form
`file:line: field: what — fix`, within 1 s of CPU time, and none may reach the catch-all
("please report this"), which stays for what nobody foresaw. Generation is derandomized:
every run tries the same files.
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from .fuzzing import CATCH_ALL, DEMO, HOSTILE, KEYS, LARGE, run_file

MUTATIONS_PER_FILE = 1920  # x 10 demo files
GENERATED = {"field-by-field": 600, "dumped": 300}
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
MESSAGE = re.compile(r"^events/fuzz\.yaml:(\d+): \S.*: .+ — .+", re.S)


pytestmark = pytest.mark.e2e  # a minute of CPU: the end-to-end tier


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """In memory where the machine offers it: the files are written 20,000 times."""
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as folder:
        yield Path(folder)


def check(workdir: Path, raw: bytes) -> None:
    path = workdir / "fuzz.yaml"
    path.write_bytes(raw)
    cpu = time.thread_time()
    outcome = run_file(path)
    cpu = time.thread_time() - cpu
    shown = raw[:300]
    assert cpu < 1.0, f"{cpu:.2f} s of CPU for {shown!r}"
    assert not any(CATCH_ALL in m for m in outcome.messages), (outcome.messages, shown)
    # YAML also breaks lines at U+0085, U+2028 and U+2029, as str.splitlines() does.
    lines = max(1, len(raw.decode("utf-8", "replace").splitlines()))
    for message in outcome.messages:
        match = MESSAGE.match(message)
        assert match, (message, shown)
        assert 1 <= int(match[1]) <= lines, (message, shown)
    assert outcome.published or outcome.messages, shown


values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.from_regex(r"\A[0-9]{1,2}:[0-9]{2}\Z"),
)


MUTATION_CHARS = [*":-#&*!|>'\"[]{}, \t%@`?", ""]


def mutate(rnd: random.Random, text: str) -> bytes:
    """A demo file with one to four edits of the kinds volunteers and editors make."""
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 4)):
        lines = lines or [""]
        at = rnd.randrange(len(lines))
        line = lines[at]
        kind = rnd.randrange(9)
        if kind <= 1 and ": " in line:  # a new value for a field
            lines[at] = line.split(": ", 1)[0] + ": " + rnd.choice(HOSTILE)
        elif kind == 2:  # a new field, at some indentation
            indent = rnd.choice(["", "  ", "    ", "\t", " "])
            lines.insert(at, f"{indent}{rnd.choice(KEYS)}: {rnd.choice(HOSTILE)}")
        elif kind == 3:
            del lines[at]
        elif kind == 4:
            lines.insert(at, line)
        elif kind == 5:  # a character typed (or lost) somewhere
            pos = rnd.randint(0, len(line))
            char = rnd.choice(MUTATION_CHARS)
            lines[at] = line[:pos] + char + line[pos + (char == "") :]
        elif kind == 6:
            lines[at] = rnd.choice(["", " ", "  "]) + line.strip()
        elif kind == 7:
            lines = lines[: at + 1]
        elif ": " in line:  # digits changed, as in a date or time typed wrong
            key, value = line.split(": ", 1)
            lines[at] = f"{key}: " + "".join(
                str(rnd.randrange(10)) if c.isdigit() and rnd.random() < 0.3 else c for c in value
            )
    if rnd.randrange(25) == 0:
        valued = [i for i, line in enumerate(lines) if ": " in line]
        if valued:
            at = rnd.choice(valued)
            lines[at] = lines[at].split(": ", 1)[0] + ": " + rnd.choice(LARGE)
    raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    return raw.replace(b"\n", b"\r\n") if rnd.randrange(50) == 0 else raw


def encode(draw: st.DrawFn, lines: list[str]) -> bytes:
    """The file's bytes; now and then one value becomes one of the large hostile ones."""
    valued = [i for i, line in enumerate(lines) if ": " in line]
    if valued and draw(st.integers(0, 24)) == 0:
        at = draw(st.sampled_from(valued))
        lines = [*lines]
        lines[at] = lines[at].split(": ", 1)[0] + ": " + draw(st.sampled_from(LARGE))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def block(draw: st.DrawFn, keys: list[str], indent: str) -> list[str]:
    lines = []
    for key in draw(st.lists(st.sampled_from(keys), max_size=6)):
        value = draw(values)
        if "\n" in value:
            value = value.replace("\n", "\n" + indent + "  ")
        lines.append(f"{indent}{key}: {value}")
    return lines


@st.composite
def made(draw: st.DrawFn) -> bytes:
    """A file written field by field: mostly plausible, every value possibly hostile."""
    lines = ["title: Meeting"] if draw(st.booleans()) else []
    lines.append("start: " + draw(st.one_of(st.sampled_from(["2026-01-05 18:00"]), values)))
    lines += block(draw, KEYS[:18], "")
    if draw(st.booleans()):
        lines.append("repeat:")
        lines += block(draw, ["every", "on", "until", "count", "except", "rrule", "interval"], "  ")
    if draw(st.booleans()):
        lines.append("location:")
        lines += block(draw, ["name", "address", "geo", "url", "postcode"], "  ")
    if draw(st.booleans()):
        lines += ["changes:", f"  {draw(values)}:"]
        lines += block(draw, ["status", "note", "start", "end", "title", "location"], "    ")
    return encode(draw, lines)


@st.composite
def dumped(draw: st.DrawFn) -> bytes:
    """Well-formed YAML (PyYAML's own quoting) of fields with any values."""
    leaf = st.one_of(
        values,
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.dates(),
        st.datetimes(),
    )
    tree = st.recursive(
        leaf,
        lambda kids: (
            st.lists(kids, max_size=3) | st.dictionaries(st.sampled_from(KEYS), kids, max_size=3)
        ),
        max_leaves=8,
    )
    data = draw(st.dictionaries(st.sampled_from(KEYS), tree, max_size=8))
    data.setdefault("start", draw(st.sampled_from(["2026-01-05 18:00", "2026-01-05"])))
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("demo", DEMO, ids=[p.stem for p in DEMO])
def test_fuzz_mutated_demo_files(demo: Path, workdir: Path) -> None:
    """Seeded by the file's name: every run tries the same mutations."""
    rnd = random.Random(demo.name)
    text = demo.read_text(encoding="utf-8")
    tried: set[bytes] = set()
    while len(tried) < MUTATIONS_PER_FILE:
        raw = mutate(rnd, text)
        if raw not in tried:
            tried.add(raw)
            check(workdir, raw)


@pytest.mark.parametrize(("name", "strategy"), [("field-by-field", made()), ("dumped", dumped())])
def test_fuzz_generated_files(name: str, strategy: st.SearchStrategy[bytes], workdir: Path) -> None:
    tried = []

    @settings(FUZZ, max_examples=GENERATED[name])
    @given(strategy)
    def run(raw: bytes) -> None:
        tried.append(raw)
        check(workdir, raw)

    run()
    assert len(tried) >= GENERATED[name]


def test_fuzz_tries_at_least_20000_files() -> None:
    assert len(DEMO) * MUTATIONS_PER_FILE + sum(GENERATED.values()) >= 20_000
