"""Profile one Handbill and one plain build with cProfile; time the ICS generation alone.

The share of a part of the code (the events plugin, the checks plugin, our templates) is its
inclusive time: the cumulative time of calls *into* that part from outside it, so nested and
recursive calls inside the part are not counted twice.
"""

from __future__ import annotations

import json
import logging
import pstats
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .measure import run

if TYPE_CHECKING:
    from .build import Site

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
PELICAN_THEMES = "/pelican/themes/"

Func = tuple[str, int, str]


TEMPLATES = str(REPO / "theme" / "templates")


def groups() -> dict[str, tuple[str, ...]]:
    """Path fragments that identify each part of the code we report on. Parts may overlap
    (the upcoming-events list is also a theme template)."""
    return {
        # The plugin, and the upcoming-events list it fills on every page. Its own pages
        # are rendered from inside its generator, so they are counted there.
        "handbill_events": ("/handbill_events/", f"{TEMPLATES}/partials/upcoming_events.html"),
        "handbill_checks": ("/handbill_checks/",),
        "handbill_signup": ("/handbill_signup/",),
        "theme templates (Handbill)": (f"{TEMPLATES}/",),
        "theme templates (Pelican default)": (PELICAN_THEMES,),
        "markdown": ("/site-packages/markdown/",),
        "jinja2": ("/site-packages/jinja2/",),
        "feedgenerator": ("/site-packages/feedgenerator/",),
        "icalendar": ("/site-packages/icalendar/",),
    }


# Jinja2 starts every template from str.join: for templates, calls from built-ins are entries.
VIA_BUILTINS = ("theme templates (Handbill)", "theme templates (Pelican default)")


def inclusive(
    stats: pstats.Stats,
    fragments: tuple[str, ...],
    via_builtins: bool = False,
    nested_via_libraries: bool = False,
) -> float:
    """Seconds spent in code whose file path contains one of `fragments`, callees included.

    Counts calls into the part from outside it. cProfile only knows each call's immediate
    caller, so calls that reach the part through a built-in (getattr from a template, exec
    of a nested import, str.join of a page rendered by the part itself) would be counted
    twice: they are left out, and so is the time spent importing modules.

    With `nested_via_libraries`, calls back into the part from library code that only
    the part itself calls (PyYAML calling the plugin's YAML constructors, say) are
    nested in the part's own time and are left out too; otherwise they count twice.
    """
    table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]

    def inside(func: Func) -> bool:
        return any(fragment in func[0] for fragment in fragments)

    nested = only_called_from(table, inside) if nested_via_libraries else set()
    total = 0.0
    for func, (_cc, _nc, _tt, _ct, callers) in table.items():
        if not inside(func) or func[2] == "<module>":
            continue
        for caller, caller_stats in callers.items():
            if inside(caller) or caller in nested or (caller[0] == "~" and not via_builtins):
                continue
            total += caller_stats[3]  # cumulative time of calls from outside the part
    return total


def package_of(path: str) -> str:
    """The installed package (or standard-library module) a function's file belongs to."""
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            if marker == "/lib/python3":
                rest = rest.split("/", 1)[-1]  # drop the "11" of python3.11
            return f"{marker}/{rest.split('/', 1)[0]}"
    return path


BUILD_CLASS = "<built-in method builtins.__build_class__>"  # class bodies, run on import


def only_called_from(table: dict[Func, Any], inside: Any) -> set[Func]:
    """Functions of the packages that only the part calls (from outside the package).
    Importing a package (its `<module>` code and class bodies) does not count as calling it."""
    packages: dict[str, bool] = {}
    for func, (_cc, _nc, _tt, _ct, callers) in table.items():
        if inside(func) or func[0] == "~" or func[2] == "<module>":
            continue
        package = package_of(func[0])
        own = all(inside(c) or package_of(c[0]) == package or c[2] == BUILD_CLASS for c in callers)
        packages[package] = packages.get(package, True) and own
    return {
        func
        for func in table
        if func[0] != "~" and not inside(func) and packages.get(package_of(func[0]), False)
    }


def top(
    stats: pstats.Stats, fragments: list[str], count: int = 15, by: str = "tottime"
) -> list[dict[str, Any]]:
    """The functions in the given code with the most time: their own (tottime) or with what
    they call (cumtime)."""
    table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    rows = [
        {
            "function": f"{short(func[0])}:{func[1]}({func[2]})",
            "calls": nc,
            "tottime": tt,
            "cumtime": ct,
        }
        for func, (_cc, nc, tt, ct, _callers) in table.items()
        if any(f in func[0] for f in fragments)
    ]
    return sorted(rows, key=lambda r: r[by], reverse=True)[:count]


def top_overall(stats: pstats.Stats, count: int = 15) -> list[dict[str, Any]]:
    return top(stats, [""], count)  # "" is in every file name


def short(path: str) -> str:
    for marker in ("/site-packages/", str(REPO) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def profile_one(site: Site, kind: str) -> dict[str, Any]:
    from .build import pelican_cmd

    output = site.output(kind)
    shutil.rmtree(output, ignore_errors=True)
    prof = site.root / f"{kind}.pstats"
    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(prof),
        "-m",
        "pelican",
        *pelican_cmd(site.settings(kind), site.content, output)[3:],
    ]
    result = run(f"{kind}-profile", cmd, site.logs() / f"{kind}-profile.log", cwd=REPO)
    if result.returncode or not prof.exists():
        return {"available": False, "reason": f"profiled build failed: see {result.log}"}
    stats = pstats.Stats(str(prof))
    total: float = stats.total_tt  # type: ignore[attr-defined]
    # The events plugin's YAML constructors run inside PyYAML, which only the plugin
    # calls: counting them again would overstate its share.
    parts = {
        name: inclusive(stats, fragments, name in VIA_BUILTINS, name == "handbill_events")
        for name, fragments in groups().items()
    }
    ours = [
        "/handbill_events/",
        "/handbill_checks/",
        "/handbill_signup/",
        str(REPO / "theme" / "templates"),
    ]
    return {
        "available": True,
        "pstats": str(prof),
        "total": total,
        "parts": {
            name: {"seconds": s, "share": s / total if total else None}
            for name, s in parts.items()
            if s
        },
        "top_ours": top(stats, ours) if kind == "handbill" else [],
        "top_events": top(stats, ["/handbill_events/"], 12, by="cumtime"),
        "top_overall": top_overall(stats),
    }


def profile_build(site: Site) -> dict[str, Any]:
    """cProfile of one Handbill and one plain build: who spends the time."""
    result = {kind: profile_one(site, kind) for kind in ("handbill", "plain")}
    handbill = result["handbill"]
    # The plugin ran if any of its own functions did (its templates alone do not count).
    enabled = bool(handbill.get("top_events"))
    events = handbill.get("parts", {}).get("handbill_events")
    result["events_share"] = events["share"] if events and enabled else None
    result["events_enabled"] = enabled
    return result


def ics_alone(folder: Path, series: int) -> dict[str, Any]:
    """Generate the ICS for `series` recurring series in a child process (bench.ics)."""
    out = folder / "result.json"
    cmd = [
        sys.executable,
        "-m",
        "bench.ics",
        "--series",
        str(series),
        "--dir",
        str(folder),
        "--json",
        str(out),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    result = run("ics", cmd, folder / "ics.log", cwd=REPO)
    if result.returncode or not out.exists():
        return {"available": False, "reason": f"bench.ics failed: see {result.log}"}
    data = json.loads(out.read_text(encoding="utf-8"))
    data["maxrss_mb"] = result.maxrss_mb
    return data
