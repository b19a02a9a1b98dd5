"""``python -m shared.dlq list|show ID|replay [ID ...]|purge [ID ...]``

Reads ``TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS`` and ``TICKETFLOW_TOPIC_NAMESPACE`` like the
services. Without ``--topic`` it looks at every dead-letter topic of the namespace;
``--consumer`` narrows to one consumer group. ``replay`` and ``purge`` without ids act on
every waiting dead letter (after ``--yes``).
"""

import argparse
import asyncio
import json
import os
import sys
from dataclasses import asdict

from aiokafka.admin import AIOKafkaAdminClient

from shared.dlq.desk import DeadLetter, DeadLetterDesk
from shared.errors import NotFound
from shared.events.topics import DLQ_SUFFIX
from shared.settings import KafkaSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.dlq", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument("--topic", action="append", default=[], help="a source topic (repeatable)")
    parser.add_argument("--consumer", action="append", default=[], help="a consumer group")
    parser.add_argument("--yes", action="store_true", help="confirm acting on every waiting one")
    parser.add_argument("--by", default=os.environ.get("USER", "cli"), help="who acts (recorded)")
    parser.add_argument("command", choices=["list", "show", "replay", "purge"])
    parser.add_argument("ids", nargs="*")
    return parser


async def _source_topics(bootstrap: str, namespace: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = await admin.list_topics()
    finally:
        await admin.close()
    return sorted(
        n.removesuffix(DLQ_SUFFIX)
        for n in names
        if n.startswith(f"{namespace}.") and n.endswith(DLQ_SUFFIX)
    )


def _line(letter: DeadLetter) -> str:
    return (f"{letter.id}  {letter.dead_lettered_at:%Y-%m-%d %H:%M:%S}  {letter.consumer}  "
            f"{letter.error_type}: {letter.error[:120]}")  # fmt: skip


async def run(args: argparse.Namespace, settings: KafkaSettings) -> int:
    bootstrap = settings.kafka_bootstrap_servers
    topics = args.topic or await _source_topics(bootstrap, settings.topic_namespace)
    desk = DeadLetterDesk(bootstrap, settings.topics, topics, args.consumer)
    if args.command == "list":
        letters = await desk.waiting()
        print("\n".join(_line(letter) for letter in letters) or "no dead letters waiting")
        return 0
    if args.command == "show":
        for letter_id in args.ids:
            print(
                json.dumps(
                    asdict(await desk.get(letter_id)), default=str, ensure_ascii=False, indent=2
                )
            )
        return 0
    if not args.ids and not args.yes:
        print(f"{args.command} every waiting dead letter? add --yes", file=sys.stderr)
        return 2
    act, did = (desk.replay, "replayed") if args.command == "replay" else (desk.purge, "purged")
    done = await act(args.ids, args.by)
    print(f"{did} {len(done)}: {', '.join(letter.id for letter in done)}")
    return 0


def main() -> int:
    args = _parser().parse_args()
    try:
        return asyncio.run(run(args, KafkaSettings()))
    except NotFound as missing:
        print(missing.message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
