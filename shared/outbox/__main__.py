"""``python -m shared.outbox list|replay [ID ...]|purge [ID ...]``

Reads ``TICKETFLOW_MONGO_URL`` and ``TICKETFLOW_MONGO_DB`` (the service's own database, e.g.
``ticketflow_dispatch``) like the services do. ``list`` shows the parked outbox messages
with their errors; ``replay`` makes them pending again so the relay sends them; ``purge``
gives them up. Without ids both act on every parked message (after ``--yes``).
"""

import argparse
import asyncio
import sys

from pydantic import ValidationError

from shared.mongo.client import create_mongo_client
from shared.mongo.outbox_store import MongoOutboxStore, ParkedMessage
from shared.settings import MongoSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.outbox", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument("--yes", action="store_true", help="confirm acting on every parked one")
    parser.add_argument("--limit", type=int, default=1000, help="at most this many listed")
    parser.add_argument("command", choices=["list", "replay", "purge"])
    parser.add_argument("ids", nargs="*")
    return parser


def _line(m: ParkedMessage) -> str:
    return (f"{m.id}  {m.created_at:%Y-%m-%d %H:%M:%S}  {m.topic}  {m.event_type}  "
            f"key={m.key}  failures={m.failures}  {(m.last_error or '')[:120]}")  # fmt: skip


async def run(args: argparse.Namespace, settings: MongoSettings) -> int:
    client = create_mongo_client(settings, "ticketflow-outbox-cli")
    try:
        outbox = MongoOutboxStore(client[settings.mongo_db])
        if args.command == "list":
            parked = await outbox.parked(args.limit)
            print("\n".join(_line(m) for m in parked) or "no parked messages")
            return 0
        if not args.ids and not args.yes:
            print(f"{args.command} every parked message? add --yes", file=sys.stderr)
            return 2
        act, did = (
            (outbox.unpark, "replayed")
            if args.command == "replay"
            else (outbox.purge_parked, "purged")
        )
        done = await act(args.ids)
        print(f"{did} {len(done)}: {', '.join(done)}")
        return 0
    finally:
        await client.close()


def main() -> int:
    args = _parser().parse_args()
    try:
        settings = MongoSettings()
    except ValidationError as error:
        print(f"set TICKETFLOW_MONGO_DB to the service's database: {error}", file=sys.stderr)
        return 2
    return asyncio.run(run(args, settings))


if __name__ == "__main__":
    sys.exit(main())
