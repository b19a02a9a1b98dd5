import json

from deploy.local.process import last_error


def entry(level, msg, **extra):
    return json.dumps({"level": level, "logger": "uvicorn.error", "msg": msg, **extra})


TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "starlette/routing.py", line 694, in lifespan\n'
    "shared.mongo.indexes.IndexConflict: index 'sent_at_1' exists as key {'sent_at': 1}\n"
)


def test_a_startup_failure_is_the_exception_line_of_its_traceback_not_the_generic_line():
    lines = [
        entry("INFO", "Waiting for application startup."),
        entry("ERROR", TRACEBACK),
        entry("ERROR", "Application startup failed. Exiting."),
    ]
    assert last_error(lines) == (
        "shared.mongo.indexes.IndexConflict: index 'sent_at_1' exists as key {'sent_at': 1}"
    )


def test_a_logged_exception_is_its_last_line():
    lines = [entry("ERROR", "relay failed", exc="Traceback ...\n  ...\nValueError: bad value")]
    assert last_error(lines) == "ValueError: bad value"


def test_without_a_traceback_the_newest_error_message():
    lines = [entry("ERROR", "first"), entry("ERROR", "second"), entry("INFO", "bye")]
    assert last_error(lines) == "second"


def test_a_plain_text_log_gives_its_last_line_flattened_and_bounded():
    assert last_error(["starting", "  java.net.BindException:   Address in use  ", ""]) == (
        "java.net.BindException: Address in use"
    )
    assert len(last_error(["x" * 5000])) == 400
    assert last_error([]) == "(empty log)"
