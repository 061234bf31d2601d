"""`handbill-signup` commands: check, spool show, spool drain (run as real processes)."""

from __future__ import annotations

import subprocess

from signup_support import BIN, JOIN, LOCAL, env, free_port, service_for, write_config


def run(*args: str, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "handbill-signup"), *args],
        capture_output=True,
        text=True,
        env=env() if environ is None else environ,
        timeout=60,
    )


def test_spool_show_and_drain(tmp_path, smtp):
    path = write_config(tmp_path, smtp.port, free_port())
    service_for(path).subscribe({**JOIN, "email": "queued@example.org"}, LOCAL)

    shown = run("spool", "show", "--config", str(path))
    assert shown.returncode == 0
    assert "1 queue" in shown.stdout and "confirmation" in shown.stdout
    assert "queued@example.org" not in shown.stdout, "no addresses on the operator's screen"

    drained = run("spool", "drain", "--config", str(path))
    assert drained.returncode == 0 and "sent 1" in drained.stdout
    assert len(smtp.sink.to("queued@example.org")) == 1
    assert "0 queue" in run("spool", "show", "--config", str(path)).stdout
    assert "sent 0" in run("spool", "drain", "--config", str(path)).stdout
    assert len(smtp.sink.to("queued@example.org")) == 1


def test_drain_reports_failure_while_smtp_is_down(tmp_path, smtp):
    path = write_config(tmp_path, smtp.port, free_port())
    service_for(path).contact(
        {"email": "a@example.org", "name": "", "message": "hi", "website": ""}, LOCAL
    )
    smtp.stop()
    drained = run("spool", "drain", "--config", str(path))
    assert drained.returncode == 1 and "will retry 1" in drained.stdout
    assert "attempts=1" in run("spool", "show", "--config", str(path)).stdout


def test_check_and_config_errors(tmp_path):
    path = write_config(tmp_path, 25, free_port())
    ok = run("check", "--config", str(path))
    assert ok.returncode == 0 and ok.stdout.startswith("OK")
    no_key = {k: v for k, v in env().items() if k != "HANDBILL_SIGNUP_SECRET_KEYS"}
    bad = run("check", "--config", str(path), environ=no_key)
    assert bad.returncode == 2 and "HANDBILL_SIGNUP_SECRET_KEYS" in bad.stderr
    missing = run("check", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2


def test_example_config_is_valid():
    from sitebuild import ROOT

    result = run("check", "--config", str(ROOT / "signup.example.toml"))
    assert result.returncode == 0, result.stderr
