"""The published demo deployed as the operators' guide says, behind real nginx and Caddy.

Once per session: the demo is built with publishconf.py for the address the proxies answer
at, copied to a web root with the guide's rsync command, and the real sign-up server
(gunicorn) starts with a real SMTP server (aiosmtpd) on loopback. Then each proxy in turn
(nginx, then Caddy, on the same port) serves it from deploy/'s file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

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
    # The site's address is the proxy's: the server sends visitors back to its pages.
    config = write_config(folder, smtp.port, port, limits=f"per_ip = {PER_IP}")
    output = build_site(
        folder / "output",
        "publishconf.py",
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_SIGNUP={"config": str(config), "server_url": "/signup"},
    )
    webroot = folder / "www"
    # The guide's upload, to a local path; output/ may be a symlink to the current build.
    subprocess.run(
        [
            program("rsync", "rsync"),
            "-a",
            "--checksum",
            "--delete",
            f"{output.resolve()}/",
            webroot,
        ],
        check=True,
        timeout=120,
    )
    deployed = Deployed(url, port, webroot, config, f"127.0.0.1:{backend_port}", smtp)
    deployed.start_server()
    try:
        yield deployed
    finally:
        deployed.stop_server()
        smtp.stop()


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
