"""Counters for rate limits and "only once" markers, shared by every worker process.

The store only ever sees keys that are HMACs of addresses and IPs (see `Keyer`), never the
values themselves. `CounterStore` is the interface; `SQLiteStore` (one file, safe across
processes on one host) is the default, and a shared store (e.g. Redis) can serve several
hosts by implementing the same two methods (and `hits`, to count a sign-up's limits in
one round trip: see `hit_all`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

# (key, limit, window): one rate limit to count an event against.
Check = tuple[str, int, float]
# The limit and window of the decoy checks in `hit_all`: high enough never to refuse.
DECOY_LIMIT, DECOY_WINDOW = 1 << 30, 1.0
# Rows `SQLiteStore.purge` deletes per transaction: about a millisecond of holding the lock.
PURGE_BATCH = 500
# Seconds a "this sign-up was counted" mark is kept: crash recovery reads it within minutes.
MARK_TTL = 2 * 86400
# Seconds a count of turned-away sign-ups is kept: long enough for the daily summary.
REFUSALS_KEPT = 3 * 86400


class CounterStore(Protocol):
    def hit(self, key: str, limit: int, window: float) -> bool:
        """Record one event for `key` if fewer than `limit` happened in the last `window`
        seconds; return whether it was allowed."""
        ...

    def first(self, key: str, ttl: float) -> bool:
        """Return True only the first time `key` is seen within `ttl` seconds."""
        ...

    def count(self, key: str, window: float) -> int:
        """How many events `key` had in the last `window` seconds (nothing recorded)."""
        ...

    def marked(self, key: str) -> bool:
        """Whether `key` was set by `first` (or `hit_all`'s `mark`) and has not expired."""
        ...


def hit_all(
    store: CounterStore,
    checks: Sequence[Check],
    decoy: str,
    mark: str | None = None,
    refused_keys: Sequence[str] | None = None,
) -> int:
    """`hit` for each check in order, stopping at the first one over its limit; each check
    after that is done on `decoy` instead (a key that limits nothing), so a refusal costs
    the same store work as a pass. Returns how many checks passed: all of them means
    allowed. When all pass, `mark` is set for MARK_TTL (see Spool.hold: it is how crash
    recovery knows this count was made). One atomic step if the store has `hits`
    (SQLiteStore), else one `hit` each."""
    hits = getattr(store, "hits", None)
    if hits is not None:
        return hits(checks, decoy, mark, refused_keys)
    passed, refused = 0, False
    for key, limit, window in checks:
        if refused:
            store.hit(decoy, DECOY_LIMIT, DECOY_WINDOW)
        elif store.hit(key, limit, window):
            passed += 1
        else:
            refused = True
    if mark is not None and passed == len(checks):
        store.first(mark, MARK_TTL)
    elif refused_keys is not None and passed < len(checks):
        store.hit(refused_keys[passed], DECOY_LIMIT, REFUSALS_KEPT)
    return passed


class Keyer:
    """Turns addresses and IPs into HMAC keys, so a stolen store reveals nobody."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"handbill.signup.keys.v1" + secret.encode()).digest()

    def __call__(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:40]}"


def held_mark(keyer: Keyer, job_id: str) -> str:
    """The key that says a held sign-up's limits were counted (Spool.hold, hit_all's mark)."""
    return keyer("held", job_id)


# The limits the keeper's daily summary counts refusals of (service._may_confirm's kinds).
REFUSAL_KINDS = (
    "ip",
    "address",
    "global",
    "leave-ip",
    "leave-address",
    "action-ip",
    "action-address",
    "action-global",
)


def refusal_key(keyer: Keyer, day: str, kind: str) -> str:
    """The key counting sign-ups a limit turned away on `day` (YYYY-MM-DD, UTC)."""
    return keyer("refused", f"{day}:{kind}")


class SQLiteStore:
    """Sliding-window counters in one SQLite file. Each write is one IMMEDIATE transaction,
    so concurrent gunicorn workers cannot both take the last free slot.

    WAL with synchronous=NORMAL: a commit is an append to the log, with no fsync; the log
    is synced at checkpoints. A power cut can lose the last few counts (the file stays
    consistent), which only makes the limits briefly more lenient: counters are not
    precious, and the durable things (queued mail) live in the spool, not here."""

    def __init__(self, path: Path, clock=time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The file holds only HMACs, but it is nobody else's business: 0600, and SQLite
        # gives its -wal and -shm files the database file's mode.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        self._clock = clock
        self._local = threading.local()
        # Threads of one process take turns here rather than in SQLite's busy handler,
        # which sleeps (1 ms, 2 ms, 5 ms ...) between tries; other processes still wait
        # on the database lock itself.
        self._turn = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS hits_key ON hits (key, at)")
            db.execute("CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, until REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, n INTEGER)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS stalls "
                "(key TEXT PRIMARY KEY, form TEXT, until REAL, per_ip INTEGER)"
            )
        with self._tx() as db:
            _recount(db)  # a database from before `counts`, or written by an older version

    def _connect(self) -> sqlite3.Connection:
        # One connection per thread and process: connections must not cross a fork.
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=NORMAL")  # per connection; see the class doc
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _tx(self):
        return _Transaction(self._connect(), self._turn)

    def hit(self, key: str, limit: int, window: float) -> bool:
        now = self._clock()
        with self._tx() as db:
            if _count(db, key, window, now) >= limit:
                return False
            _record(db, key, now)
            return True

    def hits(
        self,
        checks: Sequence[Check],
        decoy: str,
        mark: str | None = None,
        refused_keys: Sequence[str] | None = None,
    ) -> int:
        """`hit_all` in one transaction, the mark (all passed) or the refusal count (the
        key in `refused_keys` at the refusing check's place) included: one write either way."""
        # One transaction for all the checks: one lock and one commit per sign-up, not one
        # per limit. The same statements run whether a check passes or not: a refused
        # check records its event on the decoy key instead.
        now = self._clock()
        passed, refused = 0, False
        with self._tx() as db:
            for key, limit, window in checks:
                if refused:
                    key, limit, window = decoy, DECOY_LIMIT, DECOY_WINDOW
                ok = _count(db, key, window, now) < limit
                _record(db, key if ok else decoy, now)
                passed += ok and not refused
                refused = refused or not ok
            if mark is not None and not refused:
                db.execute(
                    "INSERT OR REPLACE INTO marks (key, until) VALUES (?, ?)",
                    (mark, now + MARK_TTL),
                )
            elif refused_keys is not None and refused:
                _record(db, refused_keys[passed], now)
        return passed

    def first(self, key: str, ttl: float) -> bool:
        now = self._clock()
        with self._tx() as db:
            row = db.execute("SELECT until FROM marks WHERE key = ?", (key,)).fetchone()
            if row and row[0] > now:
                return False
            db.execute("INSERT OR REPLACE INTO marks (key, until) VALUES (?, ?)", (key, now + ttl))
            return True

    def open_stall(self, key: str, form: str, until: float, per_ip: int) -> None:
        """Stall mode (see service.Stall): `key` is the HMAC of the stall's code."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO stalls (key, form, until, per_ip) VALUES (?, ?, ?, ?)",
                (key, form, until, per_ip),
            )

    def close_stalls(self) -> int:
        with self._tx() as db:
            return db.execute("DELETE FROM stalls").rowcount

    def stall(self, key: str) -> tuple[str, int] | None:
        """The form and raised per-IP limit of an open stall, or None."""
        row = (
            self._connect()
            .execute(
                "SELECT form, per_ip FROM stalls WHERE key = ? AND until > ?", (key, self._clock())
            )
            .fetchone()
        )
        return (row[0], row[1]) if row else None

    def stalls(self) -> list[tuple[str, float, int]]:
        """Open stalls: form, until, per_ip (no codes: the store has only their HMACs)."""
        sql = "SELECT form, until, per_ip FROM stalls WHERE until > ? ORDER BY until"
        return self._connect().execute(sql, (self._clock(),)).fetchall()

    def count(self, key: str, window: float) -> int:
        """How many events `key` had in the last `window` seconds (nothing recorded)."""
        since = self._clock() - window
        sql = "SELECT COUNT(*) FROM hits WHERE key = ? AND at > ?"
        return self._connect().execute(sql, (key, since)).fetchone()[0]

    def marked(self, key: str) -> bool:
        row = self._connect().execute("SELECT until FROM marks WHERE key = ?", (key,)).fetchone()
        return bool(row) and row[0] > self._clock()

    def purge(self, max_window: float = 7 * 86400) -> None:
        """Forget expired entries (the worker calls this now and then), a few hundred rows
        per transaction. The worker runs at idle priority: one long transaction would hold
        the write lock, and every sign-up waiting on it, for as long as the worker is kept
        off the CPU by other work."""
        now = self._clock()
        while self._purge_hits(now - max_window):
            pass
        self._delete_batches("marks", "until <= ?", (now,))
        self._delete_batches("counts", "n <= 0", ())  # keys whose hits have all gone

    def _purge_hits(self, cutoff: float) -> bool:
        """Delete up to PURGE_BATCH expired hits, keeping `counts` equal; True if more may
        be left. Hits are appended in time order, so the oldest are found first."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT rowid, key FROM hits WHERE at <= ? LIMIT ?", (cutoff, PURGE_BATCH)
            ).fetchall()
            db.executemany("DELETE FROM hits WHERE rowid = ?", [(rowid,) for rowid, _ in rows])
            gone = Counter(key for _, key in rows)
            db.executemany(
                "UPDATE counts SET n = n - ? WHERE key = ?", [(n, key) for key, n in gone.items()]
            )
        return len(rows) == PURGE_BATCH

    def _delete_batches(self, table: str, expired: str, params: tuple) -> None:
        sql = (
            f"DELETE FROM {table} WHERE rowid IN "
            f"(SELECT rowid FROM {table} WHERE {expired} LIMIT {PURGE_BATCH})"
        )
        while True:
            with self._tx() as db:
                if db.execute(sql, params).rowcount < PURGE_BATCH:
                    return


# Each key's number of rows in `hits` is kept in `counts`, in the same transactions: a
# COUNT(*) walks every row in the window, 1 ms for 10,000 (an hourly cap during a busy
# hour), where a lookup by key costs the same for any number.


def _count(db: sqlite3.Connection, key: str, window: float, now: float) -> int:
    """How many events `key` had in the last `window` seconds, forgetting older ones."""
    gone = db.execute("DELETE FROM hits WHERE key = ? AND at <= ?", (key, now - window)).rowcount
    if gone:
        db.execute("UPDATE counts SET n = n - ? WHERE key = ?", (gone, key))
    row = db.execute("SELECT n FROM counts WHERE key = ?", (key,)).fetchone()
    return row[0] if row else 0


def _record(db: sqlite3.Connection, key: str, now: float) -> None:
    db.execute("INSERT INTO hits (key, at) VALUES (?, ?)", (key, now))
    db.execute(
        "INSERT INTO counts (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1",
        (key,),
    )


def _recount(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM counts")
    db.execute("INSERT INTO counts (key, n) SELECT key, COUNT(*) FROM hits GROUP BY key")


class MemoryStore:
    """For tests and single-process use."""

    def __init__(self, clock=time.time) -> None:
        self._clock = clock
        self._hits: dict[str, list[float]] = {}
        self._marks: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float) -> bool:
        now = self._clock()
        with self._lock:
            recent = [t for t in self._hits.get(key, []) if t > now - window]
            allowed = len(recent) < limit
            if allowed:
                recent.append(now)
            self._hits[key] = recent
            return allowed

    def first(self, key: str, ttl: float) -> bool:
        now = self._clock()
        with self._lock:
            if self._marks.get(key, 0) > now:
                return False
            self._marks[key] = now + ttl
            return True

    def marked(self, key: str) -> bool:
        return self._marks.get(key, 0) > self._clock()

    def count(self, key: str, window: float) -> int:
        return sum(1 for t in self._hits.get(key, []) if t > self._clock() - window)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, turn: threading.Lock) -> None:
        self.conn = conn
        self.turn = turn

    def __enter__(self) -> sqlite3.Connection:
        self.turn.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.turn.release()
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.turn.release()
