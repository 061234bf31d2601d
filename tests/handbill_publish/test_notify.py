"""The keeper's mail goes out as the sign-up server's does: STARTTLS, verified certificate,
login with the password from the environment (never from signup.toml)."""

import email
import email.policy
import os
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from handbill_publish.notify import failure_message, is_stale, item
from publish_support import BIN, Inbox

USER, PASSWORD = "site@anytown-sos-nhs.example.org", "smtp-password-from-the-environment"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1, made with openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run(
        [*command, *subject, *files],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_inbox(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    """A submission server like a real one: STARTTLS required before AUTH, AUTH required."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox(port)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        good = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        return AuthResult(success=good, handled=False)  # aiosmtpd answers: 235 or 535

    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    yield box
    controller.stop()


def signup_toml(project: Path, port: int) -> Path:
    text = (project / "signup.example.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("\n[mail.smtp]\n")
    smtp = f'\n[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "starttls"\n'
    smtp += f'username = "{USER}"\n'
    path = project / "signup.toml"
    path.write_text(head + smtp + "\n[list]" + tail.partition("\n[list]")[2], encoding="utf-8")
    return path


def stale(project: Path, config: Path, password: str | None, cert: Path):
    env = {**os.environ, "SSL_CERT_FILE": str(cert)}
    env.pop("HANDBILL_SMTP_PASSWORD", None)
    if password:
        env["HANDBILL_SMTP_PASSWORD"] = password
    return subprocess.run(
        [str(BIN / "handbill-publish"), "stale", "--config", str(config)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.e2e
def test_the_keeper_mail_logs_in_over_starttls_with_the_password_from_the_environment(
    project: Path, tls_inbox: Inbox, certificate: tuple[Path, Path]
) -> None:
    config = signup_toml(project, tls_inbox.port)
    assert PASSWORD not in config.read_text()
    done = stale(project, config, PASSWORD, certificate[0])  # never published: stale
    assert done.returncode == 1, done.stdout + done.stderr
    [envelope] = tls_inbox.messages
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "Anytown Save Our NHS: the site has never been published successfully"
    assert PASSWORD not in done.stdout + done.stderr


@pytest.mark.e2e
def test_a_wrong_password_is_refused_by_the_server_and_nothing_is_sent(
    project: Path, tls_inbox: Inbox, certificate: tuple[Path, Path]
) -> None:
    config = signup_toml(project, tls_inbox.port)
    done = stale(project, config, "not-the-password", certificate[0])
    assert done.returncode == 2
    assert tls_inbox.messages == []
    assert "Could not email the keeper (SMTPAuthenticationError" in done.stderr


@pytest.mark.e2e
def test_without_the_password_nothing_is_sent_and_the_log_has_the_message(
    project: Path, tls_inbox: Inbox, certificate: tuple[Path, Path]
) -> None:
    config = signup_toml(project, tls_inbox.port)
    done = stale(project, config, None, certificate[0])
    assert done.returncode == 2
    assert tls_inbox.messages == []
    assert "Could not email the keeper (ConfigError: " in done.stderr
    assert "mail.smtp.username is set, but the environment has no HANDBILL_SMTP_PASSWORD" in (
        done.stderr
    )
    assert "has never been published successfully" in done.stderr


NOW = datetime(2026, 11, 24, 4, 15, tzinfo=UTC)


def test_a_message_of_several_lines_stays_one_item() -> None:
    text = "Could not process posts/x.md\n\t[Errno 2] No such file"
    assert item(text) == "  - Could not process posts/x.md\n    [Errno 2] No such file"


def test_stale_from_the_day_it_is_due() -> None:
    assert not is_stale(NOW - timedelta(days=3) + timedelta(seconds=1), 3, NOW)
    assert is_stale(NOW - timedelta(days=3), 3, NOW)
    assert is_stale(None, 3, NOW)


def test_the_failure_mail_lists_every_problem_and_says_what_is_live() -> None:
    problems = [f"content/posts/p{n}.md:2: date: not a date — write 2026-11-24" for n in range(40)]
    mail = failure_message(
        sender="join@example.org",
        keeper="keeper@example.org",
        group="Anytown",
        what_happened="did not publish the site. Nothing on the web changed.",
        problems=problems,
        notices=[],
        last_success=NOW - timedelta(days=1),
        stale_days=3,
        now=NOW,
        command="cd /srv/handbill && handbill-publish rebuild",
    )
    body = mail.get_content()
    assert mail["Subject"] == "Anytown: the site was not published (40 problems)"
    assert [line[4:] for line in body.splitlines() if line.startswith("  - ")] == problems
    assert "Also noted" not in body
