"""Who may use which route: the one table `tests/test_access_routes.py` checks every route of the app against.

A route of the application without a rule here fails that test, and so does a rule for a route that is gone.
To add a route, add a line `("METHOD", "/path/{param}"): Rule("least role")`, with the path as FastAPI shows
it (the route's template) and the least role that may use it: `anonymous` (everyone, no log-in), or one of
youth_worker < safety_coordinator < reviewer < admin (each role may do what the roles before it may).
A path parameter needs a sample value in `tests/test_access_routes.py` (SAMPLES) when its name is new.
`browser=True`: the route only works with a browser log-in (not with an API token), so it is checked that way.
"""
from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
LADDER = (ANONYMOUS, "youth_worker", "safety_coordinator", "reviewer", "admin")


@dataclass(frozen=True)
class Rule:
    least: str
    browser: bool = False

    def allows(self, role: str) -> bool:
        return LADDER.index(role) >= LADDER.index(self.least)


EVERYONE, LOGGED_IN = Rule(ANONYMOUS), Rule("youth_worker")
REVIEWER, ADMIN = Rule("reviewer"), Rule("admin")

RULES: dict[tuple[str, str], Rule] = {
    # log-in and log-out, health, metrics; the token links of e-mails and feed readers
    ("GET", "/login"): EVERYONE, ("GET", "/login/"): EVERYONE,
    ("POST", "/login"): EVERYONE, ("POST", "/login/"): EVERYONE,
    ("POST", "/logout"): EVERYONE, ("POST", "/logout/"): EVERYONE,
    ("GET", "/healthz"): EVERYONE, ("GET", "/metrics"): EVERYONE,
    ("GET", "/afmelden/{token}"): EVERYONE, ("POST", "/afmelden/{token}"): EVERYONE,
    ("GET", "/feeds/{token}.atom"): EVERYONE,
    # everyone logged in: their own account and tokens, trends (what they may see), digests, subscriptions
    ("POST", "/taal"): EVERYONE,  # the language choice, also on the log-in page
    ("GET", "/"): LOGGED_IN, ("GET", "/docs"): LOGGED_IN, ("GET", "/redoc"): LOGGED_IN,
    ("GET", "/openapi.json"): LOGGED_IN,
    ("GET", "/api/v1/users/me"): LOGGED_IN,
    ("GET", "/api/v1/tokens"): LOGGED_IN, ("POST", "/api/v1/tokens"): Rule("youth_worker", browser=True),
    ("DELETE", "/api/v1/tokens/{token_id}"): LOGGED_IN,
    ("GET", "/api/v1/trends"): LOGGED_IN, ("GET", "/api/v1/trends/{trend_id}"): LOGGED_IN,
    ("GET", "/api/v1/digests"): LOGGED_IN, ("GET", "/api/v1/digests/{iso_week}"): LOGGED_IN,
    ("GET", "/trends"): LOGGED_IN, ("GET", "/trends/{trend_id}"): LOGGED_IN,
    ("GET", "/trends/{trend_id}/signaal"): LOGGED_IN, ("GET", "/trends/{trend_id}/signaal.pdf"): LOGGED_IN,
    ("GET", "/digests"): LOGGED_IN, ("GET", "/digests/{iso_week}"): LOGGED_IN,
    ("GET", "/api/v1/subscriptions"): LOGGED_IN, ("POST", "/api/v1/subscriptions"): LOGGED_IN,
    ("GET", "/api/v1/subscriptions/{subscription_id}"): LOGGED_IN,
    ("DELETE", "/api/v1/subscriptions/{subscription_id}"): LOGGED_IN,
    ("GET", "/api/v1/alerts"): LOGGED_IN,
    ("GET", "/abonnementen"): LOGGED_IN, ("GET", "/abonnementen/nieuw"): LOGGED_IN,
    ("POST", "/abonnementen/nieuw"): LOGGED_IN, ("GET", "/abonnementen/{subscription_id}"): LOGGED_IN,
    ("GET", "/abonnementen/{subscription_id}/bewerken"): LOGGED_IN,
    ("POST", "/abonnementen/{subscription_id}/bewerken"): LOGGED_IN,
    ("POST", "/abonnementen/{subscription_id}/pauzeren"): LOGGED_IN,
    ("POST", "/abonnementen/{subscription_id}/hervatten"): LOGGED_IN,
    ("GET", "/abonnementen/{subscription_id}/verwijderen"): LOGGED_IN,
    ("POST", "/abonnementen/{subscription_id}/verwijderen"): LOGGED_IN,
    ("POST", "/api/import-dataset/"): LOGGED_IN, ("GET", "/api/check-query/"): LOGGED_IN,
    # reviewers (and admins): the review queue, its pages and actions
    ("GET", "/api/v1/reviews"): REVIEWER, ("GET", "/api/v1/reviews/{trend_id}"): REVIEWER,
    ("POST", "/api/v1/reviews/{trend_id}"): REVIEWER, ("POST", "/api/v1/reviews/{trend_id}/merge"): REVIEWER,
    ("GET", "/beoordelen"): REVIEWER, ("GET", "/beoordelen/{trend_id}"): REVIEWER,
    ("POST", "/beoordelen/{trend_id}"): REVIEWER, ("POST", "/beoordelen/{trend_id}/samenvoegen"): REVIEWER,
    # admins: users and what was loaded from the configuration
    ("GET", "/api/v1/users"): ADMIN, ("GET", "/api/v1/sources"): ADMIN, ("GET", "/api/v1/watchlists"): ADMIN,
    ("GET", "/api/v1/crawl-runs"): ADMIN,
    # admins in the browser: users and tokens, sources, watchlists, collection, the audit log
    ("GET", "/beheer"): ADMIN, ("GET", "/beheer/gebruikers"): ADMIN, ("POST", "/beheer/gebruikers"): ADMIN,
    ("POST", "/beheer/gebruikers/actief"): ADMIN, ("POST", "/beheer/gebruikers/rol"): ADMIN,
    ("POST", "/beheer/gebruikers/wachtwoord"): ADMIN, ("POST", "/beheer/gebruikers/token"): ADMIN,
    ("POST", "/beheer/gebruikers/token-intrekken"): ADMIN,
    ("GET", "/beheer/bronnen"): ADMIN, ("POST", "/beheer/bronnen"): ADMIN,
    ("GET", "/beheer/volglijsten"): ADMIN, ("GET", "/beheer/volglijsten/nieuw"): ADMIN,
    ("POST", "/beheer/volglijsten/nieuw"): ADMIN, ("GET", "/beheer/volglijsten/{name}"): ADMIN,
    ("POST", "/beheer/volglijsten/{name}"): ADMIN,
    ("GET", "/beheer/verzamelen"): ADMIN, ("GET", "/beheer/logboek"): ADMIN,
}
