"""A durable on-disk queue of outgoing deliveries (mail and HTTP hand-offs).

Layout, like a Maildir: `tmp/` (being written), `queue/` (waiting), `active/` (claimed by a
worker), `done/` (empty markers named by job id), `failed/` (gave up). Every step is an
atomic rename or link on one filesystem, so a crash never leaves a half-written job, and two
workers never claim the same job. Job ids are derived from what the job is for (e.g. the
HMAC of a subscriber), so queueing the same hand-off twice is a no-op: a retried or replayed
confirmation never reaches the list twice.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
DIRS = ("tmp", "queue", "active", "done", "failed")


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
        for name in DIRS:
            (self.root / name).mkdir(parents=True, exist_ok=True, mode=0o700)

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
            os.path.exists(self._name(f, job_id)) for f in ("queue", "active", "done", "failed")
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

    def decoy(self, job: Job) -> None:
        """Do the same disk work as put() without queueing anything (see service.subscribe):
        the same checks, a synced file, a new name and a directory fsync with that change
        to commit (an fsync of an unchanged directory would return early), all in tmp/."""
        try:
            self.known(job.id)
            tmp = self._write_tmp(job)
            twin = f"{tmp}.decoy"
            try:
                os.link(tmp, twin)
            finally:
                os.unlink(tmp)
            self._fsync_dir("tmp")
            os.unlink(twin)
        except OSError:
            pass

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
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._name("active", job.id))

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

    def recover(self, lease: float = 600) -> int:
        """Put back jobs a crashed worker left in active/ for longer than `lease` seconds."""
        count = 0
        now = self._clock()
        for path in (self.root / "active").glob("*.json"):
            try:
                if now - path.stat().st_mtime > lease:
                    os.rename(path, self.root / "queue" / path.name)
                    count += 1
            except FileNotFoundError:
                continue
        return count

    def purge_done(self, older_than: float = 14 * 86400) -> None:
        """Done markers only need to outlive any token that could trigger the same job."""
        now = self._clock()
        for path in (self.root / "done").glob("*.json"):
            if now - path.stat().st_mtime > older_than:
                path.unlink(missing_ok=True)

    def counts(self) -> dict[str, int]:
        return {f: sum(1 for _ in (self.root / f).glob("*.json")) for f in DIRS if f != "tmp"}
