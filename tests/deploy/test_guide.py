"""The operators' guide shows exactly the files the other tests run, TLS lines included.

Every nginx or Caddy block in docs/operators.md must be a copy of a file in deploy/, marked
`<!-- file: deploy/… -->`, and every such file must be shown: so no configuration reaches
operators without being run. The TLS lines, which the loopback tests replace, are read by
the servers themselves here: `nginx -t` with a throwaway certificate, `caddy validate` of
the file unchanged.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from outputs.tools import ROOT, missing

from deploy.servers import (
    BACKEND,
    CADDY_FILE,
    DEPLOY,
    DOMAIN,
    caddy_validate,
    nginx_test,
    render_nginx,
)

GUIDE = ROOT / "docs" / "operators.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARK = re.compile(r"<!-- file: (\S+)[^>]*-->\s*\Z")
SERVER_LANGUAGES = {"nginx", "caddyfile", "caddy"}


def shown_files() -> dict[str, str]:
    """File path -> the block the guide shows for it; fails on any unmarked server block."""
    text = GUIDE.read_text(encoding="utf-8")
    shown: dict[str, str] = {}
    for block in FENCE.finditer(text):
        mark = MARK.search(text[: block.start()][-300:])
        if mark:
            shown[mark.group(1)] = block.group(2)
        elif block.group(1).lower() in SERVER_LANGUAGES:
            line = text.count("\n", 0, block.start()) + 1
            pytest.fail(f"docs/operators.md:{line}: a {block.group(1)} block that is no file")
    return shown


def test_guide_shows_every_deploy_file_exactly():
    shown = shown_files()
    files = {str(p.relative_to(ROOT)) for p in DEPLOY.rglob("*") if p.is_file()}
    assert set(shown) == files, f"shown: {sorted(shown)}, in deploy/: {sorted(files)}"
    for path, block in shown.items():
        assert block == (ROOT / path).read_text(encoding="utf-8"), f"{path} differs in the guide"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for the domain, made with openssl."""
    openssl = shutil.which("openssl")
    if not openssl:
        missing("openssl", "install it: sudo apt install openssl")
    folder = tmp_path_factory.mktemp("cert")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    request = f"req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN={DOMAIN}".split()
    subprocess.run(
        [openssl, *request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_regression_nginx_1_22_reads_the_file_with_its_tls_lines(
    tmp_path: Path, certificate: tuple[Path, Path]
):
    live = f"/etc/letsencrypt/live/{DOMAIN}/"
    conf = render_nginx(
        port=0, redirect_port=0, root=tmp_path, logs=tmp_path, backend=BACKEND, keep_tls=True
    )
    assert conf.count(live) == 2, "the certificate lines moved"
    conf = conf.replace(live + "fullchain.pem", str(certificate[0]))
    conf = conf.replace(live + "privkey.pem", str(certificate[1]))
    # The old guide's `http2 on;` stopped nginx 1.22 here ("unknown directive").
    checked = nginx_test(tmp_path / "nginx", conf)
    assert checked.returncode == 0, checked.stderr
    assert "warn" not in checked.stderr, checked.stderr


def test_regression_caddy_2_6_reads_the_file_unchanged(tmp_path: Path):
    # The old guide's `log_skip` and short `format filter` were refused by Caddy 2.6.
    checked = caddy_validate(tmp_path, CADDY_FILE)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr
