"""Slowing down password guessing without letting anyone lock a user out.

Three counters of failed log-ins, each in a window of WINDOW (15 minutes), kept in `login_counter` so that they
hold across restarts and across web processes:

- the pair (address, user name): 5 failures, then that address may not try that name until the window ends;
- the address: 30 failures over any names, then that address may not try any name it never logged in with;
- the user name: 10 failures from all addresses, then only addresses this user logged in from in the last 30
  days may still try (each within its own pair limit).

A guesser can therefore only block itself: the user keeps logging in from the addresses they logged in from
before, and from any address when the guessing came from elsewhere. A guesser spread over many addresses gets
10 tries per window for a name, not 5 per address.

Each attempt reserves its failure before the password is checked, with a conditional UPDATE that only succeeds
below the limit (`failures < limit`): parallel attempts cannot all pass the check at once, whatever the number
of processes. A correct password gives its reservations back. The counters live in their own short
transactions, committed at once, never in the request's session.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from api.auth.exceptions import LoginThrottledError
from models.access import LoginCounter
from models.db import session_scope
from models.ingest import insert_ignoring_duplicates


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    per_pair: int = 5
    per_address: int = 30
    per_user: int = 10
    known_for: timedelta = timedelta(days=30)  # how long a successful log-in makes an address "known" for a user
    forget_after: timedelta = timedelta(days=31)  # counters untouched this long are deleted


@dataclass(frozen=True)
class Attempt:
    """The counters one log-in attempt reserved a failure on."""

    pair: str
    reserved: tuple[str, ...]


def address_of(host: str | None) -> str:
    """The client's address as counted: an IPv6 address by its /64 network (what one subscriber gets)."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class LoginThrottle:
    """The three counters of failed log-ins (see the module docstring); the clock is passed in as `now`."""

    def __init__(self, engine: Engine, secret: bytes, policy: ThrottlePolicy | None = None) -> None:
        self.engine, self.secret, self.policy = engine, secret, policy or ThrottlePolicy()

    def _key(self, kind: str, *parts: str) -> str:
        message = "\x00".join((kind, *parts)).encode("utf-8", "surrogatepass")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def begin(self, *, username: str, address: str, now: datetime) -> Attempt:
        """Reserve one failure on each counter that applies, or raise LoginThrottledError (nothing reserved)."""
        name = username.casefold()
        pair, by_address, by_user = (self._key("pair", address, name), self._key("address", address),
                                     self._key("user", name))
        policy = self.policy
        with session_scope(self.engine) as session:
            insert_ignoring_duplicates(session, LoginCounter, [
                {"key": key, "window_start": now, "failures": 0, "updated_at": now}
                for key in (pair, by_address, by_user)])
        with session_scope(self.engine) as session:
            # Write first: on SQLite that takes the write lock before anything is read, so the transaction
            # never has to upgrade a stale read.
            session.execute(update(LoginCounter)
                            .where(col(LoginCounter.key).in_((pair, by_address, by_user)),
                                   col(LoginCounter.window_start) <= now - policy.window)
                            .values(failures=0, window_start=now, updated_at=now))
            last_success = session.execute(select(col(LoginCounter.last_success_at))
                                           .where(col(LoginCounter.key) == pair)).scalar_one_or_none()
            known = last_success is not None and last_success > now - policy.known_for
            limits = {pair: ("address and user name", policy.per_pair)}
            if not known:
                limits |= {by_address: ("address", policy.per_address), by_user: ("user name", policy.per_user)}
            for key, (scope, limit) in limits.items():
                taken = session.execute(update(LoginCounter)
                                        .where(col(LoginCounter.key) == key, col(LoginCounter.failures) < limit)
                                        .values(failures=LoginCounter.failures + 1, updated_at=now))
                if taken.rowcount != 1:  # type: ignore[attr-defined]
                    start = session.execute(select(col(LoginCounter.window_start))
                                            .where(col(LoginCounter.key) == key)).scalar_one()
                    raise LoginThrottledError(scope, max(1, int((start + policy.window - now).total_seconds())))
        return Attempt(pair=pair, reserved=tuple(limits))

    def succeed(self, attempt: Attempt, *, now: datetime) -> None:
        """A correct password: give the reservations back and remember the address for this user."""
        with session_scope(self.engine) as session:
            others = [key for key in attempt.reserved if key != attempt.pair]
            if others:
                session.execute(update(LoginCounter)
                                .where(col(LoginCounter.key).in_(others), col(LoginCounter.failures) > 0)
                                .values(failures=LoginCounter.failures - 1, updated_at=now))
            session.execute(update(LoginCounter).where(col(LoginCounter.key) == attempt.pair)
                            .values(failures=0, last_success_at=now, updated_at=now))
            session.execute(delete(LoginCounter).where(col(LoginCounter.updated_at) < now - self.policy.forget_after))
