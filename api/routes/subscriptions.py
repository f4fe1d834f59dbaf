"""Subscriptions API: everyone manages their own (a youth worker the weekly digest, a safety coordinator and up
also alerts), an admin everyone's; the delivery log per user."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session, col, select

from api.alerts import (
    SubscriptionError,
    SubscriptionRequest,
    UnknownSubscriptionError,
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
)
from api.auth import get_user, role_allows
from api.auth.exceptions import UnknownUserError
from api.deps import ClockDep, CsrfProtected, CurrentUser, SessionDep, SettingsDep
from models.serving import AlertDelivery, Subscription, User
from monitor_config.vocabulary import Channel, DeliveryMode, Language, Severity

router = APIRouter(prefix="/api/v1", tags=["subscriptions"])

MAX_ID = 2**31 - 1  # the id columns are 32-bit integers on PostgreSQL
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=1000)]  # PostgreSQL refuses NUL


class SubscriptionFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Text] = Field(default_factory=list, max_length=50,
                                   description="Category names from the configuration")
    keywords: list[Text] = Field(default_factory=list, max_length=50,
                                 description="Words or phrases in the trend's posts")
    min_severity: Severity | None = None
    places: list[Text] = Field(default_factory=list, max_length=200,
                               description="Place names from the configuration (aliases match too)")
    platforms: list[Text] = Field(default_factory=list, max_length=50)


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    channel: Channel
    target: Text | None = Field(None, description="E-mail address (default: yours) or webhook URL")
    filters: SubscriptionFilters = Field(default_factory=SubscriptionFilters)
    mode: DeliveryMode = "immediate"
    language: Language = "nl"
    username: Text | None = Field(None, max_length=100, description="Admins only: create it for this user")


class SubscriptionPublic(BaseModel):
    id: int
    user_id: int
    name: str
    channel: str
    target: str | None
    filters: dict
    mode: str
    language: str
    created_at: datetime
    feed_url: str | None = Field(None, description="The personal Atom feed (channel feed)")
    signing_secret: str | None = Field(None, description="HMAC key of X-Leefwereld-Signature (channel webhook); "
                                                         "only in the answer that made the subscription")

    @classmethod
    def of(cls, subscription: Subscription, *, new: bool = False) -> SubscriptionPublic:
        public = cls.model_validate(subscription, from_attributes=True)
        if subscription.channel == "feed":
            public.feed_url = f"/feeds/{subscription.token}.atom"
        public.signing_secret = subscription.signing_secret if new else None
        return public


class DeliveryPublic(BaseModel):
    id: int
    subscription_id: int
    trend_id: int | None
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None


def owner_for(session: Session, user: User, username: str | None) -> User:
    if username is None or username == user.username:
        return user
    if not role_allows(user.role, "admin"):
        raise HTTPException(403, detail="Alleen een beheerder maakt abonnementen voor anderen.")
    try:
        return get_user(session, username)
    except UnknownUserError as exc:
        raise HTTPException(422, detail=str(exc)) from None


@router.get("/subscriptions", response_model=list[SubscriptionPublic])
def read_subscriptions(session: SessionDep, user: CurrentUser, all: bool = False) -> list[SubscriptionPublic]:  # noqa: A002
    return [SubscriptionPublic.of(s) for s in list_subscriptions(session, user, everyone=all)]


@router.post("/subscriptions", response_model=SubscriptionPublic, status_code=201, dependencies=[CsrfProtected])
def add_subscription(body: SubscriptionCreate, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                     user: CurrentUser) -> SubscriptionPublic:
    """A youth worker subscribes to the weekly digest (channel digest); a safety coordinator and up to alerts too.
    A webhook's signing secret is in this answer only: keep it at the receiver."""
    owner = owner_for(session, user, body.username)
    request = SubscriptionRequest(name=body.name, channel=body.channel, target=body.target, mode=body.mode,
                                  language=body.language, filters=body.filters.model_dump(exclude_defaults=True))
    try:
        subscription = create_subscription(session, owner=owner, request=request, config=settings.watch,
                                           actor=user.username, now=clock())
    except SubscriptionError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    return SubscriptionPublic.of(subscription, new=True)


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionPublic)
def read_subscription(subscription_id: DbId, session: SessionDep, user: CurrentUser) -> SubscriptionPublic:
    try:
        return SubscriptionPublic.of(get_subscription(session, subscription_id, user))
    except UnknownSubscriptionError as exc:
        raise HTTPException(404, detail=str(exc)) from None


@router.delete("/subscriptions/{subscription_id}", status_code=204, dependencies=[CsrfProtected])
def remove_subscription(subscription_id: DbId, session: SessionDep, clock: ClockDep, user: CurrentUser) -> Response:
    try:
        delete_subscription(session, subscription_id=subscription_id, user=user, now=clock())
    except UnknownSubscriptionError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    return Response(status_code=204)


@router.get("/alerts", response_model=list[DeliveryPublic], tags=["alerts"])
def read_alerts(session: SessionDep, user: CurrentUser,
                limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[DeliveryPublic]:
    """The latest deliveries of your subscriptions (an admin sees all)."""
    query = select(AlertDelivery).order_by(col(AlertDelivery.id).desc()).limit(limit)
    if not role_allows(user.role, "admin"):
        query = query.join(Subscription).where(Subscription.user_id == user.id)
    return [DeliveryPublic(kind=row.payload.get("kind", "alert"), **row.model_dump(exclude={"payload"}))
            for row in session.exec(query)]
