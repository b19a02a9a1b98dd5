"""How an HTTP provider's failure becomes a delivery outcome, once for every HTTP channel:
a URL that can never work is permanent, anything on the way (refused, reset, timed out) is
tried again."""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from services.notify.domain.channels import SendFailed


@contextmanager
def failures_of(endpoint: str, peer: str) -> Iterator[None]:
    """``endpoint`` names the URL ("SMS gateway"), ``peer`` what answers it."""
    try:
        yield
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise SendFailed(f"{endpoint} URL unusable: {exc}", permanent=True) from exc
    except (httpx.HTTPError, OSError) as exc:  # TimeoutError is an OSError
        raise SendFailed(
            f"{peer} unreachable: {type(exc).__name__}: {exc}", permanent=False
        ) from exc
