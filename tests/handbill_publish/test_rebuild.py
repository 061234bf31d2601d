"""The scheduled rebuild: uploads a good build with rsync; on any failure keeps the live site,
exits non-zero and mails the keeper every problem through a real SMTP server on loopback."""

import email
import email.policy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from publish_support import (
    BAD_DATE_POST,
    BROKEN_LINK_POST,
    Inbox,
    add_posts,
    contents,
    exact,
    run,
    set_publish_settings,
)

KEEPER = "lists@anytown-sos-nhs.example.org"  # [list] keeper in signup.example.toml
SENDER = "join@anytown-sos-nhs.example.org"  # [mail] from

# Several real builds each, run as the command an operator runs (the end-to-end tier).
pytestmark = pytest.mark.e2e


@pytest.fixture
def www(project: Path, tmp_path: Path) -> Path:
    """The web host's folder, as the operators' guide's rsync fills it."""
    target = tmp_path / "www" / "sos-nhs"
    target.parent.mkdir()
    set_publish_settings(project, f'{{"upload_to": "{target}/", "stale_days": 3}}')
    return target


def rebuild(project: Path, signup_toml: Path, *extra: str):
    return run(project, "rebuild", "--config", str(signup_toml), *extra)


def mails(inbox: Inbox) -> list[email.message.EmailMessage]:
    parse = email.message_from_bytes
    return [parse(each.content, policy=email.policy.default) for each in inbox.messages]


def body_of(mail: email.message.EmailMessage) -> str:
    return mail.get_content().replace("\r\n", "\n")  # SMTP sends lines ending CRLF


def test_a_good_rebuild_uploads_the_live_site_and_mails_nobody(
    project: Path, signup_toml: Path, www: Path, inbox: Inbox
) -> None:
    add_posts(project, note="Title: A short note\nDate: 2026-11-02 10:00\nCategory: News\n\nHi.\n")
    done = rebuild(project, signup_toml)
    assert done.returncode == 0, done.stdout + done.stderr
    assert contents(www) == contents(project / "output")
    assert (www / "news" / "2026" / "a-short-note" / "index.html").is_file()
    assert inbox.messages == []
    # A post removed from the site is removed from the web host too.
    (project / "content" / "posts" / "note.md").unlink()
    assert rebuild(project, signup_toml).returncode == 0
    assert contents(www) == contents(project / "output")
    assert not (www / "news" / "2026" / "a-short-note").exists()


def test_a_failed_rebuild_keeps_the_live_site_and_mails_the_keeper_every_problem(
    project: Path, signup_toml: Path, www: Path, inbox: Inbox
) -> None:
    assert rebuild(project, signup_toml).returncode == 0
    live, uploaded = exact(project / "output"), exact(www)
    add_posts(project, **{"broken-link": BROKEN_LINK_POST, "bad-date": BAD_DATE_POST})
    done = rebuild(project, signup_toml)
    assert done.returncode == 1
    assert exact(project / "output") == live
    assert exact(www) == uploaded
    [envelope] = inbox.messages
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == [KEEPER]
    [mail] = mails(inbox)
    assert mail["Subject"] == "Anytown Save Our NHS: the site was not published (3 problems)"
    assert mail["Auto-Submitted"] == "auto-generated"
    body = body_of(mail)
    assert "Nothing on the web changed" in body
    listed = body.split("\n3 problems:\n", 1)[1].split("\n\n", 1)[0]
    problems = [line for line in listed.splitlines() if line.startswith("  - ")]
    assert len(problems) == 3, body
    # Each problem on its own line, naming its file; the link check in its own words.
    assert sum("posts/broken-link.md" in line for line in problems) == 2
    assert any("no-such-post.md" in line for line in problems)
    assert any("nope.jpg" in line for line in problems)
    assert any("posts/bad-date.md" in line for line in problems)
    assert re.search(
        r"posts/broken-link\.md:\d+: link: '\{filename\}/posts/no-such-post\.md' "
        r"leads to no file in the site",
        body,
    ), body
    assert "link: '{static}/images/nope.jpg' leads to no file in the site" in body
    assert f"Emailed {KEEPER}" in done.stdout


def age(project: Path, days: int) -> None:
    """Pretend the last successful publish and upload were `days` ago."""
    state_file = project / ".site" / "state.json"
    state = json.loads(state_file.read_text())
    then = (datetime.now(UTC) - timedelta(days=days, minutes=5)).isoformat()
    state.update(published_at=then, uploaded_at=then)
    state_file.write_text(json.dumps(state))


def test_a_stale_site_is_mailed_about(
    project: Path, signup_toml: Path, www: Path, inbox: Inbox
) -> None:
    assert rebuild(project, signup_toml).returncode == 0
    fresh = run(project, "stale", "--config", str(signup_toml))
    assert fresh.returncode == 0
    assert inbox.messages == []
    age(project, 4)
    stale = run(project, "stale", "--config", str(signup_toml))
    assert stale.returncode == 1
    [mail] = mails(inbox)
    assert mail["To"] == KEEPER
    assert mail["Subject"] == "Anytown Save Our NHS: the site has not been published for 4 days"
    assert "4 days ago" in body_of(mail)
    assert "(you are told after 3 days)" in body_of(mail)
    # Run again the same day (the timer's ExecStopPost, a second cron line): told once.
    again = run(project, "stale", "--config", str(signup_toml))
    assert again.returncode == 1
    assert "not mailing again yet" in again.stdout
    assert len(inbox.messages) == 1


def test_a_failed_rebuild_of_a_stale_site_says_how_old_it_is(
    project: Path, signup_toml: Path, www: Path, inbox: Inbox
) -> None:
    assert rebuild(project, signup_toml).returncode == 0
    age(project, 5)
    add_posts(project, **{"bad-date": BAD_DATE_POST})
    assert rebuild(project, signup_toml).returncode == 1
    [mail] = mails(inbox)
    assert mail["Subject"] == "Anytown Save Our NHS: the site has not been published for 5 days"
    assert "bad-date.md" in body_of(mail)
    # The stale check after it (ExecStopPost) does not send the same news twice.
    assert run(project, "stale", "--config", str(signup_toml)).returncode == 1
    assert len(inbox.messages) == 1


def test_a_failed_git_pull_is_mailed_and_the_site_is_still_rebuilt(
    project: Path, signup_toml: Path, www: Path, inbox: Inbox
) -> None:
    # The project is not a git checkout, so `git pull` fails as it would on a conflict.
    done = rebuild(project, signup_toml, "--pull")
    assert done.returncode == 1
    assert (www / "index.html").is_file()  # the dates on the site stay right
    [mail] = mails(inbox)
    assert "git pull --ff-only failed" in body_of(mail)
    assert "published the site, but not everything went right" in body_of(mail)


def test_a_failed_upload_is_mailed(project: Path, signup_toml: Path, inbox: Inbox) -> None:
    set_publish_settings(project, '{"upload_to": "/nonexistent/parent/www/"}')
    done = rebuild(project, signup_toml)
    assert done.returncode == 1
    [mail] = mails(inbox)
    body = body_of(mail)
    assert "could not upload it" in body
    assert "rsync to /nonexistent/parent/www/ failed" in body


def test_without_a_mail_server_the_problems_still_reach_the_log(
    project: Path, signup_toml: Path, inbox: Inbox
) -> None:
    text = signup_toml.read_text().replace(f"port = {inbox.port}", "port = 9")
    signup_toml.write_text(text)
    add_posts(project, **{"bad-date": BAD_DATE_POST})
    done = rebuild(project, signup_toml)
    assert done.returncode == 2
    assert "Could not email the keeper (ConnectionRefusedError" in done.stderr
    assert "bad-date.md" in done.stderr


def test_a_broken_publishconf_is_mailed(project: Path, signup_toml: Path, inbox: Inbox) -> None:
    with open(project / "publishconf.py", "a", encoding="utf-8") as handle:
        handle.write('\nSITEURL = "https://half-edited.example.org\n')
    done = rebuild(project, signup_toml)
    assert done.returncode == 1
    assert not (project / "output").exists()
    [mail] = mails(inbox)
    assert "publishconf.py: cannot be read: SyntaxError" in body_of(mail)
