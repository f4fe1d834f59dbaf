"""The main menu: each role sees only the pages it may open (the role ladder of `api.auth.security.role_allows`)."""
from __future__ import annotations

from dataclasses import dataclass

from api.auth.security import role_allows


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page, copied from the user row when the request is authenticated: still readable while an
    error page is drawn after the request's transaction was rolled back."""

    username: str
    role: str
    language: str

    @classmethod
    def of(cls, user: object | None) -> Viewer | None:
        if user is None:
            return None
        return cls(str(user.username), str(user.role), str(user.language))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MenuItem:
    href: str
    key: str  # the label's key in api.i18n
    role: str  # the lowest role that may open it

    def is_current(self, path: str) -> bool:
        return path == "/" if self.href == "/" else path == self.href or path.startswith(self.href + "/")


MENU: tuple[MenuItem, ...] = (
    MenuItem("/", "nav.overview", "youth_worker"),
    MenuItem("/trends", "nav.trends", "youth_worker"),
    MenuItem("/digests", "nav.digest", "youth_worker"),
    MenuItem("/abonnementen", "nav.subscriptions", "youth_worker"),
    MenuItem("/beoordelen", "nav.review", "reviewer"),
    MenuItem("/beheer", "nav.admin", "admin"),
)


def menu_for(role: str | None) -> list[MenuItem]:
    """The items `role` may use; nothing without a log-in."""
    if role is None:
        return []
    return [item for item in MENU if role_allows(role, item.role)]
