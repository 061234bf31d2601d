"""Rate-limit counters: shared by processes through SQLite, keyed by HMAC."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from signup_server import store as store_module
from signup_server.store import Keyer, MemoryStore, SQLiteStore


def _hammer(path: str, results) -> None:
    store = SQLiteStore(Path(path))
    results.extend([store.hit("k", 10, 60) for _ in range(10)])


def test_sqlite_limit_holds_across_processes(tmp_path):
    path = tmp_path / "limits.sqlite3"
    SQLiteStore(path)
    with multiprocessing.Manager() as manager:
        results = manager.list()
        procs = [
            multiprocessing.Process(target=_hammer, args=(str(path), results)) for _ in range(4)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert sum(results) == 10, "exactly the limit, no matter how many processes race"


def test_window_slides_and_marks_expire(tmp_path):
    now = [1000.0]
    for store in (
        SQLiteStore(tmp_path / "s.sqlite3", clock=lambda: now[0]),
        MemoryStore(clock=lambda: now[0]),
    ):
        assert store.hit("a", 1, 60) and not store.hit("a", 1, 60)
        now[0] += 61
        assert store.hit("a", 1, 60)
        assert store.first("m", 10) and not store.first("m", 10)
        now[0] += 11
        assert store.first("m", 10)


def test_store_holds_no_addresses(tmp_path):
    keyer = Keyer("k" * 40)
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.hit(keyer("address", "alice@example.org"), 1, 60)
    store.first(keyer("alert", "x"), 60)
    dump = "\n".join(sqlite3.connect(tmp_path / "s.sqlite3").iterdump())
    assert "alice" not in dump and "example.org" not in dump
    assert keyer("address", "alice@example.org") != Keyer("j" * 40)("address", "alice@example.org")


def test_a_limited_subscribe_does_the_same_store_work(tmp_path):
    """Regression: a limited request skipped the later limit checks (one store write less),
    so it answered measurably faster, telling whether the address asked already today."""
    from signup_support import JOIN, LOCAL, service_for, write_config

    class Counting(MemoryStore):
        calls = 0

        def hit(self, key, limit, window):
            self.calls += 1
            return super().hit(key, limit, window)

        def first(self, key, ttl):  # the crash-recovery mark of a sign-up that passed
            self.calls += 1
            return super().first(key, ttl)

    store = Counting()
    service = service_for(write_config(tmp_path, 25, 8081), store)
    counts = []
    for _ in range(3):  # sent, then limited by address, then limited by address again
        store.calls = 0
        service.subscribe(JOIN, LOCAL)
        counts.append(store.calls)
    assert len(service.spool.jobs()) == 1
    # Three limits and one more write: the mark (sent) or the day's refusal count (limited).
    assert counts == [4, 4, 4]


def test_hit_all_counts_in_order_and_the_same_in_both_stores(tmp_path):
    """SQLiteStore counts a sign-up's limits in one transaction (`hits`); it must agree with
    the one-`hit`-per-check fallback, and a refusal must write as many rows as a pass."""
    from signup_server.store import hit_all

    checks = [("ip", 3, 60), ("address", 1, 60), ("global", 100, 60)]
    sqlite = SQLiteStore(tmp_path / "s.sqlite3", clock=lambda: 1000.0)
    results = {}
    for name, store in (("sqlite", sqlite), ("memory", MemoryStore(clock=lambda: 1000.0))):
        results[name] = [hit_all(store, checks, "decoy") for _ in range(4)]
    # Passed, then refused by address (ip still counted), twice; then refused by ip.
    assert results["sqlite"] == results["memory"] == [3, 1, 1, 0]
    db = sqlite3.connect(tmp_path / "s.sqlite3")
    rows = dict(db.execute("SELECT key, COUNT(*) FROM hits GROUP BY key").fetchall())
    assert rows == {"ip": 3, "address": 1, "global": 1, "decoy": 7}
    assert sum(rows.values()) == 4 * len(checks), "one row per check, refused or not"


def test_kept_counts_match_the_rows(tmp_path):
    """SQLiteStore keeps each key's count in `counts` rather than COUNT(*) over the window
    (which grew with every sign-up of a busy hour): it must always equal the rows."""
    now = [1000.0]
    path = tmp_path / "s.sqlite3"
    store = SQLiteStore(path, clock=lambda: now[0])
    db = sqlite3.connect(path)

    def rows() -> dict[str, int]:
        return dict(db.execute("SELECT key, COUNT(*) FROM hits GROUP BY key").fetchall())

    def counts() -> dict[str, int]:
        return dict(db.execute("SELECT key, n FROM counts WHERE n > 0").fetchall())

    for _ in range(12):
        now[0] += 7
        store.hit("a", 3, 20)
        store.hits([("b", 5, 30), ("a", 3, 20)], "decoy")
        assert counts() == rows()
    assert not store.hit("a", 3, 20)
    store.purge(max_window=10)
    assert counts() == rows()
    # A database from before `counts` (or one left uneven) is recounted when opened.
    db.execute("DELETE FROM counts")
    db.commit()
    SQLiteStore(path, clock=lambda: now[0])
    assert counts() == rows() and rows()


def test_purge_works_in_short_transactions_and_keeps_counts_equal(tmp_path, monkeypatch):
    """The worker purges at idle priority: many small transactions, each holding the write
    lock briefly, must forget exactly what one big one did."""
    monkeypatch.setattr(store_module, "PURGE_BATCH", 3)
    now = [1000.0]
    path = tmp_path / "s.sqlite3"
    store = SQLiteStore(path, clock=lambda: now[0])
    for n in range(11):
        now[0] += 1
        store.hit(f"old{n % 4}", 100, 1000)
        store.first(f"mark{n}", 5)
    now[0] += 100
    store.hit("new", 100, 1000)
    transactions = []
    real_tx = store._tx
    monkeypatch.setattr(store, "_tx", lambda: transactions.append(1) or real_tx())
    store.purge(max_window=50)
    db = sqlite3.connect(path)
    assert db.execute("SELECT key, n FROM counts").fetchall() == [("new", 1)]
    assert db.execute("SELECT key FROM hits").fetchall() == [("new",)]
    assert db.execute("SELECT COUNT(*) FROM marks").fetchone() == (0,)
    assert len(transactions) > 6  # 11 hits, 11 marks, 4 emptied counts: 3 at a time
