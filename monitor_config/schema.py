"""The watch configuration: what to watch, where, how often, and how long to keep it.

Every model forbids unknown fields, so a typo is an error rather than a silently ignored setting. Validator
messages carry the bad value and what would fix it; `monitor_config.loader` adds the file, line and field.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from monitor_config.durations import parse_duration
from monitor_config.embedder import EmbedderSpec
from monitor_config.trends import TrendSettings
from monitor_config.vocabulary import Severity

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
ENV_NAME_PATTERN = re.compile(r"^[A-Z_][A-Z0-9_]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
INTERVAL_UNITS = "smhdw"



class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def check_name(value: str, what: str) -> str:
    if not NAME_PATTERN.match(value):
        raise ValueError(
            f"{what} name {value!r} is not usable as an identifier; "
            "fix: use lower-case letters, digits, '-' or '_' (for example 'online-shaming')"
        )
    return value


def check_env_name(value: str | None) -> str | None:
    if value is None:
        return value
    if not ENV_NAME_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not the name of an environment variable; fix: give the NAME of the variable that "
            "holds the secret (for example MASTODON_TOKEN) and set the secret itself in the environment, "
            "never in this file"
        )
    return value


EnvName = Annotated[str, Field(description="Name of an environment variable (never the secret itself)")]


class Examples(StrictModel):
    """Seed posts that teach the classifier what a category looks like."""

    nl: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    ordinary: list[str] = Field(default_factory=list,
                                description="Posts that share words with the category but belong to no category")

    @model_validator(mode="after")
    def _at_least_two(self) -> Examples:
        if len(self.nl) + len(self.en) < 2:
            raise ValueError(
                "a category needs at least two seed example posts; fix: add short example posts under "
                "'examples.nl' (Dutch) and/or 'examples.en' (English)"
            )
        return self


class Category(StrictModel):
    name: str
    title: str = Field(description="Short Dutch title shown to users")
    description: str = Field(description="Dutch description for youth workers")
    title_en: str | None = Field(None, description="English title; the Dutch one is shown when it is missing")
    description_en: str | None = Field(None, description="English description; falls back to the Dutch one")
    severity: Severity = "medium"
    review: bool = Field(False, description="Flagged trends in this category enter the review queue")
    examples: Examples

    _name = field_validator("name")(lambda v: check_name(v, "category"))

    def title_in(self, lang: str) -> str:
        """The title in `lang`: English when asked and given, else the Dutch one."""
        return (self.title_en or self.title) if lang == "en" else self.title

    def description_in(self, lang: str) -> str:
        return (self.description_en or self.description) if lang == "en" else self.description


class Keyword(StrictModel):
    """A term with its spelling variants; any variant matching counts as the term."""

    term: str
    variants: list[str] = Field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        return [self.term, *self.variants]


def check_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"time zone {value!r} is not known; fix: an IANA name such as 'Europe/Amsterdam'"
        ) from None
    return value


class Schedule(StrictModel):
    """Either a cron expression (minute hour day month weekday) or an interval such as '30m' or '6h'.

    Without `timezone`, a cron schedule runs in the configuration's own time zone."""

    cron: str | None = None
    interval: str | None = None
    timezone: str | None = None

    _zone = field_validator("timezone")(check_timezone)

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(
                    f"cron expression {value!r} is invalid ({exc}); fix: use five fields "
                    "'minute hour day month weekday', for example '0 */6 * * *'"
                ) from None
        return value

    @field_validator("interval")
    @classmethod
    def _valid_interval(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_duration(value, units=INTERVAL_UNITS)
            except ValueError:
                raise ValueError(
                    f"interval {value!r} is not understood; fix: a number above zero and a unit s, m, h, d or w, "
                    "for example '30m' or '6h'"
                ) from None
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.cron is None) == (self.interval is None):
            raise ValueError(
                "a schedule needs exactly one of 'cron' or 'interval'; fix: for example "
                "'schedule: {interval: 6h}' or 'schedule: {cron: \"0 7 * * *\"}'"
            )
        if self.interval is not None and self.as_timedelta() < timedelta(minutes=5):
            raise ValueError(
                f"interval {self.interval!r} is shorter than 5 minutes, which is impolite to the sources; "
                "fix: use '5m' or longer"
            )
        return self

    def as_timedelta(self) -> timedelta:
        assert self.interval is not None
        return parse_duration(self.interval, units=INTERVAL_UNITS)


class Watchlist(StrictModel):
    name: str
    category: str
    keywords: list[Keyword | str] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: ["nl"])
    sources: list[str] = Field(default_factory=list)
    schedule: Schedule = Field(default_factory=lambda: Schedule(interval="6h"))

    _name = field_validator("name")(lambda v: check_name(v, "watchlist"))

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, values: list[str]) -> list[str]:
        cleaned = []
        for value in values:
            tag = value.lstrip("#")
            if not tag or any(ch.isspace() for ch in tag):
                raise ValueError(
                    f"hashtag {value!r} is empty or contains a space; fix: one word per hashtag, "
                    "for example '#gelblaster'"
                )
            cleaned.append(tag.lower())
        return cleaned

    @field_validator("languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        for value in values:
            if not LANGUAGE_PATTERN.match(value):
                raise ValueError(
                    f"language {value!r} is not a two-letter ISO 639-1 code; fix: for example 'nl' or 'en'"
                )
        return values

    @model_validator(mode="after")
    def _has_terms(self) -> Watchlist:
        if not self.keywords and not self.hashtags:
            raise ValueError(
                "a watchlist needs at least one keyword or hashtag; fix: add 'keywords: [...]' or 'hashtags: [...]'"
            )
        return self

    @property
    def terms(self) -> list[Keyword]:
        return [Keyword(term=k) if isinstance(k, str) else k for k in self.keywords]


class Politeness(StrictModel):
    requests_per_minute: float = Field(30, gt=0, le=600)
    concurrency: int = Field(1, ge=1, le=16)


class SourceBase(StrictModel):
    name: str
    enabled: bool = True
    base_url: AnyHttpUrl
    politeness: Politeness = Field(default_factory=Politeness)

    _name = field_validator("name")(lambda v: check_name(v, "source"))


class RssSource(SourceBase):
    """RSS/Atom feeds; `search_feeds` are URL templates with `{query}`, filled per watchlist term."""

    kind: Literal["rss"]
    feeds: list[str] = Field(default_factory=list)
    search_feeds: list[str] = Field(default_factory=list)

    @field_validator("search_feeds")
    @classmethod
    def _has_placeholder(cls, values: list[str]) -> list[str]:
        for value in values:
            if "{query}" not in value:
                raise ValueError(
                    f"search feed {value!r} has no '{{query}}' placeholder; fix: put {{query}} where the "
                    "search term goes, for example '/rss/search?q={query}&hl=nl'"
                )
        return values


class YoutubeSource(SourceBase):
    kind: Literal["youtube"]
    channel_ids: list[str] = Field(default_factory=list)
    playlist_ids: list[str] = Field(default_factory=list)


class MastodonSource(SourceBase):
    kind: Literal["mastodon"]
    token_env: EnvName | None = None

    _env = field_validator("token_env")(check_env_name)


class BlueskySource(SourceBase):
    kind: Literal["bluesky"]
    identifier_env: EnvName = "BLUESKY_IDENTIFIER"
    app_password_env: EnvName = "BLUESKY_APP_PASSWORD"

    _env = field_validator("identifier_env", "app_password_env")(check_env_name)


class TelegramSource(SourceBase):
    kind: Literal["telegram"]
    channels: list[str] = Field(default_factory=list)


class RedditSource(SourceBase):
    """Off by default: Reddit disallows crawling and new API apps need Reddit's approval."""

    kind: Literal["reddit"]
    enabled: bool = False
    auth_url: AnyHttpUrl = AnyHttpUrl("https://www.reddit.com")
    client_id_env: EnvName = "REDDIT_CLIENT_ID"
    client_secret_env: EnvName = "REDDIT_CLIENT_SECRET"
    subreddits: list[str] = Field(default_factory=list)

    _env = field_validator("client_id_env", "client_secret_env")(check_env_name)


class HtmlSelectors(StrictModel):
    """CSS selectors (or XPath when they start with '/') that find posts on a page."""

    item: str
    text: str
    id: str | None = None
    url: str | None = None
    created_at: str | None = None
    next_page: str | None = None


class HtmlSource(SourceBase):
    kind: Literal["html"]
    start_urls: list[str]
    selectors: HtmlSelectors
    max_pages: int = Field(5, ge=1, le=100)


class ZeeschuimerSource(SourceBase):
    """Posts pushed by youth workers from the Zeeschuimer browser extension (TikTok, Instagram)."""

    kind: Literal["zeeschuimer"]
    base_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")


Source = Annotated[
    RssSource
    | YoutubeSource
    | MastodonSource
    | BlueskySource
    | TelegramSource
    | RedditSource
    | HtmlSource
    | ZeeschuimerSource,
    Field(discriminator="kind"),
]
SOURCE_KINDS = ("rss", "youtube", "mastodon", "bluesky", "telegram", "reddit", "html", "zeeschuimer")


class Crawling(StrictModel):
    contact_url: AnyHttpUrl = Field(
        AnyHttpUrl("https://github.com/leefwereld/leefwereld"),
        description="Shown in the User-Agent so site operators can reach the operator of this monitor",
    )
    batch_size: int = Field(50, ge=1, le=5000)
    max_items_per_run: int = Field(1000, ge=1, le=100_000)


class Place(StrictModel):
    """A place an alert can be filtered on: a district, neighbourhood or school, with the names used for it."""

    name: str
    kind: Literal["stadsdeel", "wijk", "school", "gemeente", "other"] = "other"
    aliases: list[str] = Field(default_factory=list)


class SmtpSettings(StrictModel):
    """The mail server that sends alert and digest e-mails; credentials come from the environment."""

    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    from_address: str = "monitor@localhost"
    username_env: EnvName | None = None
    password_env: EnvName | None = None
    starttls: bool = False
    timeout_seconds: float = Field(30, gt=0, le=300)

    _env = field_validator("username_env", "password_env")(check_env_name)

    @field_validator("from_address")
    @classmethod
    def _address(cls, value: str) -> str:
        if "@" not in value or any(ch.isspace() for ch in value):
            raise ValueError(
                f"alerts.smtp.from_address {value!r} is not an e-mail address; fix: for example "
                "'monitor@jeugdwerk.amsterdam.nl'"
            )
        return value

    @model_validator(mode="after")
    def _both_or_neither(self) -> SmtpSettings:
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError(
                "alerts.smtp needs both 'username_env' and 'password_env' or neither; fix: name both "
                "environment variables (for example SMTP_USERNAME and SMTP_PASSWORD) or remove both"
            )
        return self


class WebhookPolicy(StrictModel):
    allow_private_targets: bool = Field(
        False, description="Allow webhooks to loopback, private, link-local or reserved addresses (admins only)"
    )
    timeout_seconds: float = Field(10, gt=0, le=120)


class AlertsConfig(StrictModel):
    public_url: AnyHttpUrl = Field(
        AnyHttpUrl("http://127.0.0.1:8000"), description="Where users reach this service; used for links in e-mails"
    )
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    webhooks: WebhookPolicy = Field(default_factory=WebhookPolicy)


class CategorySettings(StrictModel):
    target_precision: float = Field(0.8, gt=0.5, lt=1.0,
                                    description="Precision each category's threshold keeps on held-out seed posts")
    min_probability: float = Field(0.5, ge=0.0, lt=1.0, description="No category's threshold is set below this")
    thresholds: dict[str, float] = Field(default_factory=dict,
                                         description="A fixed threshold per category name, instead of the chosen one")
    regularisation: float = Field(0.1, gt=0.0, description="Inverse regularisation strength C of the classifier")
    support_quantile: float = Field(0.1, ge=0.0, lt=0.5,
                                    description="How close to a category's own seed posts a post must be (0: off)")
    min_trend_share: float = Field(0.25, gt=0.0, le=1.0,
                                   description="Share of a trend's categorised posts needed to name its category")
    min_trend_authors: int = Field(3, ge=1, description="Distinct authors of those posts a trend's category needs")

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, values: dict[str, float]) -> dict[str, float]:
        for name, value in values.items():
            if not 0.0 < value <= 1.0:
                raise ValueError(f"threshold {value!r} for category {name!r} is not a probability; "
                                 "fix: a number above 0 and at most 1, such as 0.6")
        return values


class ClassifierConfig(StrictModel):
    """Settings of the classifier stages; every field has a sensible default."""

    embedder: EmbedderSpec = Field(default_factory=EmbedderSpec)
    window: str = Field("1d", description="Length of the time windows trends are counted in")
    process_every: str = Field("15m", description="How often `serve` processes newly collected posts")
    categories: CategorySettings = Field(default_factory=CategorySettings)
    trends: TrendSettings = Field(default_factory=TrendSettings)

    @field_validator("window", "process_every")
    @classmethod
    def _window(cls, value: str) -> str:
        try:
            parse_duration(value)
        except ValueError:
            raise ValueError(f"window {value!r} is not a duration; fix: write it like '1h', '6h' or '1d'") from None
        return value


class MonitorConfig(StrictModel):
    version: Literal[1] = 1
    organisation: str = "Monitor Online Leefwereld"
    timezone: str = Field("Europe/Amsterdam", description="Days, weeks and times shown to users are in this zone")
    retention_days: int = Field(90, ge=1, le=3650)
    pseudonym_key_env: EnvName = "LEEFWERELD_PSEUDONYM_KEY"
    crawling: Crawling = Field(default_factory=Crawling)
    categories: list[Category] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    watchlists: list[Watchlist] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)

    _env = field_validator("pseudonym_key_env")(check_env_name)
    _zone = field_validator("timezone")(check_timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The one time zone of the product: digest weeks, days in charts, times on pages and schedules."""
        return ZoneInfo(self.timezone)

    def category(self, name: str) -> Category:
        return next(c for c in self.categories if c.name == name)

    def source(self, name: str) -> Any:
        return next(s for s in self.sources if s.name == name)
