import json
import logging

from opentelemetry.sdk.trace import TracerProvider

from shared.logs import JsonFormatter


def record(msg: str, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("ticketflow.test", logging.WARNING, __file__, 1, msg, None, None)
    rec.__dict__.update(extra)
    return rec


def test_a_log_line_is_one_json_object_with_the_extra_fields():
    line = JsonFormatter("intake").format(record("handler failed", attempt=2, topic="t"))
    entry = json.loads(line)
    assert entry["service"] == "intake"
    assert entry["level"] == "WARNING"
    assert entry["msg"] == "handler failed"
    assert (entry["attempt"], entry["topic"]) == (2, "t")
    assert "trace_id" not in entry


def test_inside_a_span_the_line_carries_its_trace_and_span_ids():
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        entry = json.loads(JsonFormatter("intake").format(record("inside")))
    assert entry["trace_id"] == f"{span.get_span_context().trace_id:032x}"
    assert entry["span_id"] == f"{span.get_span_context().span_id:016x}"


def test_non_ascii_text_stays_readable():
    entry = JsonFormatter("intake").format(record("宽带断网 / нет связи"))
    assert "宽带断网 / нет связи" in entry
