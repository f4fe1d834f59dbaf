"""Errors of users and credentials; only the API and the CLI turn them into HTTP errors or exit codes.

AuthError
  WeakPasswordError   a new password is too short
  UnknownRoleError    a role name that is not in ROLES
  UserExistsError     the username is taken
  UnknownUserError    no user with that name
  UnknownTokenError   no API token with that id
  LoginThrottledError too many failed log-ins for a username
"""
from __future__ import annotations


class AuthError(Exception):
    """Base of the errors below; each message says, in Dutch and English, what to fix."""


class WeakPasswordError(AuthError):
    pass


class UnknownRoleError(AuthError):
    pass


class UserExistsError(AuthError):
    pass


class UnknownUserError(AuthError):
    pass


class UnknownTokenError(AuthError):
    pass


class LoginThrottledError(AuthError):
    """Too many failed log-ins for one username; `retry_after` is in seconds."""

    def __init__(self, username: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed log-ins for {username!r}; retry after {retry_after} s")
