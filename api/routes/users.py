"""Users as the admin sees them (never with their password hashes)."""
from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import list_users
from api.deps import AdminUser, CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class UserPublic(BaseModel):
    id: int
    username: str
    email: str | None
    role: str
    language: str
    active: bool
    created_at: datetime


@router.get("", response_model=list[UserPublic])
def read_users(session: SessionDep, _admin: AdminUser) -> list[UserPublic]:
    return [UserPublic.model_validate(user, from_attributes=True) for user in list_users(session)]


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)
