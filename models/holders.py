"""Who holds a piece of work (a job's claim, a crawl run): host, process id, process start time and a random tag.

The start time tells a process from a later one that got the same id, so a holder can be told dead for certain
when it ran on this machine; of a holder on another machine nothing is known (its lease has to run out).
"""
from __future__ import annotations

import os
import secrets
import socket

import psutil


def _started(pid: int) -> str:
    return f"{psutil.Process(pid).create_time():.2f}"


def this_process() -> str:
    """A new holder name for this process (each call gets its own tag)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}:{secrets.token_hex(3)}"


def holder_is_dead(holder: str) -> bool:
    """True when `holder` names a process on this machine that has ended (also when killed: SIGKILL, OOM)."""
    parts = holder.split(":")
    if len(parts) != 4 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False  # another machine, or a name of an older version: not known
    try:
        process = psutil.Process(int(parts[1]))
        return process.status() == psutil.STATUS_ZOMBIE or _started(process.pid) != parts[2]
    except psutil.NoSuchProcess:
        return True
