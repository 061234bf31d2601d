"""Write docs/benchmarks.md from a run's results: every number here comes from that run."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .build import DEFAULT_SETTINGS, LABELS

REPO = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pelican": version("pelican"),
        "jinja2": version("jinja2"),
        "markdown": version("markdown"),
        "icalendar": version("icalendar"),
        "gunicorn": version("gunicorn"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # Other work on the same cores skews wall time more than CPU time: say how busy it was.
        "loadavg_start": os.getloadavg()[0],
    }


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def sec(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} x"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("yes" if ok else "**no**")


def check(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def target(
    name: str, value: float | None, show: Callable[[float | None], str], goal: str, limit: float
) -> tuple[str, str, str, bool | None]:
    """One row of the targets table: measured `value` against `limit` (at most)."""
    return name, show(value), goal, check(value, limit)


def targets(results: dict[str, Any]) -> list[str]:
    b = results["build"]
    profile = b.get("profile", {})
    ics = b.get("ics") or {}
    full = "Full build, Handbill / Pelican as it comes"
    cached = "Cached rebuild after one edit / full build"
    rows = [
        target(f"{full} (median wall)", b.get("ratio_wall"), times, "≤ 1.00 x", 1.0),
        target(f"{full} (median CPU)", b.get("ratio_cpu"), times, "≤ 1.00 x", 1.0),
        target(
            f"{full} (median instructions, perf)",
            b.get("ratio_instructions"),
            times,
            "≤ 1.00 x",
            1.0,
        ),
        target(
            "Events plugin share of the Handbill build (cProfile)",
            profile.get("events_share"),
            pct,
            "≤ 10 %",
            0.10,
        ),
        target(
            f"ICS for {ics.get('series', '-')} series (all calendars)",
            ics.get("total_seconds"),
            sec,
            "< 1 s",
            1.0,
        ),
        target(f"{cached} (median wall)", b.get("cached_ratio"), pct, "≤ 50 %", 0.5),
        target(f"{cached} (median CPU)", b.get("cached_ratio_cpu"), pct, "≤ 50 %", 0.5),
        target(
            f"{cached} (median instructions, perf)",
            b.get("cached_ratio_instructions"),
            pct,
            "≤ 50 %",
            0.5,
        ),
    ]
    rows += server_targets(results.get("server") or {})
    lines = ["| Target | Measured | Goal | Met |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {goal} | {verdict(ok)} |" for name, value, goal, ok in rows]
    return lines


def server_targets(server: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    phases = {p["mode"]: p for p in server.get("phases", [])}
    up, hang = phases.get("up", {}), phases.get("hang", {})
    up_steady, hang_steady = up.get("steady", {}), hang.get("steady", {})
    rate = up_steady.get("offered_rps")
    at = f" at {rate:.0f}/s" if rate else ""
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "Sign-ups per second, mail server up (most it answered)",
            num(up.get("rps")),
            "≥ 300",
            None if up.get("rps") is None else up["rps"] >= 300,
        ),
        (
            f"p99 latency{at}, mail server up",
            ms(up_steady.get("p99_ms")),
            "< 50 ms",
            None if up_steady.get("p99_ms") is None else up_steady["p99_ms"] < 50,
        ),
        (
            f"p99 latency{at}, mail server hanging",
            ms(hang_steady.get("p99_ms")),
            "< 200 ms",
            None if hang_steady.get("p99_ms") is None else hang_steady["p99_ms"] < 200,
        ),
    ]
    if phases:
        errors = sum(p["errors"] + p.get("steady", {}).get("errors", 0) for p in phases.values())
        rows.append(("Errors (all loads)", str(errors), "0", errors == 0))
        growth = hang["rss_after_mb"] - up["rss_before_mb"] if up and hang else None
        rows.append(
            (
                "Server memory growth over both phases",
                mb(growth),
                "flat (< 10 MB)",
                None if growth is None else growth < 10,
            )
        )
    return rows


def num(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def giga(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e9:.1f} G"


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MB"


def builds(b: dict[str, Any]) -> list[str]:
    lines = [
        "| Build | Runs | Median wall | Median CPU | Median instructions | Wall min-max | "
        "Peak memory | Articles | HTML files | Errors logged |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, label in LABELS.items():
        s = b.get(kind)
        if not s:
            continue
        c = s.get("counts", {})
        lines.append(
            f"| {label} | {s['runs']} | {sec(s['wall_median'])} | {sec(s['cpu_median'])} | "
            f"{giga(s.get('instructions_median'))} | {s['wall_min']:.2f}-{s['wall_max']:.2f} s | "
            f"{mb(s['maxrss_mb'])} | "
            f"{c.get('articles', '-')} | {c.get('html_files', '-')} | {c.get('errors', '-')} |"
        )
    hugo = b.get("hugo")
    if hugo:
        lines.append(
            f"| Hugo ({hugo['version'].split()[1] if hugo.get('version') else '?'}, "
            f"minimal layout) | {hugo['runs']} | {sec(hugo['wall_median'])} | "
            f"{sec(hugo['cpu_median'])} | - | {hugo['wall_min']:.2f}-{hugo['wall_max']:.2f} s | "
            f"{mb(hugo['maxrss_mb'])} | - | {hugo.get('html_files', '-')} | - |"
        )
    return lines


def ratios(b: dict[str, Any]) -> list[str]:
    lines = [
        f"- **Headline: Handbill / Pelican as it comes: {times(b.get('ratio_wall'))} wall, "
        f"{times(b.get('ratio_cpu'))} CPU, {times(b.get('ratio_instructions'))} "
        "instructions** (medians). Pelican as it comes is built with exactly "
        "`bench/build.py`'s DEFAULT_SETTINGS: "
        + ", ".join(f"`{line}`" for line in DEFAULT_SETTINGS.splitlines())
        + " (its default theme, feeds and Markdown extensions). Other work on the same cores "
        "slows wall time most; user-space instruction counts (Linux perf; builds run with "
        "PYTHONHASHSEED=0) varied by under 0.5 % between identical builds.",
        f"- Like-for-like, Handbill / plain Pelican with Handbill's URLs, feeds and Markdown "
        f"extensions (Markdown's stock smarty where Handbill uses handbill_markdown.smarty, "
        f"which gives the same HTML for less work): {times(b.get('ratio_wall_plain'))} wall, "
        f"{times(b.get('ratio_cpu_plain'))} CPU, {times(b.get('ratio_instructions_plain'))} "
        "instructions.",
    ]
    same = b.get("plain_own_markdown")
    if same:
        lines.append(
            f"- Like-for-like with handbill_markdown.smarty on both sides (one plain Pelican "
            f"build with Handbill's MARKDOWN: {giga(same.get('instructions'))} instructions), "
            f"Handbill / plain Pelican is **{times(b.get('ratio_instructions_own_markdown'))}** "
            "instructions: what Handbill's theme and plugins cost beyond Pelican's default "
            "theme, events and calendars included."
        )
    hugo = b.get("hugo")
    if hugo:
        handbill = b["handbill"]["wall_median"] / hugo["wall_median"]
        lines.append(
            f"- Handbill / Hugo: {times(handbill)} wall; Pelican as it comes / Hugo: "
            f"{times(hugo.get('ratio_plain_over_hugo'))} wall."
        )
    else:
        lines.append("- Hugo: not installed (`apt-get install hugo` to include it).")
    return lines


def scaling(b: dict[str, Any], posts: int) -> list[str]:
    big = b.get("scaling")
    if not big:
        return [
            "Not run this time: `make bench SCALE=10000` adds one build of each at 10,000 posts "
            "(same events) and this table."
        ]
    n = big["posts"]
    lines = [
        f"One build of each at {n} posts (same events), against the medians at {posts} posts "
        f"above: {n / posts:.1f} x the posts.",
        "",
        f"| Build | Wall at {n} | CPU at {n} | Instructions at {n} | Peak memory at {n} | "
        "Growth: wall, CPU, instructions, peak memory | Articles | Errors logged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in ("handbill", "default"):
        k = big[kind]
        r, c = k["run"], k["counts"]
        lines.append(
            f"| {LABELS[kind]} | {sec(r['wall'])} | {sec(r['cpu'])} | {giga(r['instructions'])} "
            f"| {mb(r['maxrss_mb'])} | {times(k['growth_wall'])}, {times(k['growth_cpu'])}, "
            f"{times(k['growth_instructions'])}, {times(k['growth_memory'])} | "
            f"{c.get('articles', '-')} | {c.get('errors', '-')} |"
        )
    lines += [
        "",
        f"- At {n} posts, Handbill / Pelican as it comes: {times(big['ratio_wall'])} wall, "
        f"{times(big['ratio_cpu'])} CPU, {times(big['ratio_instructions'])} instructions "
        "(one build each).",
    ]
    return lines


def plugin_costs(b: dict[str, Any]) -> list[str]:
    costs = b.get("plugin_costs") or {}
    if not costs:
        return ["No plugins enabled."]
    lines = [
        "One Handbill build without each plugin. Without a plugin the pages still link to "
        "what it would have made, so the others are compared with link checking off on both "
        "sides; handbill_checks is compared with the full builds above (median). Shares are "
        "of the full build; one run each, so about ±1 %.",
        "",
        "| Plugin | Build without it: instructions | Errors logged | Compared with | "
        "Plugin's share of the build (instructions) |",
        "|---|---|---|---|---|",
    ]
    for plugin, c in costs.items():
        lines.append(
            f"| {plugin} | {giga(c['run'].get('instructions'))} | {c.get('errors', '-')} | "
            f"{c.get('compared_with', '-')} | {pct(c.get('instructions_share'))} |"
        )
    # One run each: CPU seconds of single runs swing with the machine's other work, so
    # only instruction counts are shown (both are in results.json).
    return lines


def cached(b: dict[str, Any]) -> list[str]:
    lines = [
        "| Build | Priming build (cache on) | Rounds | Full build, median wall "
        "| Rebuild after one edit, median wall | Median CPU (full, rebuild) "
        "| Median instructions (full, rebuild) | Rebuild / full (wall, CPU, instructions) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in ("handbill", "plain"):
        c = b["cached"][kind]
        full, rebuild = c["full"], c["rebuild"]
        lines.append(
            f"| {kind} | {sec(c['prime']['wall'])} | {rebuild['runs']} | "
            f"{sec(full['wall_median'])} | {sec(rebuild['wall_median'])} | "
            f"{sec(full['cpu_median'])}, {sec(rebuild['cpu_median'])} | "
            f"{giga(full['instructions_median'])}, {giga(rebuild['instructions_median'])} | "
            f"{pct(c['ratio_wall'])}, {pct(c['ratio_cpu'])}, {pct(c['ratio_instructions'])} |"
        )
    return lines


def profile_parts(p: dict[str, Any]) -> list[str]:
    lines = [
        "| Part (inclusive time under cProfile) | Handbill build | Plain build |",
        "|---|---|---|",
    ]
    handbill, plain = p.get("handbill", {}), p.get("plain", {})
    names = list(dict.fromkeys([*handbill.get("parts", {}), *plain.get("parts", {})]))
    lines.append(f"| Whole build | {sec(handbill.get('total'))} | {sec(plain.get('total'))} |")
    for name in names:
        h = handbill.get("parts", {}).get(name)
        q = plain.get("parts", {}).get(name)
        lines.append(f"| {name} | {part(h)} | {part(q)} |")
    return lines


def part(value: dict[str, Any] | None) -> str:
    return "-" if not value else f"{value['seconds']:.2f} s ({pct(value['share'])})"


def hot_spots(p: dict[str, Any]) -> list[str]:
    rows = p.get("handbill", {}).get("top_ours", [])
    if not rows:
        return ["No time recorded in Handbill's own code."]
    lines = [
        "| Function (Handbill code and templates) | Calls | Own time | With callees |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r['function']}` | {r['calls']} | {sec(r['tottime'])} | {sec(r['cumtime'])} |"
        for r in rows[:12]
    ]
    return lines


def events_hot_spots(p: dict[str, Any]) -> list[str]:
    rows = p.get("handbill", {}).get("top_events", [])
    if not rows:
        return []
    lines = [
        "Events plugin functions by time with callees (cProfile):",
        "",
        "| Function (plugins/handbill_events) | Calls | Own time | With callees |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r['function']}` | {r['calls']} | {sec(r['tottime'])} | {sec(r['cumtime'])} |"
        for r in rows
    ]
    return [*lines, ""]


def ics_lines(ics: dict[str, Any] | None) -> list[str]:
    if not ics or not ics.get("available"):
        reason = (ics or {}).get("reason", "not run")
        return [f"ICS generation: not available ({reason})."]
    return [
        f"- {ics['series']} recurring series, read, validated and modelled in "
        f"{sec(ics['load_model_seconds'])} (not counted below).",
        f"- One calendar with all of them ({ics['vevents']} VEVENTs, "
        f"{ics['calendar_bytes'] / 1024:.0f} KiB): {sec(ics['calendar_seconds'])}.",
        f"- One .ics file per series ({ics['per_event_bytes'] / 1024:.0f} KiB in all): "
        f"{sec(ics['per_event_seconds'])}.",
        f"- Total: **{sec(ics['total_seconds'])}**; peak memory {mb(ics.get('maxrss_mb'))}.",
    ]


def server_lines(server: dict[str, Any]) -> list[str]:
    if not server.get("available"):
        return [f"Sign-up server: not available ({server.get('reason', 'not run')})."]
    lines = [
        f"`{server['command']}` with {server['workers']} gunicorn workers, the spool worker "
        "(at idle CPU priority, as it runs by default), "
        f"and a load of {server['phases'][0]['requests']} sign-ups per phase from "
        f"{server['concurrency']} concurrent connections (bench/load.py, one new connection "
        "and one new address per sign-up). The load generator, the spool worker and the "
        "loopback mail server (bench/smtp.py) share the machine's cores with the server, so "
        "these numbers are a floor for a server with the machine to itself. Mail counts "
        "include a 50-request warm-up per phase; with the mail server hanging, the spool "
        "keeps every message for later.",
        "",
        "| Mail server | Sign-ups/s | p50 | p99 | Max | Errors | Statuses | "
        "Memory before → after | Server CPU per sign-up | Load generator CPU per sign-up | "
        "Spool worker CPU | Mails delivered / queued | Spool after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in server["phases"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(p["statuses"].items()))
        spool = ", ".join(f"{k} {v}" for k, v in p.get("spool", {}).items()) or "-"
        lines.append(
            f"| {p['mode']} | {num(p['rps'])} | {ms(p['p50_ms'])} | {ms(p['p99_ms'])} | "
            f"{ms(p['max_ms'])} | {p['errors']} | {statuses} | "
            f"{mb(p['rss_before_mb'])} → {mb(p['rss_after_mb'])} | "
            f"{ms(p.get('server_cpu_ms_per_request'))} | "
            f"{ms(p.get('client_cpu_ms_per_request'))} | "
            f"{sec(p.get('worker_cpu_seconds'))} | "
            f"{p['mails_delivered']} / {p['mails_queued']} | "
            f"{spool} |"
        )
    lines += [
        "",
        "The same server, then, with sign-ups arriving at a steady rate (open loop: each "
        "request starts on time whether or not earlier ones have finished; latency counts "
        "from when it was due):",
        "",
        "| Mail server | Offered | Answered/s | p50 | p99 | Max | Errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in server["phases"]:
        q = p.get("steady") or {}
        if q:
            lines.append(
                f"| {p['mode']} | {num(q.get('offered_rps'))}/s x {q['requests']} | "
                f"{num(q.get('rps'))} | {ms(q.get('p50_ms'))} | {ms(q.get('p99_ms'))} | "
                f"{ms(q.get('max_ms'))} | {q['errors']} |"
            )
    return lines


def render(results: dict[str, Any]) -> str:
    m, s, b = results["machine"], results["sizes"], results["build"]
    profile = b.get("profile", {})
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/report.py) from one run; nothing here is typed by "
        "hand. Rerun to refresh it.",
        "",
        "## How it was run",
        "",
        f"    {results['command']}",
        "",
        f"- Run: {m['date']}, branch `{m['branch']}` at {m['commit']}"
        f"{' (with uncommitted changes)' if m['dirty'] else ''}, {results['seconds']:.0f} s "
        "in all.",
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}; "
        f"load average {m['loadavg_start']:.1f} at the start and "
        f"{results.get('loadavg_end', 0):.1f} at the end of the run.",
        f"- Python {m['python']}, Pelican {m['pelican']}, Jinja2 {m['jinja2']}, "
        f"Markdown {m['markdown']}, icalendar {m['icalendar']}, gunicorn {m['gunicorn']}.",
        f"- Site: {s['posts']} posts, {s['events']} events of which {s['series']} recurring "
        f"series (bench/generate.py, seed {s['seed']}); {s['rounds']} builds of each kind, "
        "alternating Handbill, Pelican as it comes and plain Pelican like-for-like, each from "
        "an empty output folder in its own "
        "process; wall time by the clock, CPU time and peak memory from `wait4` of that "
        "process.",
        "",
        "## Targets",
        "",
        *targets(results),
        "",
        "**The rule:** a full build of Handbill takes at most as long as Pelican as it comes "
        "on the same posts (first three targets, ≤ 1.00 x). A change that adds work to "
        "every page or post checks it with `make bench-ratio POSTS=2000 EVENTS=300 "
        'ROUNDS=3`, which fails over 1.0; docs/architecture.md ("Build speed: the rule") '
        "lists what keeps Handbill under it.",
        "",
        "## Full builds",
        "",
        *builds(b),
        "",
        *ratios(b),
        "",
        "## Scaling with the number of posts",
        "",
        *scaling(b, s["posts"]),
        "",
        "## What each plugin costs",
        "",
        *plugin_costs(b),
        "",
        "## Rebuild with Pelican's content cache after editing one post",
        "",
        *cached(b),
        "",
        "As a preview (`make serve`) rebuilds: the content cache on, into the output folder "
        "the last cached build wrote (each round edits the newest post differently). Handbill "
        "also keeps the pages the edit did not change (handbill_rendercache); plain Pelican "
        "renders every page. Each rebuild is compared with a build from scratch made just "
        "before it, so both ran under the same load.",
        "",
        "## Where the time goes (cProfile, one build of each)",
        "",
        "cProfile slows everything down, so use the shares, not the seconds. Each part's time "
        "includes what it calls (Pelican, Jinja2, icalendar...); parts overlap. The events "
        "plugin's part includes its templates and the upcoming-events list on every page.",
        "",
        *profile_parts(profile),
        "",
        f"Events plugin: {events_note(profile)}",
        "",
        *events_hot_spots(profile),
        "Hot spots in Handbill's own code (by own time):",
        "",
        *hot_spots(profile),
        "",
        "## Calendars (ICS) alone",
        "",
        *ics_lines(b.get("ics")),
        "",
        "## Sign-up server under load",
        "",
        *server_lines(results.get("server") or {}),
        "",
    ]
    return "\n".join(lines)


def events_note(profile: dict[str, Any]) -> str:
    if not profile.get("events_enabled"):
        return "not in the build (plugin not enabled on this branch yet)."
    return f"{pct(profile.get('events_share'))} of the Handbill build."


def main(argv: list[str] | None = None) -> None:
    """Render a report again from a run's results.json (the numbers stay that run's)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--results", type=Path, default=Path("/tmp/handbill-bench/results.json"))
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    args.report.write_text(render(results), encoding="utf-8")


if __name__ == "__main__":
    main()
