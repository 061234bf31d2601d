"""`ActionService` without HTTP: the signature is only in the link until confirmed, and a
counts file that cannot be written loses no signature."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from signup_server.actions import ActionService
from signup_support import LOCAL, free_port, service_for, write_config

PETITION = "Title: Keep a full A&E\nKind: petition\nTarget: Midshire ICB\n\nKeep it.\n"
FORM = {"email": "svc@example.org", "name": "Svc", "consent_version": "1", "website": ""}


def actions_for(tmp_path, counts_file: str) -> ActionService:
    path = write_config(tmp_path, 25, free_port())
    (tmp_path / "content" / "actions").mkdir(parents=True)
    (tmp_path / "content" / "actions" / "save-our-ae.md").write_text(PETITION, encoding="utf-8")
    with path.open("a", encoding="utf-8") as out:
        out.write(f'\n[actions]\ncounts_file = "{counts_file}"\n')
    signup = service_for(path)
    return ActionService(signup.cfg, signup)


def token_of(actions: ActionService) -> str:
    [job] = actions.signup.spool.jobs("queue")
    return parse_qs(urlsplit(job.data["link"]).query)["t"][0]


def test_nothing_is_stored_before_confirming(tmp_path):
    actions = actions_for(tmp_path, "counts.json")
    assert actions.sign("save-our-ae", FORM, LOCAL).status.value == "ok"
    assert actions.signatures.tally("save-our-ae").count == 0
    assert b"svc@" not in actions.cfg.signatures_file.read_bytes()
    token = token_of(actions)
    assert "svc" not in token, "the link shows nothing"
    assert actions.confirm("save-our-ae", {"t": token}, LOCAL).status.value == "ok"
    assert actions.signatures.tally("save-our-ae").count == 1
    assert b"svc@" not in actions.cfg.signatures_file.read_bytes(), "a petition keeps a hash"
    assert '"count": 1' in (tmp_path / "counts.json").read_text()


def test_a_counts_file_that_cannot_be_written_loses_no_signature(tmp_path, caplog):
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    actions = actions_for(tmp_path, "not-a-folder/counts.json")
    actions.sign("save-our-ae", FORM, LOCAL)
    with caplog.at_level(logging.ERROR):
        assert actions.confirm("save-our-ae", {"t": token_of(actions)}, LOCAL).status.value == "ok"
    assert actions.count(actions.book.get("save-our-ae"))["count"] == 1
    assert "could not write the counts file" in caplog.text


def test_one_signers_record_and_erasure_by_the_address_on_stdin(tmp_path):
    import json
    import subprocess

    from signup_support import BIN, env

    actions = actions_for(tmp_path, "counts.json")
    actions.sign("save-our-ae", FORM, LOCAL)
    actions.confirm("save-our-ae", {"t": token_of(actions)}, LOCAL)
    config = str(tmp_path / "signup.toml")

    def cli(command: str, address: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "handbill-signup"), "actions", command, "save-our-ae", "-c", config],
            input=address + "\n",
            capture_output=True,
            text=True,
            env=env(),
            timeout=60,
        )

    shown = cli("record", "SVC@example.org")
    assert shown.returncode == 0
    record = json.loads(shown.stdout.split("\nTo erase it")[0])
    assert record["name"] == "Svc" and record["wording_version"] == "1"
    for field in ("who", "confirmed_at", "wording", "wording_sha256", "method", "withdraw_how"):
        assert record[field], field
    assert "svc@example.org" not in shown.stdout.lower()
    assert cli("record", "other@example.org").returncode == 1
    assert cli("erase", "svc@example.org").returncode == 0
    assert actions.signatures.tally("save-our-ae").count == 0
    assert '"count": 0' in (tmp_path / "counts.json").read_text()


def test_hostile_fields_are_clean_refusals(tmp_path):
    import pytest

    from signup_server.validate import BadRequest

    actions = actions_for(tmp_path, "counts.json")
    poll = "Title: Day?\nKind: poll\nQuestion: Which?\nOptions: Mon | Fri\n\nVote.\n"
    (tmp_path / "content" / "actions" / "day.md").write_text(poll, encoding="utf-8")
    actions.book.refresh()
    for option in ("²", "\uff11", "-1", "3", "0", "1" * 50, ""):
        out = actions.sign("day", {**FORM, "option": option}, LOCAL)
        assert out.status.value == "invalid" and "option" in out.errors, option
    for district in ("<script>", "AB1 " * 5, "ÅB1"):
        out = actions.sign("save-our-ae", {**FORM, "district": district}, LOCAL)
        assert out.status.value == "invalid" and "district" in out.errors, district
    with pytest.raises(BadRequest):
        actions.sign("save-our-ae", {**FORM, "admin": "yes"}, LOCAL)
    stale = actions.sign("save-our-ae", {**FORM, "consent_version": "0"}, LOCAL)
    assert "consent_version" in stale.errors
    assert actions.signup.spool.jobs("queue") == [], "nothing was queued for any of them"
