"""`make bench`: generate the synthetic site, build, profile, load the server, write the report.

    python -m bench.run --posts 2000 --events 300 --rounds 3 --report docs/benchmarks.md

Everything is written under --out (default /tmp/handbill-bench), never into the repository,
except the report.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from . import build, report, server
from .generate import Sizes, generate

log = logging.getLogger("bench")

REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--series", type=int, default=50, help="recurring series among events")
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind, alternating")
    parser.add_argument("--ics-series", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=3000, help="sign-ups per server phase")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=120, help="per load phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    parser.add_argument(
        "--scale-posts",
        type=int,
        default=0,
        help="also build a site of this many posts once with Handbill and Pelican as it comes, "
        "and report how time and peak memory grow (make bench SCALE=10000)",
    )
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("/tmp/handbill-bench"))
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--command", default=None, help="the command to print in the report")
    return parser.parse_args(argv)


def outside_repo(path: Path) -> Path:
    path = path.resolve()
    if path == REPO or REPO in path.parents:
        raise SystemExit(f"--out {path} is inside the repository: choose a folder outside it")
    return path


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    out = outside_repo(args.out)
    started = time.perf_counter()
    sizes = Sizes(args.posts, args.events, min(args.series, args.events))
    generate(out / "site", sizes)
    site = build.Site(out / "site")
    results: dict[str, Any] = {
        "sizes": {**sizes.__dict__, "rounds": args.rounds, "ics_series": args.ics_series},
        "command": args.command
        or shlex.join(
            [
                Path(sys.executable).name,
                "-m",
                "bench.run",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        "machine": report.machine(),
    }
    results["build"] = build.run_builds(site, args.rounds, args.ics_series, not args.no_hugo)
    if args.scale_posts:
        log.info("scaling: %d posts, one build of each", args.scale_posts)
        big = Sizes(args.scale_posts, sizes.events, sizes.series)
        generate(out / "site-scale", big)
        results["build"]["scaling"] = build.scaling(
            build.Site(out / "site-scale"), results["build"], args.scale_posts
        )
    results["server"] = (
        {"available": False, "reason": "skipped (--no-server)"}
        if args.no_server
        else server.bench(
            out / "server", args.requests, args.concurrency, args.max_seconds, args.workers
        )
    )
    results["seconds"] = time.perf_counter() - started
    results["loadavg_end"] = os.getloadavg()[0]
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report.render(results), encoding="utf-8")
    log.info(
        "results in %s, report in %s (%.0f s)",
        out / "results.json",
        args.report,
        results["seconds"],
    )
    return results


if __name__ == "__main__":
    main()
