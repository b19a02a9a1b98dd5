"""``/auth/login``, ``/auth/callback``, ``/auth/logout``: the issuer's authorization-code
flow with PKCE, and the session cookie (HttpOnly, SameSite=Lax) it ends in."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.gateway.web import session
from services.gateway.web.i18n import language
from services.gateway.web.render import page
from services.gateway.web.visits import (
    SESSION_COOKIE,
    PageRoute,
    Visitor,
    gateway,
    pick_language,
    web,
)
from shared.errors import Unauthenticated

router = APIRouter(include_in_schema=False, route_class=PageRoute)
LOGIN_COOKIE = "tf_login"


def callback_url(request: Request) -> str:
    public = web(request).public_url
    if public:
        return f"{public.rstrip('/')}/auth/callback"
    return str(request.url_for("auth_callback"))


@router.get("/auth/login")
async def login(request: Request, next: str | None = None) -> Response:
    pending, url = await session.begin(web(request).sign_in, callback_url(request), next)
    response = RedirectResponse(url, status_code=303)
    # Binds the callback to this browser: a code someone else started is refused.
    response.set_cookie(
        LOGIN_COOKIE, pending.state, max_age=int(session.LOGIN_TTL.total_seconds()),
        httponly=True, samesite="lax", secure=web(request).secure_cookies, path="/auth",
    )  # fmt: skip
    return response


@router.get("/auth/callback", name="auth_callback")
async def auth_callback(
    request: Request, state: str = "", code: str = "", error: str | None = None
) -> Response:
    if error is not None or not code:
        raise Unauthenticated(f"the identity provider did not sign you in: {error or 'no code'}")
    site = web(request)
    signed, next_path = await session.complete(
        site.sign_in, gateway(request), state, request.cookies.get(LOGIN_COOKIE), code
    )
    response = RedirectResponse(next_path, status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/auth")
    response.set_cookie(
        SESSION_COOKIE, signed.session_id,
        max_age=int(site.sign_in.session_ttl.total_seconds()),
        httponly=True, samesite="lax", secure=site.secure_cookies, path="/",
    )  # fmt: skip
    return response


@router.post("/auth/logout")
async def logout(v: Visitor, csrf: Annotated[str, Form()] = "") -> Response:
    session.check_csrf(v.signed.session, csrf)
    await session.end(v.web.sign_in, v.signed.session)
    # Said in the language the pages were in (the profile's is gone with the session).
    response = RedirectResponse(f"/auth/signed-out?lang={v.lang.tag}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/signed-out")
async def signed_out(request: Request) -> Response:
    site = web(request)
    lang = language(site.catalogs, pick_language(request), site.zones.default)
    return page(site.templates, request, "signed_out.html", lang, {"staff": False})
