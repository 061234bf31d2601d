"""Run the operators' guide's nginx and Caddy files (deploy/) for real, on loopback.

Each file is used as shipped, with only what a loopback test must change: the TLS lines give
way to a plain-HTTP listen on 127.0.0.1, and the site folder, the log folder, certbot's
folder and the sign-up server's port become the test's own. `render_*` checks that each of
those appears exactly as often as expected, so a changed file fails here loudly instead of
being run half-replaced.
Each server gets its own prefix, pid file and temporary folders, and runs as the user the
tests run as (root in CI, anyone on a developer machine); no system service is touched.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from outputs.tools import ROOT, missing

from signup_support import Received, Site, SmtpServer, start_server, stop_server

DEPLOY = ROOT / "deploy"
NGINX_FILE = DEPLOY / "nginx" / "handbill.conf"
CADDY_FILE = DEPLOY / "caddy" / "Caddyfile"
DOMAIN = "anytown-sos-nhs.example.org"
SITE_ROOT = "/srv/www/anytown-sos-nhs"
NGINX_LOGS = "/var/log/nginx"
ACME_ROOT = "/var/www/html"  # where certbot --webroot writes its challenges
BACKEND = "127.0.0.1:8081"
TLS_MARK = "# TLS"
# A proxy left behind by a killed test run stops by itself after this long.
LIFETIME = ["timeout", "--kill-after=10", "3600"]
# Sign-ups per visitor address in the tests' signup.toml: enough for the tests' own visits.
PER_IP = 3
KEEPER = "keeper@anytown.example.org"  # the list's keeper in signup_support's signup.toml
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The search page and its index's files only: Pagefind runs as WebAssembly.
SEARCH_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The headers the guide's files set on every answer, errors included.
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), browsing-topics=()",
    "strict-transport-security": "max-age=63072000",
}


def program(name: str, package: str) -> str:
    """The Debian package's binary (nginx lives in /usr/sbin, off a normal user's PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not found:
        missing(name, f"install it: sudo apt install {package}")
    return found


def replace_exactly(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    if found != count:
        raise AssertionError(f"expected {old!r} {count} times in the file, found it {found} times")
    return text.replace(old, new)


def render_nginx(
    *, port: int, redirect_port: int, root: Path, logs: Path, backend: str, keep_tls: bool = False
) -> str:
    """deploy/nginx/handbill.conf for loopback; with keep_tls, only the paths change.

    certbot's folder becomes `acme` beside the log folder.
    """
    text = NGINX_FILE.read_text(encoding="utf-8")
    text = replace_exactly(text, SITE_ROOT, str(root), 1)
    text = replace_exactly(text, f"root {ACME_ROOT};", f"root {logs.parent / 'acme'};", 1)
    text = replace_exactly(text, NGINX_LOGS + "/", f"{logs}/", 2)
    text = replace_exactly(text, BACKEND, backend, 1)
    if keep_tls:
        return text
    lines = []
    listens = {"listen 80;": redirect_port, "listen 443 ssl http2;": port}
    for line in text.splitlines():
        if not line.rstrip().endswith(TLS_MARK):
            lines.append(line)
            continue
        directive = line.split("#", 1)[0].strip()
        if directive in listens:
            lines.append(f"    listen 127.0.0.1:{listens.pop(directive)};")
        elif not re.match(r"listen \[::\]:(80|443)\b|ssl_certificate(_key)? ", directive):
            raise AssertionError(f"a line marked TLS that the test does not know: {line!r}")
    if listens:
        raise AssertionError(f"no TLS-marked {sorted(listens)} in {NGINX_FILE}")
    return "\n".join(lines) + "\n"


def render_caddy(*, port: int, root: Path, backend: str) -> str:
    """deploy/caddy/Caddyfile for loopback: the address after the TLS line becomes http://."""
    text = CADDY_FILE.read_text(encoding="utf-8")
    text = replace_exactly(text, SITE_ROOT, str(root), 1)
    text = replace_exactly(text, BACKEND, backend, 1)
    site = re.compile(rf"^({re.escape(TLS_MARK)}\b.*\n){re.escape(DOMAIN)} {{$", re.MULTILINE)
    text, found = site.subn(rf"\g<1>http://127.0.0.1:{port} {{", text)
    if found != 1:
        raise AssertionError(f"expected one site address after a {TLS_MARK!r} line, found {found}")
    return text


def wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{log.read_text()}") from None
            time.sleep(0.05)
    stop(proc)
    raise RuntimeError(f"nothing listens on {port} after 20 s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group (timeout, nginx's master and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@dataclass
class Deployed:
    """The published demo in a web root, and the sign-up server with its SMTP server."""

    url: str  # http://127.0.0.1:PORT, where each proxy answers in turn
    port: int
    webroot: Path  # what the proxies serve, copied from the build by rsync
    config: Path  # the sign-up server's signup.toml (the site shows its wording)
    backend: str  # where the sign-up server listens
    smtp: SmtpServer
    server: subprocess.Popen | None = None  # the running sign-up server

    def start_server(self) -> None:
        self.server = start_server(self.config, int(self.backend.rsplit(":", 1)[1]), workers=1)

    def stop_server(self) -> None:
        if self.server is not None:
            stop_server(self.server)
            self.server = None

    @contextlib.contextmanager
    def server_stopped(self) -> Iterator[None]:
        self.stop_server()
        try:
            yield
        finally:
            self.start_server()

    def drain(self) -> None:
        """Run the spool worker once, as `handbill-signup spool drain` does."""
        Site(self.port, self.config).drain()

    def mail(self, to: str, about: str = "") -> list[Received]:
        return [m for m in self.smtp.sink.to(to) if about in m.msg.get_content()]

    def deliver(self, to: str, about: str = "") -> Received:
        self.drain()
        found = self.mail(to, about)
        assert found, f"no mail reached {to} (about {about!r})"
        return found[-1]


@dataclass
class Proxy:
    """A running nginx or Caddy: where it answers and every log file it writes."""

    kind: str
    port: int
    folder: Path
    proc: subprocess.Popen
    redirect_port: int | None = None

    def stop(self) -> None:
        stop(self.proc)

    def logs(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.folder)): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(self.folder.rglob("*.log"))
        }


def nginx_main_conf(folder: Path, site_conf: Path) -> str:
    """Debian 12's /etc/nginx/nginx.conf as far as it matters here, in a folder of our own."""
    # As root (CI), workers would switch to nobody, who cannot read pytest's private folders.
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    as_user = f"user {user} {group};" if os.geteuid() == 0 else ""
    temp = folder / "temp"
    return f"""
daemon off;
master_process on;
worker_processes 1;
{as_user}
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 128; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/logs/access.log;
    gzip on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site_conf};
}}
"""


def nginx_test(folder: Path, site_conf_text: str) -> subprocess.CompletedProcess:
    """`nginx -t` of a site file inside Debian's main configuration (binds no port)."""
    nginx = program("nginx", "nginx")
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    (folder / "temp").mkdir(exist_ok=True)
    site = folder / "handbill.conf"
    site.write_text(site_conf_text, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(nginx_main_conf(folder, site), encoding="utf-8")
    return subprocess.run(
        [nginx, "-t", "-p", f"{folder}/", "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def start_nginx(folder: Path, root: Path, backend: str, port: int, redirect_port: int) -> Proxy:
    nginx = program("nginx", "nginx")
    logs = folder / "logs"
    conf = render_nginx(
        port=port, redirect_port=redirect_port, root=root, logs=logs, backend=backend
    )
    checked = nginx_test(folder, conf)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused the file:\n{checked.stderr}")
    started = folder / "nginx-start.txt"  # nginx's own start-up messages (no visitors)
    with started.open("wb") as out:
        proc = subprocess.Popen(
            [*LIFETIME, nginx, "-p", f"{folder}/", "-c", str(folder / "nginx.conf")],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one group to stop
        )
    wait_for_port(port, proc, started)
    wait_for_port(redirect_port, proc, started)
    return Proxy("nginx", port, folder, proc, redirect_port)


def caddy_env(folder: Path) -> dict[str, str]:
    """Caddy keeps its state under HOME/XDG folders: ours, not the system's."""
    return {
        **os.environ,
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }


def caddy_validate(folder: Path, caddyfile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            program("caddy", "caddy"),
            "validate",
            "--config",
            str(caddyfile),
            "--adapter",
            "caddyfile",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=caddy_env(folder),
        check=False,
    )


def start_caddy(folder: Path, root: Path, backend: str, port: int) -> Proxy:
    caddy = program("caddy", "caddy")
    site = folder / "handbill.caddy"
    site.write_text(render_caddy(port=port, root=root, backend=backend), encoding="utf-8")
    # The global options a test needs: no admin endpoint (another Caddy may hold :2019).
    main = folder / "Caddyfile"
    main.write_text(f"{{\n\tadmin off\n}}\n\nimport {site}\n", encoding="utf-8")
    # Caddy logs to stderr (the journal, under Debian's unit): that is its access log here.
    log = folder / "caddy.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*LIFETIME, caddy, "run", "--config", str(main), "--adapter", "caddyfile"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one group to stop
            env=caddy_env(folder),
            cwd=folder,
        )
    wait_for_port(port, proc, log)
    return Proxy("caddy", port, folder, proc)
