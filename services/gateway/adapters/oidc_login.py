"""Signing people in at the OIDC issuer: the authorization-code flow with PKCE (RFC 7636).

The dashboard is a public client: no secret, the code is bound to a verifier only this
gateway knows. The issuer's discovery document names its endpoints. Authlib builds the
authorization request and the S256 challenge; tokens are fetched with the gateway's client.
"""

from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from services.gateway.adapters.oidc import IdentityProviderUnavailable
from services.gateway.web.ports import LoginStart, TokenSet
from shared.errors import Unauthenticated


class OidcLogin:
    def __init__(self, issuer: str, client_id: str, http: httpx.AsyncClient) -> None:
        self._issuer = issuer.rstrip("/")
        self._client_id = client_id
        self._http = http
        self._endpoints: dict[str, Any] | None = None

    async def start(self, redirect_uri: str) -> LoginStart:
        state, verifier = generate_token(32), generate_token(64)
        url = prepare_grant_uri(
            await self._endpoint("authorization_endpoint"), self._client_id, "code",
            redirect_uri=redirect_uri, scope="openid", state=state,
            code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
        )  # fmt: skip
        return LoginStart(url, state, verifier)

    async def exchange(self, code: str, verifier: str, redirect_uri: str) -> TokenSet:
        form = {
            "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
            "redirect_uri": redirect_uri, "client_id": self._client_id,
        }  # fmt: skip
        return await self._tokens(form)

    async def refresh(self, refresh_token: str) -> TokenSet:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return await self._tokens(form | {"client_id": self._client_id})

    async def end(self, refresh_token: str) -> None:
        """Ends the session at the issuer too (best effort: the gateway's is gone anyway)."""
        form = {"client_id": self._client_id, "refresh_token": refresh_token}
        try:
            await self._http.post(await self._endpoint("end_session_endpoint"), data=form)
        except (httpx.HTTPError, IdentityProviderUnavailable, KeyError):
            return

    async def _tokens(self, form: dict[str, str]) -> TokenSet:
        try:
            response = await self._http.post(await self._endpoint("token_endpoint"), data=form)
        except httpx.HTTPError as error:
            raise IdentityProviderUnavailable(f"the identity provider failed: {error}") from error
        if response.status_code >= 500:
            status = response.status_code
            raise IdentityProviderUnavailable(f"the identity provider answered {status}")
        body = response.json() if response.status_code == 200 else {}
        if not isinstance(body.get("access_token"), str):
            raise Unauthenticated("the identity provider refused the sign-in")
        return TokenSet(
            body["access_token"], body.get("refresh_token"), int(body.get("expires_in", 300))
        )

    async def _endpoint(self, name: str) -> str:
        if self._endpoints is None:
            url = f"{self._issuer}/.well-known/openid-configuration"
            try:
                response = await self._http.get(url)
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise IdentityProviderUnavailable(f"cannot read {url}: {error}") from error
            self._endpoints = response.json()
        return str(self._endpoints[name])
