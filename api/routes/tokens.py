"""API tokens over the API: everyone lists, makes and revokes their own; an admin revokes anyone's.

A token is shown once, in the answer that made it; afterwards only its first characters. Tokens are made with a
browser log-in (or `leefwereld user token`), never with another token. A token of someone
else answers 404, as an unknown one does, so nobody learns which ids exist.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.auth import UnknownTokenError, create_api_token, list_api_tokens, revoke_api_token, role_allows
from api.deps import ClockDep, CsrfProtected, CurrentUser, SessionDep
from models.access import ApiToken

router = APIRouter(prefix="/api/v1/tokens", tags=["tokens"])
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="The token itself; shown only in this answer. Send it as Authorization: Bearer")


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] = Field(
        description="What the token is for, e.g. the program's name")


def public(token: ApiToken) -> TokenPublic:
    return TokenPublic.model_validate(token, from_attributes=True)


@router.get("", response_model=list[TokenPublic], summary="Your API tokens")
def read_tokens(session: SessionDep, user: CurrentUser) -> list[TokenPublic]:
    return [public(token) for token in list_api_tokens(session, user)]


@router.post("", response_model=TokenCreated, status_code=201, dependencies=[CsrfProtected],
             summary="Make an API token for yourself (shown once)")
def add_token(request: Request, body: TokenCreate, session: SessionDep, user: CurrentUser) -> TokenCreated:
    """Only with a browser log-in: a token cannot make more tokens, so revoking a leaked one is enough."""
    if "authorization" in request.headers:
        raise HTTPException(403, detail="Een token maakt geen nieuwe tokens: log in in de browser of gebruik "
                                        "`leefwereld user token`. / A token cannot make tokens; fix: log in in the "
                                        "browser or use `leefwereld user token`.")
    token, plain = create_api_token(session, user=user, name=body.name, actor=user.username)
    return TokenCreated(**public(token).model_dump(), token=plain)


@router.delete("/{token_id}", status_code=204, dependencies=[CsrfProtected],
               responses={404: {"description": "No such token of yours"}}, summary="Revoke an API token")
def remove_token(token_id: TokenId, session: SessionDep, clock: ClockDep, user: CurrentUser) -> Response:
    """Programs using the token get 401 from then on. Your own tokens; an admin may revoke anyone's."""
    owner = None if role_allows(user.role, "admin") else user
    try:
        revoke_api_token(session, token_id=token_id, actor=user.username, now=clock(), owner=owner)
    except UnknownTokenError:
        raise HTTPException(404, detail=f"Token {token_id} bestaat niet. / Token {token_id} does not exist.") from None
    return Response(status_code=204)
