"""Which closed tickets are inspected: every overdue one, and a share of the rest.

The sample is drawn by a hash of the tenant, the ticket and the tenant's seed, not by a
random number: a replayed event picks the same tickets, and every agent's and group's
tickets are sampled at the same share.
"""

import hashlib


def sampled(tenant_id: str, ticket_id: str, share: float, seed: str) -> bool:
    if share <= 0:
        return False
    digest = hashlib.sha256(f"{seed}|{tenant_id}|{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share
