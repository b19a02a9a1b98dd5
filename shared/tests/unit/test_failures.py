import logging

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    NotLeaderForPartitionError,
    UnsupportedVersionError,
)
from pydantic import BaseModel, ValidationError
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from shared.errors import Conflict, NotFound, RequestError, TransientConflict
from shared.events.codec import MalformedEvent
from shared.failures import FailureKind, classify, log_round_failure


def labelled(label):
    return OperationFailure("txn", code=0, details={"errorLabels": [label]})


class Model(BaseModel):
    n: int


def validation_error():
    try:
        Model.model_validate({"n": "x"})
    except ValidationError as error:
        return error
    raise AssertionError("expected a validation error")


@pytest.mark.parametrize(
    "error",
    [
        TransientConflict("conflict"),
        OperationFailure("WriteConflict", code=112),
        OperationFailure("NoSuchTransaction", code=251),
        OperationFailure("not primary", code=10107),
        OperationFailure("PrimarySteppedDown", code=189),
        OperationFailure("InterruptedDueToReplStateChange", code=11602),
        labelled("TransientTransactionError"),
        labelled("UnknownTransactionCommitResult"),
        AutoReconnect("connection reset"),
        NotPrimaryError("not primary"),
        NetworkTimeout("timed out"),
        ServerSelectionTimeoutError("no servers"),
        KafkaConnectionError(),
        KafkaTimeoutError(),
        NotLeaderForPartitionError(),
        ConnectionResetError(),
        TimeoutError(),
    ],
    ids=repr,
)
def test_transient_failures(error):
    assert classify(error) is FailureKind.TRANSIENT


@pytest.mark.parametrize(
    "error",
    [
        MalformedEvent("ticket.registered", ValueError("bad")),
        RequestError("bad"),
        NotFound("no such ticket"),
        Conflict("illegal", allowed=["accept"]),
        validation_error(),
    ],
    ids=repr,
)
def test_failures_that_can_never_succeed(error):
    assert classify(error) is FailureKind.INVALID


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("bug"),
        KeyError("field"),
        AssertionError(),
        DuplicateKeyError("E11000", code=11000),
        OperationFailure("bad query", code=2),
        UnsupportedVersionError(),
    ],
    ids=repr,
)
def test_anything_else_is_presumed_a_bug(error):
    assert classify(error) is FailureKind.UNEXPECTED


def test_a_transient_round_failure_is_one_warning_line(caplog):
    log = logging.getLogger("test.rounds")
    with caplog.at_level(logging.INFO, logger="test.rounds"):
        log_round_failure(log, "outbox relay round", AutoReconnect("connection reset"))
    [record] = caplog.records
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert record.getMessage() == (
        "outbox relay round failed (transient), retrying: AutoReconnect: connection reset"
    )


def test_any_other_round_failure_keeps_its_traceback(caplog):
    log = logging.getLogger("test.rounds")
    with caplog.at_level(logging.INFO, logger="test.rounds"):
        log_round_failure(log, "SLA timer round", KeyError("shard"))
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
