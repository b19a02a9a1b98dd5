from pydantic import Field

from shared.settings import StandardSettings


class GatewaySettings(StandardSettings):
    service_name: str = "gateway"
    http_port: int = 8000
    mongo_db: str = "ticketflow_gateway"
    # The OpenID Connect provider whose tokens the gateway accepts (Keycloak locally).
    oidc_issuer: str = "http://127.0.0.1:8080/realms/ticketflow"
    oidc_audience: str = "ticketflow-gateway"
    oidc_tenant_claim: str = "tenant"
    oidc_roles_claim: str = "realm_access.roles"
    oidc_username_claim: str = "preferred_username"
    # Dotted paths to the caller's groups (my group) and regions (in flight in my region).
    oidc_groups_claim: str = "groups"
    oidc_region_claim: str = "region"
    # The services behind the gateway, on loopback or the internal network only.
    intake_url: str = "http://127.0.0.1:8001"
    dispatch_url: str = "http://127.0.0.1:8002"
    sla_url: str = "http://127.0.0.1:8003"  # each ticket's SLA timeline (the ticket page)
    qc_url: str = "http://127.0.0.1:8004"
    notify_url: str = "http://127.0.0.1:8005"
    service_timeout_s: float = Field(default=10.0, gt=0)
    # How long a POST's Idempotency-Key answers its first reply (the field app retries for
    # hours on a flaky network), and after how long a request that died may be retried.
    idempotency_ttl_s: int = Field(default=86_400, ge=60)
    idempotency_stale_after_s: float = Field(default=60.0, gt=0)
    # The ops dashboard (services/gateway/web): a public OIDC client signing people in with
    # the authorization-code flow and PKCE, sessions kept server-side.
    dashboard: bool = True
    oidc_client_id: str = "ticketflow-dashboard"
    # Where browsers reach the gateway (the sign-in's redirect URI); None: as requested.
    dashboard_public_url: str | None = None
    dashboard_secure_cookies: bool = False  # true behind HTTPS
    dashboard_session_ttl_s: int = Field(default=8 * 3600, ge=60)
    # Times on the pages are in the tenant's zone (intake's config), else this one.
    dashboard_time_zone: str = "Asia/Shanghai"
