"""The published demo deployed as the operators' guide says, behind real nginx and Caddy.

Once per session: the demo is built with publishconf.py for the address the proxies answer
at, copied to a web root with the guide's rsync command, and the real sign-up server
(gunicorn) starts with a real SMTP server (aiosmtpd) on loopback. Then each proxy in turn
(nginx, then Caddy, on the same port) serves it from deploy/'s file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.servers import PER_IP, Deployed, Proxy, program, start_caddy, start_nginx
from signup_support import SmtpServer, free_port, write_config
from sitebuild import build_site


@pytest.fixture(scope="session")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    folder = tmp_path_factory.mktemp("deploy")
    port, backend_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    smtp = SmtpServer()
    smtp.start()
    try:
        yield from deploy(folder, url, port, backend_port, smtp)
    finally:
        smtp.stop()


def deploy(
    folder: Path, url: str, port: int, backend_port: int, smtp: SmtpServer
) -> Iterator[Deployed]:
    """Build, upload with rsync, start the sign-up server; stop it afterwards."""
    # The site's address is the proxy's: the server sends visitors back to its pages.
    config = write_config(folder, smtp.port, port, limits=f"per_ip = {PER_IP}")
    # Built as `make publish` leaves it: output/ a symlink to the current build.
    build = build_site(
        folder / "builds" / "current",
        "publishconf.py",
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_SIGNUP={"config": str(config), "server_url": "/signup"},
    )
    (folder / "output").symlink_to(build, target_is_directory=True)
    webroot = folder / "www"
    # The guide's upload, to a local path: `output/` (with the slash) follows the symlink.
    rsync = [program("rsync", "rsync"), "-a", "--checksum", "--delete", "output/", f"{webroot}/"]
    subprocess.run(rsync, cwd=folder, check=True, timeout=120)
    assert (webroot / "index.html").is_file() and not (webroot / "output").exists()
    deployed = Deployed(url, port, webroot, config, f"127.0.0.1:{backend_port}", smtp)
    deployed.start_server()
    try:
        yield deployed
    finally:
        deployed.stop_server()


@pytest.fixture(scope="session", params=["nginx", "caddy"])
def proxy(
    request: pytest.FixtureRequest, deployed: Deployed, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proxy]:
    """One proxy at a time on the site's port; pytest finishes one before starting the other."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "nginx":
        running = start_nginx(
            folder, deployed.webroot, deployed.backend, deployed.port, free_port()
        )
    else:
        running = start_caddy(folder, deployed.webroot, deployed.backend, deployed.port)
    try:
        yield running
    finally:
        running.stop()
