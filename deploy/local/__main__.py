"""``python -m deploy.local run``: Kafka, MongoDB and every service, until Ctrl-C.

Data persists in ``.local/run`` (so re-running keeps tickets); logs go to
``.local/run/logs/<name>.log``. A service that exits on its own (a crash, ``kill -9``) is
started again. ``python -m deploy.local servers`` starts only Kafka and
MongoDB on their default ports, for running services from an IDE.
"""

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

from deploy.local.demo import DEMO_ASSIGNMENT_RULES, post_demo_tickets
from deploy.local.infra import Endpoints, local_servers
from deploy.local.paths import LOCAL
from deploy.local.ports import port_open
from deploy.local.process import ManagedProcess, ProcessFailed
from deploy.local.services import SERVICES, service_env, start_services
from deploy.local.supervise import Supervisor

RUN_DIR = LOCAL / "run"
KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT = 9092, 9093, 27017
SUPERVISE_INTERVAL_S = 1.0
SERVICE_PORTS = {"gateway": 8000, "intake": 8001, "dispatch": 8002, "sla": 8003}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local")
    parser.add_argument("command", choices=["run", "servers"])
    args = parser.parse_args()
    busy = [
        p
        for p in (KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT, *SERVICE_PORTS.values())
        if port_open(p)
    ]
    if busy:
        print(
            f"ports {busy} are in use on 127.0.0.1: is ticketflow already running?", file=sys.stderr
        )
        return 1
    stop = _stop_on_signals()
    try:
        with _servers() as endpoints, ExitStack() as services:
            processes: list[ManagedProcess] = []
            if args.command == "run":
                processes = _start_services(endpoints)
                for process in processes:
                    services.callback(process.stop)
                _announce(endpoints, with_services=True)
            else:
                _announce(endpoints, with_services=False)
            supervisor = Supervisor(processes, lambda line: print(line, flush=True))
            while not stop.wait(SUPERVISE_INTERVAL_S):
                supervisor.check()
    except ProcessFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    print("stopped.")
    return 0


@contextmanager
def _servers() -> Iterator[Endpoints]:
    print("starting MongoDB (SecantusDB) and Apache Kafka …", flush=True)
    with local_servers(RUN_DIR, KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT) as endpoints:
        yield endpoints


def _start_services(endpoints: Endpoints) -> list[ManagedProcess]:
    print(f"starting {', '.join(SERVICES)} …", flush=True)
    # One process per service here, so the service name is a unique, stable replica id: a
    # restarted service takes its own leases (outbox shards, SLA timers) back at once.
    envs = {
        name: service_env(endpoints, SERVICE_PORTS[name]) | {"TICKETFLOW_REPLICA_ID": name}
        for name in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": DEMO_ASSIGNMENT_RULES}
    return start_services(envs, RUN_DIR / "logs")


def _announce(endpoints: Endpoints, with_services: bool) -> None:
    print(f"\nKafka   {endpoints.kafka_bootstrap}\nMongoDB {endpoints.mongo_url}")
    if with_services:
        numbers = post_demo_tickets(f"http://127.0.0.1:{SERVICE_PORTS['intake']}")
        print(f"demo tickets: {', '.join(numbers)}")
        for name, port in SERVICE_PORTS.items():
            print(f"{name:<8} http://127.0.0.1:{port}/docs")
        print(f"\ntickets: curl http://127.0.0.1:{SERVICE_PORTS['gateway']}/tickets")
    print(f"logs in {RUN_DIR / 'logs'}; Ctrl-C stops everything.", flush=True)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        print("\nstopping …", flush=True)
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    return stop


if __name__ == "__main__":
    sys.exit(main())
