"""Bearer tokens verified against an OpenID Connect issuer's published keys.

The issuer's discovery document names its JWKS; keys are cached by ``kid``. A token signed
with a key not in the cache fetches the JWKS again (the issuer rotated its keys), but no
more often than ``refetch_after_s``, so tokens with made-up key ids cannot make the gateway
hammer the identity provider.
"""

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import httpx
import jwt

from shared.errors import RequestError, Unauthenticated

ALGORITHMS = ["RS256"]
# Clocks of the identity provider and the gateway disagree by a few seconds.
LEEWAY_S = 30


class IdentityProviderUnavailable(RequestError):
    status_code = 503


class OidcTokenVerifier:
    def __init__(
        self, issuer: str, audience: str, http: httpx.AsyncClient, refetch_after_s: float = 30.0
    ) -> None:
        self._issuer = issuer.rstrip("/")
        self._audience = audience
        self._http = http
        self._refetch_after_s = refetch_after_s
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._jwks_uri: str | None = None
        self._lock = asyncio.Lock()

    async def claims(self, token: str) -> Mapping[str, Any]:
        key = await self._key_for(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=ALGORITHMS, audience=self._audience,
                issuer=self._issuer, leeway=LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "sub", "aud"]},
            )  # fmt: skip
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("the token has expired") from error
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the token is not valid: {error}") from error
        return claims

    async def _key_for(self, token: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the token is not valid: {error}") from error
        if header.get("alg") not in ALGORITHMS:
            raise Unauthenticated(f"tokens are signed with {', '.join(ALGORITHMS)}")
        kid = str(header.get("kid", ""))
        if kid not in self._keys:
            await self._refetch()
        if kid not in self._keys:
            raise Unauthenticated("the token is signed with a key the issuer does not publish")
        return self._keys[kid]

    async def _refetch(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._fetched_at is not None and now - self._fetched_at < self._refetch_after_s:
                return
            try:
                jwks = await self._get_json(await self._jwks_location())
            except (httpx.HTTPError, ValueError) as error:
                raise IdentityProviderUnavailable(
                    f"the identity provider {self._issuer} did not answer: {error}"
                ) from error
            self._keys = _signing_keys(jwks)
            self._fetched_at = now

    async def _jwks_location(self) -> str:
        if self._jwks_uri is None:
            discovery = await self._get_json(f"{self._issuer}/.well-known/openid-configuration")
            self._jwks_uri = str(discovery["jwks_uri"])
        return self._jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await self._http.get(url)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body


def _signing_keys(jwks: Mapping[str, Any]) -> dict[str, Any]:
    keys = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") not in ALGORITHMS:
            continue
        keys[str(jwk.get("kid", ""))] = jwt.PyJWK.from_dict(jwk).key
    return keys
