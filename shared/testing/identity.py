"""A test OpenID Connect issuer: RS256 keys it signs tokens with, and a real HTTP server on
loopback that publishes its discovery document and JWKS, as an identity provider does.

Most gateway tests take their tokens from here (fast, no Keycloak); one end-to-end test
signs in through the real Keycloak.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "ticketflow-gateway"


@dataclass(frozen=True)
class TestUser:
    """Someone who can sign in at the issuer's login form (authorization code + PKCE)."""

    tenant: str | None
    roles: tuple[str, ...]
    password: str = "demo"
    claims: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class _Grant:
    username: str
    client_id: str
    redirect_uri: str
    code_challenge: str


class LocalIssuer:
    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self.jwks_requests = 0
        self.users: dict[str, TestUser] = {}
        self._codes: dict[str, _Grant] = {}
        self._refresh_tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self.rotate()

    def add_user(
        self, username: str, tenant: str | None, roles: Sequence[str], **claims: Any
    ) -> TestUser:
        user = TestUser(tenant, tuple(roles), claims=tuple(claims.items()))
        self.users[username] = user
        return user

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
        endpoints = f"{self.url}/protocol/openid-connect"
        return {
            "issuer": self.url, "jwks_uri": f"{endpoints}/certs",
            "authorization_endpoint": f"{endpoints}/auth", "token_endpoint": f"{endpoints}/token",
            "end_session_endpoint": f"{endpoints}/logout",
            "code_challenge_methods_supported": ["S256"],
        }  # fmt: skip

    # The authorization-code flow with PKCE, as a browser goes through it.

    def sign_in(self, form: dict[str, str]) -> str | None:
        """The redirect back to the client after a good password, ``None`` otherwise."""
        user = self.users.get(form.get("username", ""))
        if user is None or not secrets.compare_digest(form.get("password", ""), user.password):
            return None
        if form.get("code_challenge_method") != "S256" or not form.get("code_challenge"):
            return None  # PKCE is required, as for the realm's public clients
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Grant(
                form["username"], form.get("client_id", ""), form.get("redirect_uri", ""),
                form["code_challenge"],
            )  # fmt: skip
        query = urlencode({"code": code, "state": form.get("state", "")})
        return f"{form.get('redirect_uri', '')}?{query}"

    def exchange(self, form: dict[str, str]) -> dict[str, Any] | None:
        """The token endpoint: a code (once, with its PKCE verifier) or a refresh token."""
        if form.get("grant_type") == "refresh_token":
            with self._lock:
                username = self._refresh_tokens.pop(form.get("refresh_token", ""), None)
            return None if username is None else self._tokens(username)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return None
        if _s256(form.get("code_verifier", "")) != grant.code_challenge:
            return None
        return self._tokens(grant.username)

    def log_out(self, form: dict[str, str]) -> None:
        with self._lock:
            self._refresh_tokens.pop(form.get("refresh_token", ""), None)

    def _tokens(self, username: str) -> dict[str, Any]:
        user = self.users[username]
        refresh = secrets.token_urlsafe(24)
        with self._lock:
            self._refresh_tokens[refresh] = username
        access = self.token(user.tenant, user.roles, username, **dict(user.claims))
        return {
            "access_token": access, "token_type": "Bearer", "expires_in": 900,
            "refresh_token": refresh, "refresh_expires_in": 1800, "scope": "openid",
        }  # fmt: skip


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


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


_LOGIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Test issuer</h1>{error}<form method="post" action="{action}">{hidden}
<label>Username <input id="username" name="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="kc-login" type="submit">Sign in</button></form></body></html>"""


def _login_page(action: str, params: dict[str, str], error: str = "") -> bytes:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k not in ("username", "password")
    )
    message = f'<p id="input-error">{html.escape(error)}</p>' if error else ""
    return _LOGIN_PAGE.format(error=message, action=html.escape(action), hidden=hidden).encode()


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in values.items()}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        issuer: LocalIssuer = self.server.issuer  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        form = _single(parse_qs(self.rfile.read(length).decode()))
        path = urlsplit(self.path).path
        if path.endswith("/protocol/openid-connect/auth"):
            target = issuer.sign_in(form)
            if target is None:
                self._send(200, _login_page(path, form, "Invalid username or password."))
                return
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.endswith("/protocol/openid-connect/token"):
            tokens = issuer.exchange(form)
            if tokens is None:
                self._send(400, json.dumps({"error": "invalid_grant"}).encode(), "application/json")
            else:
                self._send(200, json.dumps(tokens).encode(), "application/json")
        elif path.endswith("/protocol/openid-connect/logout"):
            issuer.log_out(form)
            self._send(204, b"")
        else:
            self.send_error(404)

    def _send(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        issuer: LocalIssuer = self.server.issuer  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        if split.path == "/realms/test/protocol/openid-connect/auth":
            self._send(200, _login_page(split.path, _single(parse_qs(split.query))))
            return
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
