"""The dashboard's sign-in: PKCE state bound to the browser, a code used once, the same
token verification as the API, refresh before expiry, CSRF on every form."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest

from services.gateway.app.context import GatewayContext
from services.gateway.domain.callers import ClaimNames, Role
from services.gateway.web import session
from services.gateway.web.ports import LoginStart, PendingLogin, TokenSet, WebSession
from shared.clock import FakeClock
from shared.errors import Forbidden, Unauthenticated

CALLBACK = "http://127.0.0.1:8000/auth/callback"


class FakeIssuer:
    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # code → the verifier it was issued for
        self.refreshed = 0
        self.ended: list[str] = []

    async def start(self, redirect_uri: str) -> LoginStart:
        return LoginStart(f"https://idp/auth?redirect_uri={redirect_uri}", "st-1", "ver-1")

    async def exchange(self, code: str, verifier: str, redirect_uri: str) -> TokenSet:
        if self.codes.pop(code, None) != verifier:
            raise Unauthenticated("the identity provider refused the sign-in")
        return TokenSet("good-token", "refresh-1", 300)

    async def refresh(self, refresh_token: str) -> TokenSet:
        self.refreshed += 1
        return TokenSet("fresh-token", "refresh-2", 300)

    async def end(self, refresh_token: str) -> None:
        self.ended.append(refresh_token)


class MemorySessions:
    def __init__(self) -> None:
        self.sessions: dict[str, WebSession] = {}
        self.logins: dict[str, PendingLogin] = {}

    async def save(self, s: WebSession) -> None:
        self.sessions[s.session_id] = s

    async def get(self, session_id: str, now: datetime) -> WebSession | None:
        found = self.sessions.get(session_id)
        return found if found is not None and found.expires_at > now else None

    async def delete(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)

    async def begin(self, login: PendingLogin) -> None:
        self.logins[login.state] = login

    async def finish(self, state: str, now: datetime) -> PendingLogin | None:
        found = self.logins.pop(state, None)
        return found if found is not None and found.expires_at > now else None


class Tokens:
    """Verifies as the gateway's verifier would: known tokens only."""

    claims_of: ClassVar[dict[str, dict[str, Any]]] = {
        "good-token": {"sub": "s-1", "preferred_username": "li.wei", "tenant": "acme",
                       "realm_access": {"roles": ["field_engineer"]}, "locale": "ru"},
        "fresh-token": {"sub": "s-1", "preferred_username": "li.wei", "tenant": "acme",
                        "realm_access": {"roles": ["field_engineer"]}},
    }  # fmt: skip

    async def claims(self, token: str) -> dict[str, Any]:
        if token not in self.claims_of:
            raise Unauthenticated("the token is not valid")
        return self.claims_of[token]


@pytest.fixture
def ports() -> session.SignIn:
    clock = FakeClock(datetime(2026, 5, 1, 9, tzinfo=UTC))
    return session.SignIn(FakeIssuer(), MemorySessions(), clock, timedelta(hours=8))


CTX = cast(GatewayContext, SimpleNamespace(tokens=Tokens(), claim_names=ClaimNames()))


async def signed_in(ports: session.SignIn) -> WebSession:
    login, url = await session.begin(ports, CALLBACK, "/ui/tickets/t-1")
    assert url.startswith("https://idp/auth")
    cast(FakeIssuer, ports.issuer).codes["code-1"] = login.verifier
    created, next_path = await session.complete(ports, CTX, login.state, login.state, "code-1")
    assert next_path == "/ui/tickets/t-1"
    return created


async def test_a_completed_sign_in_is_a_session_of_the_verified_caller(ports):
    created = await signed_in(ports)

    now = await session.current(ports, CTX, created.session_id)

    assert now.caller.username == "li.wei"
    assert now.caller.tenant_id == "acme"
    assert now.caller.roles == {Role.FIELD_ENGINEER}
    assert now.locale == "ru"
    assert created.csrf_token
    assert created.access_token == "good-token"


async def test_a_callback_this_browser_did_not_start_or_a_replayed_one_is_refused(ports):
    login, _ = await session.begin(ports, CALLBACK, None)
    cast(FakeIssuer, ports.issuer).codes["code-1"] = login.verifier

    with pytest.raises(Unauthenticated, match="not started in this browser"):
        await session.complete(ports, CTX, login.state, "someone-elses", "code-1")
    with pytest.raises(Unauthenticated, match="not started in this browser"):
        await session.complete(ports, CTX, login.state, None, "code-1")
    await session.complete(ports, CTX, login.state, login.state, "code-1")
    with pytest.raises(Unauthenticated, match="already used"):
        await session.complete(ports, CTX, login.state, login.state, "code-1")


async def test_a_sign_in_left_too_long_expires(ports):
    login, _ = await session.begin(ports, CALLBACK, None)
    cast(FakeClock, ports.clock).advance(session.LOGIN_TTL + timedelta(seconds=1))

    with pytest.raises(Unauthenticated, match="expired"):
        await session.complete(ports, CTX, login.state, login.state, "code-1")


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        (None, "/ui/queue"), ("", "/ui/queue"), ("/ui/tickets/x?lang=ru", "/ui/tickets/x?lang=ru"),
        ("https://evil.example/", "/ui/queue"), ("//evil.example/x", "/ui/queue"),
        ("/\\evil.example", "/ui/queue"),
    ],
)  # fmt: skip
def test_after_sign_in_only_a_path_of_this_site(asked, goes):
    assert session.safe_next(asked) == goes


async def test_an_access_token_about_to_expire_is_refreshed_once(ports):
    created = await signed_in(ports)
    cast(FakeClock, ports.clock).advance(timedelta(seconds=290))

    first = await session.current(ports, CTX, created.session_id)
    second = await session.current(ports, CTX, created.session_id)

    assert first.session.access_token == second.session.access_token == "fresh-token"
    assert first.session.refresh_token == "refresh-2"
    assert cast(FakeIssuer, ports.issuer).refreshed == 1


async def test_no_session_an_expired_one_or_a_token_the_api_refuses_is_not_signed_in(ports):
    with pytest.raises(Unauthenticated):
        await session.current(ports, CTX, None)
    with pytest.raises(Unauthenticated):
        await session.current(ports, CTX, "made-up")
    created = await signed_in(ports)
    sessions = cast(MemorySessions, ports.sessions)
    sessions.sessions[created.session_id] = replace(created, access_token="revoked")

    with pytest.raises(Unauthenticated):
        await session.current(ports, CTX, created.session_id)
    assert created.session_id not in sessions.sessions  # forgotten at once


async def test_every_form_post_needs_the_sessions_csrf_token_and_sign_out_ends_it(ports):
    created = await signed_in(ports)

    session.check_csrf(created, created.csrf_token)
    for wrong in (None, "", "x" + created.csrf_token):
        with pytest.raises(Forbidden):
            session.check_csrf(created, wrong)
    await session.end(ports, created)

    assert cast(FakeIssuer, ports.issuer).ended == ["refresh-1"]
    with pytest.raises(Unauthenticated):
        await session.current(ports, CTX, created.session_id)
