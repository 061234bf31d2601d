"""Keep the spool worker out of the web server's way on a busy host.

Mail can wait a moment in the spool (that is what it is for); a visitor should not wait for
the CPU. `nice` alone is not enough on Linux: with autogroups
(/proc/sys/kernel/sched_autogroup_enabled, on by default in desktop and many cloud kernels)
the scheduler first shares the CPU fairly between sessions, and nice only orders processes
within one session. So the worker also asks for SCHED_IDLE (it runs only when nothing else
of its session wants the CPU) and, when it leads its own session, as under systemd, lowers
its session's share too. Within a cgroup of its own (systemd with CPU accounting), the
unit's CPUWeight= decides: see docs/operators.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)
AUTOGROUP = Path("/proc/self/autogroup")
AUTOGROUP_NICE = 19  # the lowest share a session can have


def lower_priority(nice: int) -> list[str]:
    """Lower this process's CPU priority; return what was done, for the log. Each step is
    best effort: one the kernel refuses or lacks leaves the others in place."""
    done: list[str] = []
    if nice <= 0:
        return done
    with contextlib.suppress(OSError):
        os.nice(nice)
        done.append(f"nice {nice}")
    sched_idle = getattr(os, "SCHED_IDLE", None)
    if sched_idle is not None:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, sched_idle, os.sched_param(0))
            done.append("SCHED_IDLE")
    # The autogroup is the whole session: lower it only when the session is ours alone
    # (we lead it), never the shell's or a supervisor's that may hold the web server too.
    if os.getsid(0) == os.getpid() and AUTOGROUP.exists():
        with contextlib.suppress(OSError):
            AUTOGROUP.write_text(f"{AUTOGROUP_NICE}\n", encoding="ascii")
            done.append(f"session nice {AUTOGROUP_NICE}")
    return done
