"""`make serve`: build the site, serve it on this computer, rebuild and refresh on every save.

python -m handbill_preview content -s pelicanconf.py -o preview --port 8000
"""

from __future__ import annotations

import argparse
import errno
import sys
import threading
from pathlib import Path

from pelican.log import console

from .builds import Builder, BuildState, setup_logging
from .server import make_server


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default="content", help="the content folder")
    parser.add_argument("-s", "--settings", default="pelicanconf.py", type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path, help="the preview folder")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1", help="address to answer on")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    setup_logging()
    content, output = args.content and Path(args.content).resolve(), args.output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    state = BuildState()
    builder = Builder(args.settings, {"PATH": str(content), "OUTPUT_PATH": str(output)}, state)
    try:
        server = make_server(output, args.bind, args.port, state, [Path.cwd(), content])
    except OSError as err:
        if err.errno != errno.EADDRINUSE:
            raise
        sys.exit(
            f"Port {args.port} is in use: is the preview already running? "
            f"Stop it, or run: make serve PORT={args.port + 1}"
        )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    console.print(
        f"Preview at http://{args.bind}:{server.server_address[1]}/ - the page refreshes by "
        "itself after each save and shows any problems at the top. Ctrl+C stops.",
    )
    try:
        builder.forever()
    except KeyboardInterrupt:
        console.print("Preview stopped.")
    finally:
        server.shutdown()
