"""What the dashboard's sign-in needs from the outside world."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class LoginStart:
    url: str  # where the browser goes to sign in
    state: str
    verifier: str  # the PKCE code verifier; only its S256 hash leaves the gateway


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_in_s: int


@dataclass(frozen=True)
class PendingLogin:
    state: str
    verifier: str
    redirect_uri: str
    next_path: str
    expires_at: datetime


@dataclass(frozen=True)
class WebSession:
    session_id: str
    access_token: str
    refresh_token: str | None
    access_expires_at: datetime
    csrf_token: str
    expires_at: datetime


class IssuerLogin(Protocol):
    async def start(self, redirect_uri: str) -> LoginStart: ...

    async def exchange(self, code: str, verifier: str, redirect_uri: str) -> TokenSet: ...

    async def refresh(self, refresh_token: str) -> TokenSet: ...

    async def end(self, refresh_token: str) -> None: ...


class WebSessions(Protocol):
    async def save(self, session: WebSession) -> None: ...

    async def get(self, session_id: str, now: datetime) -> WebSession | None: ...

    async def delete(self, session_id: str) -> None: ...

    async def begin(self, login: PendingLogin) -> None: ...

    async def finish(self, state: str, now: datetime) -> PendingLogin | None: ...
