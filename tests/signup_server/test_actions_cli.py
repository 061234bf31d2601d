"""`handbill-signup` for campaign actions, as real processes: check, export, sweep and stall
refuse what they cannot do, with one line that says why."""

from __future__ import annotations

import subprocess

from signup_support import BIN, env, free_port, write_config

PETITION = "Title: Keep a full A&E\nKind: petition\nTarget: Midshire ICB\n\nKeep it.\n"
POLL = "Title: Which day?\nKind: poll\nQuestion: Which?\nOptions: Mon | Fri\n\nVote.\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "handbill-signup"), *args], capture_output=True, text=True, env=env(), timeout=60
    )


def config_with_actions(tmp_path, files: dict[str, str]):
    path = write_config(tmp_path, 25, free_port())
    folder = tmp_path / "content" / "actions"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return path


def test_check_lists_the_actions_and_export_refuses_a_poll(tmp_path):
    path = config_with_actions(tmp_path, {"save-our-ae.md": PETITION, "which-day.md": POLL})
    checked = run("check", "--config", str(path))
    assert checked.returncode == 0
    assert "save-our-ae (petition), which-day (poll)" in checked.stdout
    exported = run("actions", "export", "save-our-ae", "--config", str(path))
    assert exported.returncode == 0
    assert exported.stdout.splitlines()[3] == "name,district,confirmed_at,wording_version"
    assert "no closing date yet" in exported.stdout
    refused = run("actions", "export", "which-day", "--config", str(path))
    assert refused.returncode == 2 and "only petitions are exported" in refused.stderr
    stall = run("stall", "open", "--form", "nope", "--hours", "1", "--config", str(path))
    assert stall.returncode == 2 and "join, save-our-ae, which-day" in stall.stderr
    opened = run("stall", "open", "--form", "which-day", "--hours", "1", "--config", str(path))
    assert opened.returncode == 0 and "for the which-day form" in opened.stdout
    bad_now = run("actions", "sweep", "--now", "yesterday", "--config", str(path))
    assert bad_now.returncode == 2 and "--now" in bad_now.stderr


def test_a_mistake_in_an_action_file_fails_check_like_the_build(tmp_path):
    """`check` fails with the build's lines; the server itself still starts (join must not
    go down for a typo in a petition) and leaves the broken action out."""
    broken = "Title: Oops\nKind: petiton\nTarget: X\n\nBody.\n"
    path = config_with_actions(tmp_path, {"oops.md": broken})
    checked = run("check", "--config", str(path))
    assert checked.returncode == 2
    assert "content/actions/oops.md:2: Kind:" in checked.stderr
    assert "did you mean 'petition'?" in checked.stderr
    assert "Traceback" not in checked.stderr
