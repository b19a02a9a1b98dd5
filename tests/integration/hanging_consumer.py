"""A consumer process whose handler never finishes: the test kills it mid-handler.

Usage: python -m tests.integration.hanging_consumer BOOTSTRAP TOPIC GROUP MARKER_FILE
"""

import asyncio
import sys
from pathlib import Path

from shared.kafka.broker import create_broker, subscribe
from shared.kafka.delivery import InboundMessage
from shared.settings import KafkaSettings


async def main(bootstrap: str, topic: str, group: str, marker: Path) -> None:
    settings = KafkaSettings(kafka_bootstrap_servers=bootstrap, consumer_session_timeout_ms=6000)
    broker = create_broker(settings, "hanging")

    async def handler(message: InboundMessage) -> None:
        marker.write_text(f"{message.partition}:{message.offset}")  # noqa: ASYNC240 - tiny
        await asyncio.Event().wait()  # never returns: the offset must stay uncommitted

    subscribe(broker, settings, topics=[topic], group_id=group, handler=handler)
    await broker.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])))
