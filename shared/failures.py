"""Which failures are worth retrying, which never succeed, and which are bugs.

The consumer holds a partition for as long as a failure is transient (a write conflict with
a transaction a killed process left open, a failover, a network blip): giving up on such a
message would lose it. A message that cannot be valid goes to the DLQ at once. Anything
else is presumed a bug: retried a bounded number of times, then dead-lettered.
"""

import enum
import logging

from aiokafka.errors import KafkaError, KafkaTimeoutError
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure, PyMongoError, WaitQueueTimeoutError

from shared.errors import RequestError, SharedTransactionAborted, TransientConflict
from shared.events.codec import MalformedEvent


class FailureKind(enum.Enum):
    TRANSIENT = "transient"  # retry for as long as it lasts
    INVALID = "invalid"  # can never succeed: dead-letter at once
    UNEXPECTED = "unexpected"  # a bug, until shown otherwise: bounded retries


_TRANSIENT_LABELS = ("TransientTransactionError", "UnknownTransactionCommitResult")
# Server codes that mean "try again later": write conflict, no such (reaped) transaction,
# not primary / stepping down / shutting down, lock and time limits, network.
_TRANSIENT_CODES = frozenset(
    {6, 7, 24, 46, 89, 91, 112, 189, 251, 262, 9001, 10107, 11600, 11602, 13435, 13436}
)


_TRANSIENT_TYPES = (TransientConflict, SharedTransactionAborted, ConnectionError, TimeoutError)


def classify(error: BaseException) -> FailureKind:
    if isinstance(error, _TRANSIENT_TYPES):
        return FailureKind.TRANSIENT
    if isinstance(error, PyMongoError):
        return FailureKind.TRANSIENT if _mongo_transient(error) else FailureKind.UNEXPECTED
    if isinstance(error, KafkaError):
        transient = error.retriable or isinstance(error, KafkaTimeoutError)
        return FailureKind.TRANSIENT if transient else FailureKind.UNEXPECTED
    if isinstance(error, MalformedEvent | ValidationError | RequestError):
        return FailureKind.INVALID
    return FailureKind.UNEXPECTED


def _mongo_transient(error: PyMongoError) -> bool:
    if isinstance(error, ConnectionFailure | WaitQueueTimeoutError):
        return True  # AutoReconnect, NotPrimaryError, NetworkTimeout, server selection
    if any(error.has_error_label(label) for label in _TRANSIENT_LABELS):
        return True
    return getattr(error, "code", None) in _TRANSIENT_CODES


def is_transient(error: BaseException) -> bool:
    return classify(error) is FailureKind.TRANSIENT


def log_round_failure(log: logging.Logger, what: str, error: BaseException) -> None:
    """A background loop's failed round, to be retried next round: a transient failure is
    one WARNING line; anything else carries its traceback, since it may be a bug."""
    if is_transient(error):
        log.warning("%s failed (transient), retrying: %s: %s", what, type(error).__name__, error)
    else:
        log.error("%s failed, retrying", what, exc_info=error)
