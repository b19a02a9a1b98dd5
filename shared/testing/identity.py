"""A test OpenID Connect issuer: RS256 keys it signs tokens with, and a real HTTP server on
loopback that publishes its discovery document and JWKS, as an identity provider does.

Most gateway tests take their tokens from here (fast, no Keycloak); one end-to-end test
signs in through the real Keycloak.
"""

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "ticketflow-gateway"


class LocalIssuer:
    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self.jwks_requests = 0
        self.rotate()

    def rotate(self) -> str:
        """A new signing key, published beside the old ones; tokens are signed with it."""
        kid = uuid4().hex[:12]
        self._keys.append((kid, rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        return kid

    def token(
        self,
        tenant: str | None,
        roles: Sequence[str],
        username: str = "li.wei",
        *,
        lifetime_s: int = 900,
        audience: str = AUDIENCE,
        issuer: str | None = None,
        **claims: Any,
    ) -> str:
        kid, key = self._keys[-1]
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": issuer or self.url, "aud": audience, "sub": f"sub-{username}",
            "iat": now, "exp": now + lifetime_s, "preferred_username": username,
            "realm_access": {"roles": list(roles)},
        }  # fmt: skip
        if tenant is not None:
            body["tenant"] = tenant
        return jwt.encode(body | claims, key, algorithm="RS256", headers={"kid": kid})

    def headers(self, tenant: str | None, roles: Sequence[str], **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(tenant, roles, **kw)}"}

    def jwks(self) -> dict[str, Any]:
        self.jwks_requests += 1
        keys = []
        for kid, key in self._keys:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append(jwk | {"kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.url, "jwks_uri": f"{self.url}/protocol/openid-connect/certs"}


@contextmanager
def serving_issuer() -> Iterator[LocalIssuer]:
    """A ``LocalIssuer`` whose documents are served on 127.0.0.1 until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    issuer = LocalIssuer(f"http://127.0.0.1:{server.server_address[1]}/realms/test")
    server.issuer = issuer  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        issuer: LocalIssuer = self.server.issuer  # type: ignore[attr-defined]
        documents = {
            "/realms/test/.well-known/openid-configuration": issuer.discovery,
            "/realms/test/protocol/openid-connect/certs": issuer.jwks,
        }
        document = documents.get(self.path)
        if document is None:
            self.send_error(404)
            return
        body = json.dumps(document()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read what the issuer served from its counters."""
