"""What every gateway route reads from the request: the context and the verified caller."""

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.gateway.app.context import GatewayContext
from services.gateway.domain.callers import Caller, caller_from_claims, tenant_scope
from shared.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="An access token of the OIDC issuer")


def context(request: Request) -> GatewayContext:
    ctx: GatewayContext = request.app.state.context
    return ctx


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer token is needed", error="invalid_request")
    ctx = context(request)
    claims = await ctx.tokens.claims(credentials.credentials)
    return caller_from_claims(claims, ctx.claim_names)


def tenant(
    who: Annotated[Caller, Depends(caller)],
    x_tenant_id: Annotated[
        str | None, Header(max_length=64, description="Platform admins: the tenant to act in")
    ] = None,
) -> str:
    return tenant_scope(who, x_tenant_id)


Ctx = Annotated[GatewayContext, Depends(context)]
Who = Annotated[Caller, Depends(caller)]
Tenant = Annotated[str, Depends(tenant)]
