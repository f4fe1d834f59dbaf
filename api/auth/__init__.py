"""Users, roles, passwords, API tokens, log-in sessions and CSRF tokens."""
from api.auth.csrf import CSRF_FIELD, CSRF_HEADER, csrf_matches, csrf_token
from api.auth.exceptions import (
    AuthError,
    InvalidUsernameError,
    LoginThrottledError,
    UnknownRoleError,
    UnknownTokenError,
    UnknownUserError,
    UserExistsError,
    WeakPasswordError,
)
from api.auth.login import authenticate, end_login_session, find_user_by_session, start_login_session
from api.auth.security import check_password_strength, check_username, hash_password, role_allows, verify_password
from api.auth.throttle import LoginThrottle, ThrottlePolicy
from api.auth.users import (
    create_api_token,
    create_user,
    ensure_demo_user,
    find_user_by_token,
    get_user,
    list_api_tokens,
    list_users,
    record_audit,
    revoke_api_token,
)

__all__ = [
    "CSRF_FIELD", "CSRF_HEADER", "AuthError", "InvalidUsernameError", "LoginThrottle", "LoginThrottledError",
    "ThrottlePolicy", "UnknownRoleError", "UnknownTokenError", "UnknownUserError", "UserExistsError",
    "WeakPasswordError", "authenticate", "check_password_strength", "check_username",
    "create_api_token", "create_user", "csrf_matches", "csrf_token", "end_login_session", "ensure_demo_user",
    "find_user_by_session", "find_user_by_token", "get_user", "hash_password", "list_api_tokens", "list_users",
    "record_audit", "revoke_api_token", "role_allows", "start_login_session", "verify_password",
]
