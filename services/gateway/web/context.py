"""What the dashboard's routes are handed (``app.state.web``)."""

from dataclasses import dataclass

from babel.support import Translations
from jinja2 import Environment

from services.gateway.app.ports import TicketFeed
from services.gateway.web.session import SignIn
from services.gateway.web.zones import TenantZones


@dataclass(frozen=True)
class WebContext:
    sign_in: SignIn
    catalogs: dict[str, Translations]
    templates: Environment
    zones: TenantZones
    secure_cookies: bool
    public_url: str | None  # where browsers reach the gateway; None: as the request says
    # The pages' live feed: a change without a view says the stream is open (refresh).
    feed: TicketFeed
