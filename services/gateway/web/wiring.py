"""Puts the dashboard on the gateway's app: its assets, sessions and routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase
from starlette.staticfiles import StaticFiles

from services.gateway.adapters.oidc_login import OidcLogin
from services.gateway.adapters.web_feed import MongoPageFeed
from services.gateway.adapters.web_sessions import MongoWebSessions
from services.gateway.app.context import GatewayContext
from services.gateway.settings import GatewaySettings
from services.gateway.web import auth_http, pages_http, preferences_http, ticket_panels, views_http
from services.gateway.web import qc_pages_http as qc_pages
from services.gateway.web import report_pages_http as report_pages
from services.gateway.web.context import WebContext
from services.gateway.web.i18n import load_catalogs
from services.gateway.web.render import environment
from services.gateway.web.session import SignIn
from services.gateway.web.zones import TenantZones
from shared.clock import Clock
from shared.swagger import VENDOR_DIR

STATIC = Path(__file__).parent / "static"
# URL folder → the npm package's folder holding what the pages load.
VENDOR = {
    "htmx": "htmx.org/dist", "htmx-ext-sse": "htmx-ext-sse/dist", "chart.js": "chart.js/dist",
}  # fmt: skip
NEEDED = (
    "htmx.org/dist/htmx.min.js", "htmx-ext-sse/dist/sse.min.js", "chart.js/dist/chart.umd.min.js",
)  # fmt: skip


class AssetsMissing(RuntimeError):
    pass


def check_assets(vendor_dir: Path = VENDOR_DIR) -> None:
    """Refuse to start rather than serve pages without their scripts."""
    missing = [name for name in NEEDED if not (vendor_dir / name).is_file()]
    if missing:
        raise AssetsMissing(
            f"the dashboard's browser assets are missing from {vendor_dir} ({', '.join(missing)}):"
            " run `make deps` (npm ci --prefix services/gateway/web), or set"
            " TICKETFLOW_DASHBOARD=false"
        )


def refuse_to_start_without_assets(app: FastAPI, vendor_dir: Path) -> None:
    """The app's start-up checks the assets first (building the app does no I/O)."""
    starts = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[Any]:
        check_assets(vendor_dir)
        async with starts(started) as state:
            yield state

    app.router.lifespan_context = lifespan


def install_dashboard(
    app: FastAPI, settings: GatewaySettings, ctx: GatewayContext, clock: Clock,
    db: AsyncDatabase[Any], http: httpx.AsyncClient, vendor_dir: Path = VENDOR_DIR,
) -> None:  # fmt: skip
    refuse_to_start_without_assets(app, vendor_dir)
    for url, folder in VENDOR.items():
        files = StaticFiles(directory=vendor_dir / folder, check_dir=False)
        app.mount(f"/static/vendor/{url}", files, name=url)
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web")
    sign_in = SignIn(
        OidcLogin(settings.oidc_issuer, settings.oidc_client_id, http),
        MongoWebSessions(db), clock, timedelta(seconds=settings.dashboard_session_ttl_s),
    )  # fmt: skip
    zones = TenantZones(ctx.forwarding.services, clock, ZoneInfo(settings.dashboard_time_zone))
    app.state.web = WebContext(
        sign_in, load_catalogs(), environment(), zones, settings.dashboard_secure_cookies,
        settings.dashboard_public_url, MongoPageFeed(db),
    )  # fmt: skip
    app.include_router(auth_http.router)
    app.include_router(pages_http.router)
    app.include_router(ticket_panels.router)
    app.include_router(preferences_http.router)
    views_http.install(app.state.web.templates)
    app.include_router(views_http.router)
    app.include_router(qc_pages.router)
    app.include_router(report_pages.router)
