"""Errors of users and credentials; only the API and the CLI turn them into HTTP errors or exit codes.

AuthError
  WeakPasswordError   a new password is easy to guess (too short, mostly spaces, the user name, a common one)
  InvalidUsernameError a new user name is empty, too long or has control characters
  InvalidEmailError   a user's e-mail address that is not one valid address
  UnknownRoleError    a role name that is not in ROLES
  UserExistsError     the username is taken
  UnknownUserError    no user with that name
  UnknownTokenError   no API token with that id
  LoginThrottledError too many failed log-ins for this address and user name, this address, or this user name
"""
from __future__ import annotations


class AuthError(Exception):
    """Base of the errors below; each message says, in Dutch and English, what to fix."""


class WeakPasswordError(AuthError):
    pass


class InvalidUsernameError(AuthError):
    pass


class InvalidEmailError(AuthError):
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
    """Too many failed log-ins; `retry_after` is in seconds, `scope` says which limit was reached."""

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope, self.retry_after = scope, retry_after
        super().__init__(f"too many failed log-ins ({scope}); retry after {retry_after} s")
