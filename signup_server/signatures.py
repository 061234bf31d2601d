"""Confirmed signatures of campaign actions (pledges, petitions, polls), in one SQLite file.

Only confirmed signatures are ever written here: a signature waiting for its confirmation
lives in its (encrypted) link, nowhere else, so nothing unconfirmed can be counted. One row
per signer and action: the signer is a keyed hash of the address (`Keyer`), so a second
confirmation by the same person changes nothing. The address itself is kept only where the
action needs it (a pledge's, until its outcome mail is queued).

Unlike the rate-limit counters (`store.py`), these rows are precious and personal: every
commit is synced (synchronous=FULL), and erased values are overwritten in the file
(secure_delete) with a rollback journal that is deleted at each commit, so an erased
address is gone from every file in the state folder, not left in a free page or a log.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS signatures ("
    " action TEXT NOT NULL, signer TEXT NOT NULL, email TEXT, name TEXT NOT NULL DEFAULT '',"
    " district TEXT NOT NULL DEFAULT '', option INTEGER NOT NULL DEFAULT 0,"
    " version INTEGER NOT NULL, confirmed_at TEXT NOT NULL, record TEXT NOT NULL,"
    " PRIMARY KEY (action, signer))",
    # A pledge's outcome: "on" (threshold reached) or "off" (deadline passed).
    "CREATE TABLE IF NOT EXISTS outcomes ("
    " action TEXT PRIMARY KEY, state TEXT NOT NULL, count INTEGER NOT NULL,"
    " decided_at TEXT NOT NULL, mailed_at TEXT)",
    # What an action's counter showed when its signatures were erased: numbers only.
    "CREATE TABLE IF NOT EXISTS archived ("
    " action TEXT PRIMARY KEY, count INTEGER NOT NULL, last_signed TEXT, results TEXT,"
    " erased_at TEXT NOT NULL)",
    # The erasure log (an audit record the ICO asks for): what went when, numbers only.
    "CREATE TABLE IF NOT EXISTS erasures ("
    " action TEXT NOT NULL, what TEXT NOT NULL, rows INTEGER NOT NULL, at TEXT NOT NULL)",
)


@dataclass
class Signature:
    action: str
    signer: str  # keyed hash of the address
    email: str | None  # only while the action needs it
    name: str
    district: str
    option: int
    version: int
    confirmed_at: str
    record: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    count: int = 0
    last_signed: str | None = None  # the latest confirmation, ISO UTC
    options: dict[int, int] = field(default_factory=dict)  # a poll's votes per option


class SignatureStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        self._local = threading.local()
        self._turn = threading.Lock()
        with self.transaction() as db:
            for statement in SCHEMA:
                db.execute(statement)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the database lock is held until it ends, so what is
        done inside (such as rewriting the counts file) sees and writes the same state as
        every other process."""
        with self._turn:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- signing ---------------------------------------------------------------------

    def add(self, sig: Signature, changed: Callable[[], None] | None = None) -> bool:
        """Record a confirmed signature; False if this signer had already signed (their
        first signature stands: one per person)."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO signatures (action, signer, email, name, district,"
                " option, version, confirmed_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sig.action,
                    sig.signer,
                    sig.email,
                    sig.name,
                    sig.district,
                    sig.option,
                    sig.version,
                    sig.confirmed_at,
                    json.dumps(sig.record, ensure_ascii=False),
                ),
            )
            if cur.rowcount and changed is not None:
                changed()
            return bool(cur.rowcount)

    def remove(self, action: str, signer: str, changed: Callable[[], None] | None = None) -> bool:
        """Withdraw one signature; False if there was none (withdrawn or erased before)."""
        with self.transaction() as db:
            cur = db.execute(
                "DELETE FROM signatures WHERE action = ? AND signer = ?", (action, signer)
            )
            if cur.rowcount and changed is not None:
                changed()
            return bool(cur.rowcount)

    def has(self, action: str, signer: str) -> bool:
        sql = "SELECT 1 FROM signatures WHERE action = ? AND signer = ?"
        return self._connect().execute(sql, (action, signer)).fetchone() is not None

    # --- counting --------------------------------------------------------------------

    def tally(self, action: str) -> Tally:
        db = self._connect()
        row = db.execute(
            "SELECT COUNT(*), MAX(confirmed_at) FROM signatures WHERE action = ?", (action,)
        ).fetchone()
        tally = Tally(row[0], row[1])
        for option, n in db.execute(
            "SELECT option, COUNT(*) FROM signatures WHERE action = ? AND option > 0"
            " GROUP BY option",
            (action,),
        ):
            tally.options[option] = n
        archived = db.execute(
            "SELECT count, last_signed, results FROM archived WHERE action = ?", (action,)
        ).fetchone()
        if archived is not None:  # signatures erased: the counter keeps its last numbers
            tally.count += archived[0]
            tally.last_signed = max(filter(None, (tally.last_signed, archived[1])), default=None)
            for option, n in json.loads(archived[2] or "{}").items():
                tally.options[int(option)] = tally.options.get(int(option), 0) + n
        return tally

    # --- pledges' outcomes -------------------------------------------------------------

    def outcome(self, action: str) -> tuple[str, int, str, str | None] | None:
        """(state, count, decided_at, mailed_at) of a decided pledge, else None."""
        sql = "SELECT state, count, decided_at, mailed_at FROM outcomes WHERE action = ?"
        return self._connect().execute(sql, (action,)).fetchone()

    def decide(self, action: str, state: str, count: int, at: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO outcomes (action, state, count, decided_at)"
                " VALUES (?, ?, ?, ?)",
                (action, state, count, at),
            )

    def with_address(self, action: str) -> list[tuple[str, str]]:
        """(signer, email) of every signature that still has its address."""
        sql = "SELECT signer, email FROM signatures WHERE action = ? AND email IS NOT NULL"
        return self._connect().execute(sql, (action,)).fetchall()

    def forget_addresses(self, action: str, signers: list[str], at: str) -> int:
        """Erase the addresses (and names) of these signers; the keyed hash stays, so the
        count stays right and a withdrawal link still works."""
        with self.transaction() as db:
            n = 0
            for signer in signers:
                n += db.execute(
                    "UPDATE signatures SET email = NULL, name = ''"
                    " WHERE action = ? AND signer = ? AND email IS NOT NULL",
                    (action, signer),
                ).rowcount
            if n:
                db.execute(
                    "INSERT INTO erasures (action, what, rows, at) VALUES (?, ?, ?, ?)",
                    (action, "addresses after the outcome mail", n, at),
                )
            return n

    def mailed(self, action: str, at: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE outcomes SET mailed_at = ? WHERE action = ?", (at, action))

    # --- export and erasure ------------------------------------------------------------

    def signatures(self, action: str) -> list[Signature]:
        rows = self._connect().execute(
            "SELECT action, signer, email, name, district, option, version, confirmed_at,"
            " record FROM signatures WHERE action = ? ORDER BY confirmed_at, signer",
            (action,),
        )
        return [Signature(*row[:8], json.loads(row[8] or "{}")) for row in rows]

    def erase(self, action: str, at: str, changed: Callable[[], None] | None = None) -> int:
        """Delete every signature of `action`, keeping only its counter's numbers."""
        tally = self.tally(action)
        with self.transaction() as db:
            n = db.execute("DELETE FROM signatures WHERE action = ?", (action,)).rowcount
            if not n:
                return 0
            db.execute(
                "INSERT OR REPLACE INTO archived (action, count, last_signed, results,"
                " erased_at) VALUES (?, ?, ?, ?, ?)",
                (action, tally.count, tally.last_signed, json.dumps(tally.options), at),
            )
            db.execute(
                "INSERT INTO erasures (action, what, rows, at) VALUES (?, ?, ?, ?)",
                (action, "signatures after the retention period", n, at),
            )
            if changed is not None:
                changed()
            return n

    def erasures(self) -> list[tuple[str, str, int, str]]:
        sql = "SELECT action, what, rows, at FROM erasures ORDER BY at"
        return self._connect().execute(sql).fetchall()
