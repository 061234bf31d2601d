"""A durable on-disk queue of outgoing deliveries (mail and HTTP hand-offs).

Layout, like a Maildir: `tmp/` (being written), `hold/` (written, waiting for the rate
limits' answer), `queue/` (waiting), `active/` (claimed by a worker), `handed/` (empty
markers: the job's message went to the mail server, its answer not yet heard), `done/`
(empty markers named by job id), `failed/` (gave up). Every step is an atomic rename or link on one
filesystem, so a crash never leaves a half-written job, and two workers never claim the
same job. What a crash does leave (a held, claimed or half-written job) `recover_leftovers`
puts back or removes; the lock files tell it whether a server or a worker is still alive.
Everything is private to the service user: folders 0700, files 0600.

Job ids are derived from what the job is for (e.g. the HMAC of a subscriber), so queueing
the same hand-off twice is a no-op: a retried or replayed confirmation never reaches the
list twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
DIRS = ("tmp", "hold", "queue", "active", "handed", "done", "failed")
# Seconds after which a held or half-written job of a live server is a leftover: far longer
# than any request takes (gunicorn's timeout is 30 s).
STALE = 120
SERVER_LOCK, WORKER_LOCK = "server.lock", "worker.lock"


@dataclass
class Job:
    id: str
    kind: str  # "smtp" (a finished mail), "mail" (built when sent: jobs.render) or "http"
    data: dict[str, Any]
    purpose: str = ""  # for `spool show`: "confirmation", "handoff", "contact", ...
    created: float = field(default_factory=time.time)
    attempts: int = 0
    next_at: float = 0.0
    last_error: str = ""


def backoff(attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min ... capped at 1 h."""
    return float(min(30 * 2 ** max(attempts - 1, 0), 3600))


class Spool:
    def __init__(self, root: Path, clock=time.time) -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self._clock = clock
        self._locks: dict[str, int] = {}
        self._announced: set[str] = set()
        self.in_doubt: list[str] = []  # set by recover()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)  # a spool made by an older version was 0755
        for name in DIRS:
            (self.root / name).mkdir(exist_ok=True, mode=0o700)
            os.chmod(self.root / name, 0o700)

    # --- who is alive: a shared lock per process, held for its whole life ---------------

    def _lock_fd(self, name: str) -> int:
        fd = self._locks.get(name)
        if fd is None:
            fd = self._locks[name] = os.open(
                f"{self._root}/{name}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
            )
        return fd

    def announce(self, name: str) -> None:
        """Say "a server (or worker) is using this spool" until this process ends: the
        kernel drops the lock when the process dies, however it dies."""
        fcntl.flock(self._lock_fd(name), fcntl.LOCK_SH)
        self._announced.add(name)

    def _alone(self, name: str) -> bool:
        """True if no other process announced `name`; then we hold it exclusively, and
        none can start, until `_done_alone`."""
        try:
            fcntl.flock(self._lock_fd(name), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _done_alone(self, name: str) -> None:
        fd = self._lock_fd(name)
        fcntl.flock(fd, fcntl.LOCK_SH if name in self._announced else fcntl.LOCK_UN)

    def _path(self, folder: str, job_id: str) -> Path:
        return Path(self._name(folder, job_id))

    def _name(self, folder: str, job_id: str) -> str:
        # Plain strings on the request path: pathlib costs more than the syscalls here.
        if not job_id.replace("-", "").isalnum():
            raise ValueError("job ids are letters, digits and dashes")
        return f"{self._root}/{folder}/{job_id}.json"

    def _write_tmp(self, job: Job) -> str:
        tmp = f"{self._root}/tmp/{job.id}.{uuid.uuid4().hex}.json"
        # vars(), not asdict(): asdict deep-copies the data on every request, and the job
        # is only read here. Same fields, same order, same JSON.
        data = json.dumps(vars(job)).encode("utf-8")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        return tmp

    def _fsync_dir(self, folder: str) -> None:
        fd = os.open(f"{self._root}/{folder}", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def known(self, job_id: str) -> bool:
        return any(
            os.path.exists(self._name(f, job_id))
            for f in ("hold", "queue", "active", "done", "failed")
        )

    def put(self, job: Job) -> bool:
        """Queue `job` durably; False (and nothing written) if its id is already known.

        Two fsyncs, and both are needed. The file's, before the job gets its name in
        queue/: else a crash could leave the name pointing at an empty or partial file
        (ext4 allocates blocks late, and its rename safeguard does not cover link()). The
        directory's, before we answer: it is what makes the new name itself durable, and
        the visitor has been told their mail is on its way. Under load the cost is shared:
        the kernel's journal commits concurrent fsyncs together (gthread workers)."""
        if self.known(job.id):
            return False
        tmp = self._write_tmp(job)
        try:
            # link() fails if the name exists, unlike rename(): two processes queueing the
            # same id at the same moment leave exactly one job.
            os.link(tmp, self._name("queue", job.id))
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
        self._fsync_dir("queue")
        return True

    def hold(self, job: Job) -> bool:
        """Write `job` to hold/: on disk, but not yet for the worker. A sign-up is written
        before its rate limits are counted, so a crash between the two cannot leave a
        counted sign-up without its mail (the visitor's retry would be refused as a
        repeat); `recover_leftovers` queues a held job whose count was made, and removes
        one whose count was not. False if the id is known."""
        if self.known(job.id):
            return False
        tmp = self._write_tmp(job)
        try:
            os.link(tmp, self._name("hold", job.id))
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
        return True

    def release(self, job: Job) -> None:
        """Queue a held job durably (see `put` for why the directory fsync)."""
        with contextlib.suppress(FileExistsError):
            os.link(self._name("hold", job.id), self._name("queue", job.id))
        os.unlink(self._name("hold", job.id))
        self._fsync_dir("queue")

    def drop(self, job: Job) -> None:
        """Remove a held job the limits refused, with the same disk work as `release` (a
        new name, a directory fsync with that change to commit, an unlink): a refused
        sign-up must not be answered measurably faster, or its timing would tell whether
        someone asked to join with that address today."""
        held = self._name("hold", job.id)
        twin = f"{self._root}/tmp/{job.id}.{uuid.uuid4().hex}.drop"
        try:
            os.link(held, twin)
            os.unlink(held)
            self._fsync_dir("tmp")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(twin)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(held)

    def load(self, path: Path) -> Job:
        return Job(**json.loads(path.read_text(encoding="utf-8")))

    def jobs(self, folder: str = "queue") -> list[Job]:
        jobs = []
        for path in sorted((self.root / folder).glob("*.json")):
            try:
                jobs.append(self.load(path))
            except (OSError, ValueError, TypeError):
                continue  # claimed or finished meanwhile
        return jobs

    def due(self, now: float | None = None, ignore_backoff: bool = False) -> list[Job]:
        now = self._clock() if now is None else now
        return [j for j in self.jobs("queue") if ignore_backoff or j.next_at <= now]

    def claim(self, job: Job) -> Job | None:
        """Move a queued job to active/; None if another worker got it first."""
        try:
            os.rename(self._path("queue", job.id), self._path("active", job.id))
        except FileNotFoundError:
            return None
        os.utime(self._path("active", job.id))  # the lease in recover() starts now
        return self.load(self._path("active", job.id))

    def mark_handed(self, job: Job) -> None:
        """The "handed to the relay" marker, written just before the message's final dot
        (or an HTTP hand-off's request) goes out, and cleared once the answer is heard.
        A job a dead worker left in active/ with this marker is *in doubt*: the mail server
        may have taken it. Recovery still sends it again (a lost sign-up is worse than a
        second copy with the same Message-ID), but says which job it was. Not synced: a
        process crash keeps it (the page cache outlives the process), and after a power
        cut a job without it is sent again all the same; an fsync per mail would buy
        nothing but a slower worker."""
        fd = os.open(self._name("handed", job.id), os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)

    def clear_handed(self, job: Job) -> None:
        """The mail server answered (and refused, or deferred): no longer in doubt."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._name("handed", job.id))

    def is_handed(self, job_id: str) -> bool:
        return os.path.exists(self._name("handed", job_id))

    def complete(self, job: Job) -> None:
        self.mark_done(job)
        self.commit_done([job])

    def mark_done(self, job: Job) -> None:
        """The done marker, right after delivery: from now on a crashed worker's job is
        seen as done, not as something to deliver again. Durable at `commit_done`; until
        then only a power cut (not a crash of the process) can lose it."""
        fd = os.open(self._name("done", job.id), os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)

    def commit_done(self, jobs: list[Job]) -> None:
        """Make the markers of `jobs` durable with one directory fsync, then remove the
        jobs. One fsync for a batch, not two per job: that was most of the worker's disk
        work per mail. The marker is empty, so its name is all there is to sync: a
        journalling filesystem creates the inode in the same transaction as the name. The
        price: after a power cut, up to one batch of mail sent just before may go again."""
        if not jobs:
            return
        self._fsync_dir("done")
        for job in jobs:
            for folder in ("active", "handed"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._name(folder, job.id))

    def is_done(self, job_id: str) -> bool:
        return self._path("done", job_id).exists()

    def retry(self, job: Job, error: str, max_attempts: int) -> None:
        job.attempts += 1
        job.last_error = error[:200]
        job.next_at = self._clock() + backoff(job.attempts)
        folder = "failed" if job.attempts >= max_attempts else "queue"
        tmp = self._write_tmp(job)
        os.replace(tmp, self._path(folder, job.id))
        self._path("active", job.id).unlink(missing_ok=True)
        self._fsync_dir(folder)

    def fail(self, job: Job, error: str) -> None:
        job.last_error = error[:200]
        tmp = self._write_tmp(job)
        os.replace(tmp, self._path("failed", job.id))
        self._path("active", job.id).unlink(missing_ok=True)
        self.clear_handed(job)  # failed/ is for the operator; nothing is in flight

    def recover(self, lease: float = 600) -> int:
        """Put back jobs a crashed worker left in active/ for longer than `lease` seconds;
        remove those it had delivered (their done marker is there): their mail went, and
        the file holds an address. The ids of put-back jobs that were in doubt (handed to
        the mail server, its answer never heard) end up in `self.in_doubt`."""
        count = 0
        now = self._clock()
        self.in_doubt = []
        for path in (self.root / "active").glob("*.json"):
            try:
                if now - path.stat().st_mtime <= lease:
                    continue
                if self.is_done(path.stem):
                    path.unlink()
                    self.clear_handed(Job(id=path.stem, kind="", data={}))
                else:
                    os.rename(path, self.root / "queue" / path.name)
                    count += 1
                    if self.is_handed(path.stem):
                        self.in_doubt.append(path.stem)
            except FileNotFoundError:
                continue
        for job_id in self.in_doubt:
            # The marker stays until the next attempt is answered: if that one dies too,
            # the first may still have arrived.
            log.warning(
                "job %s was handed to the mail server when its worker died: sending it again "
                "(it may arrive twice, with the same Message-ID)",
                job_id,
            )
        return count

    def recover_leftovers(self, counted: Callable[[str], bool] | None) -> dict[str, int]:
        """After a crash: queue held jobs whose limits were counted (`counted(job_id)`),
        remove the others and every half-written file in tmp/, and put back claimed jobs.
        Leftovers of a process that is still alive are left alone unless older than
        STALE (held, tmp) or the lease (active)."""
        server_gone = self._alone(SERVER_LOCK)
        worker_gone = self._alone(WORKER_LOCK)
        try:
            return self._recover_leftovers(counted, server_gone, worker_gone)
        finally:
            for name, taken in ((SERVER_LOCK, server_gone), (WORKER_LOCK, worker_gone)):
                if taken:
                    self._done_alone(name)

    def _recover_leftovers(
        self, counted: Callable[[str], bool] | None, server_gone: bool, worker_gone: bool
    ) -> dict[str, int]:
        now = self._clock()
        result = {"requeued": 0, "held_queued": 0, "removed": 0, "in_doubt": 0}
        held = (self.root / "hold").glob("*.json") if counted is not None else ()
        for path in held:
            with contextlib.suppress(FileNotFoundError):
                if not server_gone and now - path.stat().st_mtime <= STALE:
                    continue
                if counted(path.stem):
                    self.release(Job(id=path.stem, kind="", data={}))
                    result["held_queued"] += 1
                else:
                    path.unlink()
                    result["removed"] += 1
        for path in (self.root / "tmp").iterdir():
            with contextlib.suppress(FileNotFoundError):
                if (server_gone and worker_gone) or now - path.stat().st_mtime > STALE:
                    path.unlink()
                    result["removed"] += 1
        result["requeued"] = self.recover(lease=0 if worker_gone else 600)
        result["in_doubt"] = len(self.in_doubt)
        return result

    def purge_done(self, older_than: float = 14 * 86400) -> None:
        """Done markers only need to outlive any token that could trigger the same job."""
        now = self._clock()
        for folder in ("done", "handed"):  # a handed marker outlives its job only by mistake
            for path in (self.root / folder).glob("*.json"):
                if now - path.stat().st_mtime > older_than:
                    path.unlink(missing_ok=True)

    def counts(self) -> dict[str, int]:
        return {
            f: sum(1 for _ in (self.root / f).glob("*.json"))
            for f in DIRS
            if f not in ("tmp", "handed")
        }
