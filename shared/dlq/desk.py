"""Reading dead letters from Kafka and acting on them."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shared.errors import NotFound
from shared.events.topics import DLQ_SUFFIX, Topics
from shared.kafka.admin import ensure_topics, partitions_of

DLQ_HEADER_PREFIX = "x-dlq-"
REPLAYED_FROM = "x-replayed-from"
MAX_READ = 10_000


@dataclass(frozen=True)
class DeadLetter:
    id: str  # "<dlq topic>:<partition>:<offset>"
    consumer: str
    error_type: str
    error: str
    attempts: int
    source: str  # "<topic>/<partition>/<offset>" the message was consumed from
    dead_lettered_at: datetime
    key: str | None
    value: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def source_topic(self) -> str:
        return self.source.rsplit("/", 2)[0]


def _letter(record: ConsumerRecord[bytes, bytes]) -> DeadLetter:
    headers = {k: bytes(v).decode(errors="replace") for k, v in record.headers}
    return DeadLetter(
        id=f"{record.topic}:{record.partition}:{record.offset}",
        consumer=headers.get("x-dlq-consumer", ""),
        error_type=headers.get("x-dlq-error-type", ""),
        error=headers.get("x-dlq-error", ""),
        attempts=int(headers.get("x-dlq-attempts", "0") or 0),
        source=headers.get("x-dlq-source", record.topic.removesuffix(DLQ_SUFFIX) + "/?/?"),
        dead_lettered_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        key=record.key.decode(errors="replace") if record.key is not None else None,
        value=(record.value or b"").decode(errors="replace"),
        headers={k: v for k, v in headers.items() if not k.startswith(DLQ_HEADER_PREFIX)},
    )


async def _read_all(bootstrap: str, topics: Iterable[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topics`` from the beginning up to their current end."""
    found = await partitions_of(bootstrap, topics)
    partitions = [TopicPartition(t, p) for t, numbers in found.items() for p in numbers]
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        while len(records) < MAX_READ and await _behind(consumer, end):
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for tp, batch in batches.items():
                records += [r for r in batch if r.offset < end[tp]]
        return records
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, last in end.items():
        if await consumer.position(tp) < last:
            return True
    return False


class DeadLetterDesk:
    """The dead letters of ``consumers`` (all if empty) on the DLQs of ``topics``."""

    def __init__(
        self,
        bootstrap: str,
        topics: Topics,
        source_topics: Sequence[str],
        consumers: Sequence[str] = (),
    ) -> None:
        self._bootstrap = bootstrap
        self._actions = topics.dead_letter_actions
        self._dlqs = sorted({f"{t}{DLQ_SUFFIX}" for t in source_topics})
        self._consumers = set(consumers)

    async def waiting(self) -> list[DeadLetter]:
        """Dead letters nobody replayed or purged yet, oldest first per topic."""
        done = await self._handled()
        letters = [_letter(r) for r in await _read_all(self._bootstrap, self._dlqs)]
        return [
            letter
            for letter in letters
            if letter.id not in done and (not self._consumers or letter.consumer in self._consumers)
        ]

    async def get(self, letter_id: str) -> DeadLetter:
        for letter in await self.waiting():
            if letter.id == letter_id:
                return letter
        raise NotFound(f"no dead letter {letter_id} is waiting")

    async def replay(self, letter_ids: Sequence[str], actor: str) -> list[DeadLetter]:
        """Send each back to its source topic unchanged; ``[]`` means every waiting one."""
        letters = await self._chosen(letter_ids)
        await self._actions_topic()
        async with _producer(self._bootstrap) as producer:
            for letter in letters:
                headers = [(k, v.encode()) for k, v in letter.headers.items()]
                await producer.send_and_wait(
                    letter.source_topic,
                    letter.value.encode(),
                    key=letter.key.encode() if letter.key is not None else None,
                    headers=[*headers, (REPLAYED_FROM, letter.id.encode())],
                )
                await self._record(producer, letter, "replayed", actor)
        return letters

    async def purge(self, letter_ids: Sequence[str], actor: str) -> list[DeadLetter]:
        """Mark as dealt with without replaying; ``[]`` means every waiting one."""
        letters = await self._chosen(letter_ids)
        await self._actions_topic()
        async with _producer(self._bootstrap) as producer:
            for letter in letters:
                await self._record(producer, letter, "purged", actor)
        return letters

    async def _chosen(self, letter_ids: Sequence[str]) -> list[DeadLetter]:
        waiting = await self.waiting()
        if not letter_ids:
            return waiting
        by_id = {letter.id: letter for letter in waiting}
        missing = [i for i in letter_ids if i not in by_id]
        if missing:
            raise NotFound(f"no dead letter {', '.join(missing)} is waiting")
        return [by_id[i] for i in letter_ids]

    async def _handled(self) -> set[str]:
        return {
            bytes(r.key or b"").decode() for r in await _read_all(self._bootstrap, [self._actions])
        }

    async def _actions_topic(self) -> None:
        await ensure_topics(self._bootstrap, [self._actions])

    async def _record(
        self, producer: AIOKafkaProducer, letter: DeadLetter, action: str, actor: str
    ) -> None:
        body = {
            "action": action,
            "by": actor,
            "at": datetime.now(UTC).isoformat(),
            "consumer": letter.consumer,
        }
        await producer.send_and_wait(
            self._actions, json.dumps(body).encode(), key=letter.id.encode()
        )


class _producer:
    def __init__(self, bootstrap: str) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
        )

    async def __aenter__(self) -> AIOKafkaProducer:
        await self._producer.start()
        return self._producer

    async def __aexit__(self, *exc: object) -> None:
        await self._producer.stop()
