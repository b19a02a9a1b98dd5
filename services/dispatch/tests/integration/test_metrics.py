"""GET /metrics: what the consumers did, how far behind they are, what the outbox holds."""

import json

from services.dispatch.tests.integration.helpers import configure, registered, until_status
from shared.testing.kafka import produce, publish_in_order
from shared.testing.waiting import eventually


def sample(metrics: str, name: str, **labels: str) -> float | None:
    """The value of one sample in the Prometheus text format, if present."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in metrics.splitlines():
        if line.startswith(prefix):
            return float(line.removeprefix(prefix))
    return None


async def test_handled_and_dead_lettered_messages_lag_and_outbox_are_measured(
    dispatch, settings, infra
):
    topic, consumer = settings.topics.intake_events, settings.consumer_group("dispatch")
    await configure(dispatch, "acme", "routing-rules/all", {"order": 1, "assignee": "li.wei"})
    await publish_in_order(infra.kafka_bootstrap, topic, registered("m-1"))
    await until_status(dispatch, "m-1", "assigned")
    malformed = json.dumps({"event_type": "ticket.registered"}).encode()
    await produce(infra.kafka_bootstrap, topic, malformed, key=b"m-2")

    async def scraped():
        return (await dispatch.get("/metrics")).text

    metrics = await eventually(
        scraped,
        lambda m: sample(m, "ticketflow_messages_total", consumer=consumer, topic=topic,
                         outcome="dead_lettered") == 1.0,
    )  # fmt: skip
    handled = sample(
        metrics, "ticketflow_messages_total", consumer=consumer, topic=topic, outcome="handled"
    )
    assert handled == 1.0
    assert (
        sample(metrics, "ticketflow_handler_seconds_count", consumer=consumer, topic=topic) == 1.0
    )
    assert sample(metrics, "ticketflow_outbox_messages", state="parked") == 0.0
    lags = [line for line in metrics.splitlines() if line.startswith("ticketflow_consumer_lag{")]
    assert lags, "every assigned partition reports its lag"
    assert all(float(line.rsplit(" ", 1)[1]) >= 0 for line in lags)
