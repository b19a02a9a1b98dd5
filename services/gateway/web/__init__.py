"""The ops dashboard: pages the gateway renders itself (Jinja2 + htmx), signed in with the
issuer's authorization-code flow, reusing the gateway's app layer with the signed-in caller."""
