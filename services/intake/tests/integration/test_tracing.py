"""Trace context crosses the outbox and Kafka: intake's HTTP span → dispatch's handling of the
event → the event dispatch published."""

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.dispatch.bootstrap import create_app as create_dispatch
from services.dispatch.settings import DispatchSettings
from services.intake.bootstrap import create_app as create_intake
from shared.testing.apps import running
from shared.testing.recorder import TopicRecorder
from shared.testing.waiting import eventually


async def test_a_registration_and_its_assignment_share_one_trace(
    settings, infra, namespace, mongo_client
):
    intake_spans, dispatch_spans = InMemorySpanExporter(), InMemorySpanExporter()
    dispatch_settings = DispatchSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongo_url=infra.mongo_url,
        topic_namespace=namespace,
        mongo_db=f"{namespace}_dispatch",
        consumer_session_timeout_ms=6000,
        assignment_rules=[{"assignee": "li.wei", "group": "noc"}],
    )
    async with (
        running(create_intake(settings, span_exporter=intake_spans)) as intake,
        running(create_dispatch(dispatch_settings, span_exporter=dispatch_spans)),
        TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as registered,
        TopicRecorder(infra.kafka_bootstrap, settings.topics.dispatch_events) as dispatched,
    ):
        await intake.put(f"/tenants/{namespace}", json={"name": "Traced"})
        body = {
            "tenant_id": namespace,
            "source": "web",
            "external_ref": "traced-1",
            "type": "incident",
            "subject": "trace me",
            "account_id": "a-1",
        }
        assert (await intake.post("/tickets", json=body)).status_code == 201
        [record] = await registered.wait_for(lambda records: len(records) == 1)
        [assigned, *_] = await dispatched.wait_for(lambda records: len(records) >= 1)
        await eventually(
            lambda: _async(dispatch_spans.get_finished_spans()),
            lambda spans: any(s.kind.name == "CONSUMER" for s in spans),
        )
    servers = [s for s in intake_spans.get_finished_spans() if s.kind.name == "SERVER"]
    [http_span] = [s for s in servers if s.name.startswith("POST")]
    trace_id = f"{http_span.context.trace_id:032x}"
    headers = dict(record.headers)
    assert headers["traceparent"].decode().split("-")[1] == trace_id
    assert dict(assigned.headers)["traceparent"].decode().split("-")[1] == trace_id
    consumer = [s for s in dispatch_spans.get_finished_spans() if s.kind.name == "CONSUMER"]
    handled = [s for s in consumer if f"{s.context.trace_id:032x}" == trace_id]
    # Dispatch handled the registration inside the request's trace (the broker's own span
    # is the batch's, in a trace of its own), and what it published carries that trace on.
    assert [s.name for s in handled] == [f"{settings.topics.intake_events} handle"]
    await mongo_client.drop_database(dispatch_settings.mongo_db)


async def _async(value):
    return value
