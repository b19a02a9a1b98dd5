"""make run's demo provisions its tenants at intake and configures the other services only
once they know them."""

import httpx
import pytest

from deploy.local.demo import DEMO_TENANTS, provision_demo_tenants
from deploy.local.process import ProcessFailed

INTAKE, DISPATCH = "http://intake", "http://dispatch"


class Services:
    """Intake records its PUTs; dispatch learns each tenant after ``lag`` polls of it."""

    def __init__(self, lag: int) -> None:
        self.provisioned: list[str] = []
        self.polls: dict[str, int] = {}
        self.lag = lag

    def __call__(self, request: httpx.Request) -> httpx.Response:
        tenant = request.url.path.rsplit("/", 1)[-1]
        if request.url.host == "intake":
            assert (request.method, request.url.path) == ("PUT", f"/tenants/{tenant}")
            self.provisioned.append(tenant)
            return httpx.Response(201, json={})
        assert (request.method, request.url.path) == ("GET", f"/known-tenants/{tenant}")
        assert tenant in self.provisioned, "asked before intake provisioned it"
        self.polls[tenant] = self.polls.get(tenant, 0) + 1
        return httpx.Response(200 if self.polls[tenant] > self.lag else 404, json={})


def test_every_tenant_is_provisioned_then_waited_for():
    services = Services(lag=2)

    provision_demo_tenants(INTAKE, [DISPATCH], httpx.MockTransport(services))

    assert services.provisioned == list(DEMO_TENANTS)
    assert services.polls == {tenant: 3 for tenant in DEMO_TENANTS}


def test_a_service_that_never_learns_a_tenant_stops_the_demo_naming_it():
    services = Services(lag=10**6)

    with pytest.raises(ProcessFailed, match="has not learned tenant demo"):
        provision_demo_tenants(INTAKE, [DISPATCH], httpx.MockTransport(services), within_s=0.3)
