"""Sign-in, the session behind the cookie, and the caller it stands for.

The session keeps the issuer's tokens server-side; every page verifies the access token
exactly as the API does (``TokenVerifier``), so a page sees the same caller, tenant and
roles a bearer request would. An access token about to expire is refreshed once.
"""

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from services.gateway.app.context import GatewayContext
from services.gateway.domain.callers import Caller, caller_from_claims
from services.gateway.web.ports import IssuerLogin, PendingLogin, WebSession, WebSessions
from shared.clock import Clock
from shared.errors import Forbidden, Unauthenticated

LOGIN_TTL = timedelta(minutes=10)
# Refresh a little before the token expires, so a page never verifies a dying one.
REFRESH_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class SignIn:
    issuer: IssuerLogin
    sessions: WebSessions
    clock: Clock
    session_ttl: timedelta


@dataclass(frozen=True)
class SignedIn:
    session: WebSession
    caller: Caller
    locale: str | None = None  # the user's profile language, when the issuer names it


def safe_next(path: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/ui/queue"
    return path


async def begin(
    ports: SignIn, redirect_uri: str, next_path: str | None
) -> tuple[PendingLogin, str]:
    """The pending sign-in (kept server-side with its PKCE verifier) and the issuer's URL
    the browser goes to."""
    start = await ports.issuer.start(redirect_uri)
    login = PendingLogin(
        start.state, start.verifier, redirect_uri, safe_next(next_path),
        ports.clock.now() + LOGIN_TTL,
    )  # fmt: skip
    await ports.sessions.begin(login)
    return login, start.url


async def complete(
    ports: SignIn, ctx: GatewayContext, state: str, cookie_state: str | None, code: str
) -> tuple[WebSession, str]:
    """The new session and where to go: the state must be the one this browser started
    (its cookie), and the code is exchanged once with the PKCE verifier."""
    if not cookie_state or not hmac.compare_digest(state, cookie_state):
        raise Unauthenticated("this sign-in was not started in this browser")
    login = await ports.sessions.finish(state, ports.clock.now())
    if login is None:
        raise Unauthenticated("the sign-in expired or was already used")
    tokens = await ports.issuer.exchange(code, login.verifier, login.redirect_uri)
    # The same verification as a bearer request: a token the API would refuse is refused.
    caller_from_claims(await ctx.tokens.claims(tokens.access_token), ctx.claim_names)
    now = ports.clock.now()
    session = WebSession(
        secrets.token_urlsafe(32), tokens.access_token, tokens.refresh_token,
        now + timedelta(seconds=tokens.expires_in_s), secrets.token_urlsafe(32),
        now + ports.session_ttl,
    )  # fmt: skip
    await ports.sessions.save(session)
    return session, login.next_path


async def current(ports: SignIn, ctx: GatewayContext, session_id: str | None) -> SignedIn:
    """The signed-in caller; ``Unauthenticated`` when there is no live session."""
    session = await ports.sessions.get(session_id, ports.clock.now()) if session_id else None
    if session is None:
        raise Unauthenticated("not signed in")
    session = await _fresh(ports, session)
    try:
        claims = await ctx.tokens.claims(session.access_token)
    except Unauthenticated:
        await ports.sessions.delete(session.session_id)
        raise
    locale = claims.get("locale")
    caller = caller_from_claims(claims, ctx.claim_names)
    return SignedIn(session, caller, locale if isinstance(locale, str) else None)


async def _fresh(ports: SignIn, session: WebSession) -> WebSession:
    if ports.clock.now() + REFRESH_MARGIN < session.access_expires_at:
        return session
    if session.refresh_token is None:
        await ports.sessions.delete(session.session_id)
        raise Unauthenticated("the session expired")
    try:
        tokens = await ports.issuer.refresh(session.refresh_token)
    except Unauthenticated:
        await ports.sessions.delete(session.session_id)
        raise
    expires = ports.clock.now() + timedelta(seconds=tokens.expires_in_s)
    fresh = replace(
        session, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token or session.refresh_token, access_expires_at=expires,
    )  # fmt: skip
    await ports.sessions.save(fresh)
    return fresh


async def end(ports: SignIn, session: WebSession) -> None:
    await ports.sessions.delete(session.session_id)
    if session.refresh_token:
        await ports.issuer.end(session.refresh_token)


def check_csrf(session: WebSession, submitted: str | None) -> None:
    """Every form post carries the session's token (SameSite=Lax is the second lock)."""
    if not submitted or not hmac.compare_digest(submitted, session.csrf_token):
        raise Forbidden("the form is stale or came from another site; reload the page", ())
