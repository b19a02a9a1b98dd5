"""Signing in to Keycloak as a person does: authorization code with PKCE through its login
form, for the public clients of deploy/local/keycloak/realm-ticketflow.json. Used by
``python -m deploy.local token USER`` (a token for curl) and by the end-to-end tests."""

import base64
import hashlib
import html
import re
import secrets

import httpx

DASHBOARD = "ticketflow-dashboard"
DASHBOARD_REDIRECT = "http://127.0.0.1:8000/auth/callback"


async def sign_in(
    issuer: str,
    username: str,
    password: str = "demo",
    client_id: str = DASHBOARD,
    redirect_uri: str = DASHBOARD_REDIRECT,
) -> str:
    """An access token for ``username``, from the login page the browser would show."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    async with httpx.AsyncClient(timeout=30) as http:
        config = (await http.get(f"{issuer}/.well-known/openid-configuration")).json()
        page = await http.get(config["authorization_endpoint"], params={
            "client_id": client_id, "response_type": "code", "scope": "openid",
            "redirect_uri": redirect_uri, "state": secrets.token_hex(8),
            "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256",
        })  # fmt: skip
        page.raise_for_status()
        form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        assert form is not None, "Keycloak showed no login form"
        # Keycloak marks its cookies Secure; the browser on http://127.0.0.1 sends them anyway.
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("set-cookie"))
        login = await http.post(
            html.unescape(form.group(1)),
            data={"username": username, "password": password, "credentialId": ""},
            headers={"Cookie": cookies},
        )
        code = re.search(r"[?&]code=([^&]+)", login.headers.get("location", ""))
        assert code is not None, f"sign-in of {username} failed ({login.status_code})"
        tokens = await http.post(config["token_endpoint"], data={
            "grant_type": "authorization_code", "client_id": client_id, "code": code.group(1),
            "redirect_uri": redirect_uri, "code_verifier": verifier,
        })  # fmt: skip
        tokens.raise_for_status()
        token: str = tokens.json()["access_token"]
        return token
