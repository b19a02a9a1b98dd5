"""Who is looking at a page, in which language and tenant; and what a page does when the
visitor is not signed in (to the sign-in) or a request is refused (an error page)."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from services.gateway.app.context import GatewayContext
from services.gateway.domain.callers import Caller, is_staff, tenant_scope
from services.gateway.web import session
from services.gateway.web.context import WebContext
from services.gateway.web.i18n import N_, Language, choose, language
from services.gateway.web.render import page
from services.gateway.web.session import SignedIn
from shared.errors import RequestError, Unauthenticated

SESSION_COOKIE = "tf_session"
LANGUAGE_COOKIE = "tf_lang"


class SignInRequired(Exception):
    """No live session: a page goes to the sign-in, a fragment tells htmx to."""


def web(request: Request) -> WebContext:
    found: WebContext = request.app.state.web
    return found


def gateway(request: Request) -> GatewayContext:
    found: GatewayContext = request.app.state.context
    return found


def pick_language(request: Request, profile: str | None = None) -> str:
    return choose(
        request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE), profile,
        request.headers.get("accept-language"),
    )  # fmt: skip


@dataclass(frozen=True)
class Visit:
    signed: SignedIn
    tenant: str
    lang: Language
    ctx: GatewayContext
    web: WebContext

    @property
    def caller(self) -> Caller:
        return self.signed.caller

    @property
    def staff(self) -> bool:
        return is_staff(self.caller)

    def values(self, **own: Any) -> dict[str, Any]:
        return {
            "caller": self.caller, "staff": self.staff, "csrf": self.signed.session.csrf_token,
        } | own  # fmt: skip


async def visit(request: Request) -> Visit:
    ctx, site = gateway(request), web(request)
    try:
        signed = await session.current(site.sign_in, ctx, request.cookies.get(SESSION_COOKIE))
    except Unauthenticated as error:
        raise SignInRequired() from error
    tenant = tenant_scope(signed.caller, None)
    tag = pick_language(request, signed.locale)
    zone = await site.zones.of(tenant, signed.caller)
    return Visit(signed, tenant, language(site.catalogs, tag, zone), ctx, site)


Visitor = Annotated[Visit, Depends(visit)]


def remember_language(request: Request, response: Response) -> Response:
    """``?lang=`` switches the language for the following pages too."""
    chosen = request.query_params.get("lang")
    if chosen:
        tag = choose(chosen, None, None, None)
        response.set_cookie(
            LANGUAGE_COOKIE, tag, max_age=365 * 86400, httponly=True, samesite="lax",
            secure=web(request).secure_cookies,
        )  # fmt: skip
    return response


class PageRoute(APIRoute):
    """A dashboard route: no session → the sign-in; a refusal → a page saying why."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return remember_language(request, await handle(request))
            except SignInRequired:
                return _to_sign_in(request)
            except RequestError as error:
                return _refused(request, error)

        return guarded


def _to_sign_in(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"/auth/login?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": login})
    return RedirectResponse(login, status_code=303)


REFUSALS = {
    401: N_("Please sign in again."),
    403: N_("Your role may not do this."),
    404: N_("No such ticket here."),
    409: N_("This clashes with the ticket's current state."),
    422: N_("Some values are not valid."),
    503: N_("A service is not answering; try again shortly."),
}


def _refused(request: Request, error: RequestError) -> Response:
    site = web(request)
    lang = language(site.catalogs, pick_language(request), site.zones.default)
    said = REFUSALS.get(error.status_code, N_("This cannot be done."))
    values = {
        "status": error.status_code, "said": said, "message": error.message, "staff": False,
    }  # fmt: skip
    return page(site.templates, request, "error.html", lang, values, error.status_code)
