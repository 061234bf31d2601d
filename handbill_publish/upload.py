"""Copy the live version to the web host with rsync (a local folder or host:path over ssh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

# --checksum: builds are reproducible, so only files whose bytes changed are sent.
# --delay-updates --delete-after: changed files are put in place together at the end, so the
# web host serves the old site or the new one, not a mix, for all but an instant.
RSYNC = ["rsync", "-a", "--checksum", "--delete-after", "--delay-updates"]
# To a host: compressed, over ssh that fails rather than waits for a password or a host-key
# question nobody will answer from cron.
REMOTE = ["-z", "-e", "ssh -o BatchMode=yes"]


def upload(version: Path, target: str, timeout: float = 3600) -> str | None:
    """Upload; None when it worked, else the reason in one line."""
    command = [*RSYNC, *(REMOTE if is_remote(target) else []), f"{version}/", target]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        return "rsync is not installed (Debian/Ubuntu: sudo apt install rsync)"
    except subprocess.TimeoutExpired:
        return f"rsync to {target} did not finish within {timeout:.0f} seconds"
    if done.returncode != 0:
        said = " / ".join(line.strip() for line in done.stderr.splitlines() if line.strip())
        return f"rsync to {target} failed (exit status {done.returncode}): {said[:1000]}"
    return None


def is_remote(target: str) -> bool:
    """rsync's own rule: a colon before the first slash means host:path."""
    head = target.split("/", 1)[0]
    return ":" in head and not Path(target).exists()
