"""Bearer tokens verified against a real HTTP issuer (discovery, JWKS, key rotation)."""

import asyncio
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.gateway.adapters.oidc import IdentityProviderUnavailable, OidcTokenVerifier
from shared.errors import Unauthenticated
from shared.testing.identity import AUDIENCE, LocalIssuer, serving_issuer


@pytest.fixture
async def verifier(issuer: LocalIssuer):
    async with httpx.AsyncClient(timeout=5) as http:
        yield OidcTokenVerifier(issuer.url, AUDIENCE, http, refetch_after_s=60)


async def test_a_token_of_the_issuer_gives_its_claims(verifier, issuer):
    claims = await verifier.claims(issuer.token("acme", ["dispatcher"], username="li.wei"))

    assert (claims["tenant"], claims["preferred_username"]) == ("acme", "li.wei")
    assert claims["realm_access"] == {"roles": ["dispatcher"]}


@pytest.mark.parametrize(
    ("token_of", "why"),
    [
        (lambda i: i.token("acme", ["agent"], lifetime_s=-120), "expired"),
        (lambda i: i.token("acme", ["agent"], audience="account"), "audience"),
        (lambda i: i.token("acme", ["agent"], issuer="http://127.0.0.1:1/realms/x"), "issuer"),
        (lambda i: i.token("acme", ["agent"])[:-4] + "AAAA", "Signature"),
        (lambda i: "not-a-token", "not valid"),
        (lambda i: jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256"), "RS256"),
    ],
)
async def test_a_bad_token_is_unauthenticated_saying_why(verifier, issuer, token_of, why):
    with pytest.raises(Unauthenticated) as refused:
        await verifier.claims(token_of(issuer))

    assert why.lower() in refused.value.message.lower()
    assert (refused.value.headers or {})["WWW-Authenticate"].startswith('Bearer realm="ticketflow"')


async def test_a_rotated_key_is_fetched_once_and_unknown_keys_do_not_hammer_the_issuer(issuer):
    async with httpx.AsyncClient(timeout=5) as http:
        verifier = OidcTokenVerifier(issuer.url, AUDIENCE, http, refetch_after_s=0.5)
        await verifier.claims(issuer.token("acme", ["agent"]))
        await asyncio.sleep(0.6)  # the issuer rotates its keys well after the last fetch
        before = issuer.jwks_requests
        issuer.rotate()
        rotated = await verifier.claims(issuer.token("acme", ["agent"]))
        forged = jwt.encode(
            {"sub": "x"}, _other_key(), algorithm="RS256", headers={"kid": "made-up"}
        )
        for _ in range(5):
            with pytest.raises(Unauthenticated, match="does not publish"):
                await verifier.claims(forged)
        fetched_for_rotation_and_forgeries = issuer.jwks_requests - before

    assert rotated["tenant"] == "acme"
    # One fetch for the rotation; the forgeries within the same half second fetch nothing.
    assert fetched_for_rotation_and_forgeries == 1


async def test_an_issuer_that_does_not_answer_is_a_503_not_a_401():
    with serving_issuer() as gone:
        token = gone.token("acme", ["agent"])
        url = gone.url
    async with httpx.AsyncClient(timeout=2) as http:
        verifier = OidcTokenVerifier(url, AUDIENCE, http)
        with pytest.raises(IdentityProviderUnavailable) as unavailable:
            await verifier.claims(token)

    assert unavailable.value.status_code == 503


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_tokens_issued_now_are_not_yet_expired(issuer):
    claims = jwt.decode(issuer.token("acme", ["agent"]), options={"verify_signature": False})

    assert claims["exp"] > time.time()
