"""``python -m deploy.local run``: Kafka, MongoDB, Keycloak and every service, until Ctrl-C.

Data persists in ``.local/run`` (so re-running keeps tickets); logs go to
``.local/run/logs/<name>.log``. A service that exits on its own (a crash, ``kill -9``) is
started again. ``python -m deploy.local servers`` starts only Kafka and
MongoDB on their default ports, for running services from an IDE.
"""

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

from deploy.local.demo import (
    COMPLAINT_REF,
    DEMO_ASSIGNMENT_RULES,
    close_demo_complaint,
    post_demo_tickets,
    provision_demo_people,
    provision_demo_tenants,
)
from deploy.local.infra import Endpoints, local_servers
from deploy.local.keycloak import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    KeycloakConfig,
    keycloak_process,
    keycloak_ready,
)
from deploy.local.paths import LOCAL
from deploy.local.ports import port_open
from deploy.local.process import ManagedProcess, ProcessFailed
from deploy.local.services import SERVICES, service_env, start_services
from deploy.local.sign_in import sign_in
from deploy.local.supervise import Supervisor

RUN_DIR = LOCAL / "run"
KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT, KEYCLOAK_PORT = 9092, 9093, 27017, 8080
SUPERVISE_INTERVAL_S = 1.0
SERVICE_PORTS = {
    "gateway": 8000, "intake": 8001, "dispatch": 8002, "sla": 8003, "qc": 8004, "notify": 8005,
}  # fmt: skip
# notify's outbox for people: SMS as JSON lines, e-mail as .eml files from a local SMTP server.
MAIL_PORT, NOTIFY_DIR = 8025, LOCAL / "notify"
KEYCLOAK = KeycloakConfig(KEYCLOAK_PORT)
ALL_PORTS = (KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT, KEYCLOAK_PORT, MAIL_PORT,
             *SERVICE_PORTS.values())  # fmt: skip
# Keycloak builds itself on every development-mode start: about a minute on two cores.
KEYCLOAK_STARTUP_S = 300.0
# The services that take a tenant's configuration only once intake has announced it.
KNOWING_TENANTS = ("dispatch", "sla", "qc", "notify")
DEMO_ROLES = (
    "requester", "agent", "dispatcher", "field-engineer", "group-lead", "inspector",
    "supervisor", "admin",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local")
    parser.add_argument("command", choices=["run", "servers", "token"])
    parser.add_argument("username", nargs="?", help="token: whose (a demo login)")
    args = parser.parse_args()
    if args.command == "token":
        return _print_token(args.username)
    busy = [p for p in ALL_PORTS if port_open(p)]
    if busy:
        print(
            f"ports {busy} are in use on 127.0.0.1: is ticketflow already running?", file=sys.stderr
        )
        return 1
    stop = _stop_on_signals()
    try:
        with ExitStack() as running:
            # Keycloak first: it takes longest, and nothing waits for it until the end.
            keycloak = _start_keycloak(running) if args.command == "run" else None
            endpoints = running.enter_context(_servers())
            processes = _start_services(endpoints, running) if keycloak else []
            if keycloak:
                keycloak.wait_until(
                    lambda: keycloak_ready(KEYCLOAK), KEYCLOAK_STARTUP_S, "Keycloak"
                )
                processes.append(keycloak)
            _announce(endpoints, with_services=keycloak is not None)
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


def _start_keycloak(running: ExitStack) -> ManagedProcess:
    # The services do not wait for it: the gateway fetches the signing keys when the first
    # token arrives.
    print("starting Keycloak …", flush=True)
    keycloak = keycloak_process(KEYCLOAK, RUN_DIR / "logs" / "keycloak.log")
    keycloak.start()
    running.callback(keycloak.stop)
    return keycloak


def _start_services(endpoints: Endpoints, running: ExitStack) -> list[ManagedProcess]:
    print(f"starting {', '.join(SERVICES)} …", flush=True)
    # One process per service here, so the service name is a unique, stable replica id: a
    # restarted service takes its own leases (outbox shards, SLA timers) back at once.
    envs = {
        name: service_env(endpoints, SERVICE_PORTS[name]) | {"TICKETFLOW_REPLICA_ID": name}
        for name in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": DEMO_ASSIGNMENT_RULES}
    envs["gateway"] |= {"TICKETFLOW_OIDC_ISSUER": KEYCLOAK.issuer}
    envs["notify"] |= {
        "TICKETFLOW_SMS_PROVIDER": "file", "TICKETFLOW_SMS_FILE": str(NOTIFY_DIR / "sms.jsonl"),
        "TICKETFLOW_SMTP_HOST": "127.0.0.1", "TICKETFLOW_SMTP_PORT": str(MAIL_PORT),
        # Everything runs on this machine: a webhook receiver to try is on it too.
        "TICKETFLOW_WEBHOOK_ALLOW_PRIVATE": "true",
    }  # fmt: skip
    mail = ManagedProcess(
        "mail", [sys.executable, "-m", "deploy.local.mail_catcher", str(NOTIFY_DIR / "mail"),
                 str(MAIL_PORT)], RUN_DIR / "logs" / "mail.log",
    )  # fmt: skip
    mail.start()
    running.callback(mail.stop)
    processes = [mail, *start_services(envs, RUN_DIR / "logs")]
    for process in processes:
        running.callback(process.stop)
    return processes


def _announce(endpoints: Endpoints, with_services: bool) -> None:
    print(f"\nKafka   {endpoints.kafka_bootstrap}\nMongoDB {endpoints.mongo_url}")
    if with_services:
        provision_demo_tenants(_url("intake"), [_url(name) for name in KNOWING_TENANTS])
        provision_demo_people(_url("notify"))
        tickets = post_demo_tickets(_url("intake"))
        print(f"demo tickets: {', '.join(number for number, _ in tickets.values())}")
        number, complaint = tickets[COMPLAINT_REF]
        closed = close_demo_complaint(_url("dispatch"), _url("qc"), complaint)
        print(
            f"the demo complaint {number} is {closed}: its inspection and return visit are "
            f"in qc ({_url('qc')}/tenants/demo/inspections, …/return-visits)"
        )
        for name, port in SERVICE_PORTS.items():
            print(f"{name:<8} http://127.0.0.1:{port}/docs")
        print(f"messages notify sent: SMS in {NOTIFY_DIR / 'sms.jsonl'}, e-mail in "
              f"{NOTIFY_DIR / 'mail'} (SMTP on 127.0.0.1:{MAIL_PORT})")  # fmt: skip
        _announce_sign_in()
    print(f"logs in {RUN_DIR / 'logs'}; Ctrl-C stops everything.", flush=True)


def _url(service: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[service]}"


def _print_token(username: str | None) -> int:
    """An access token of a demo login of the running ``make run``, for curl."""
    if not username:
        print(
            "usage: python -m deploy.local token USERNAME (e.g. dispatcher.demo)", file=sys.stderr
        )
        return 2
    print(asyncio.run(sign_in(KEYCLOAK.issuer, username)))
    return 0


def _announce_sign_in() -> None:
    print(f"\nsign-in  {KEYCLOAK.issuer} (Keycloak; its console: {KEYCLOAK.url}/admin, "
          f"{ADMIN_USER} / {ADMIN_PASSWORD})")  # fmt: skip
    print("demo logins (password 'demo'), one per role and tenant:")
    for tenant in ("demo", "demo-postal"):
        print(f"  {tenant:<12} " + "  ".join(f"{role}.{tenant}" for role in DEMO_ROLES))
    print("  li.wei (field engineer, demo), zhang.min (agent, demo), platform.admin")
    gateway = f"http://127.0.0.1:{SERVICE_PORTS['gateway']}"
    print(f"the ops dashboard: {gateway}/ui/queue (sign in as dispatcher.demo / demo)")
    print(
        f"the gateway with a token:\n  TOKEN=$(.venv/bin/python -m deploy.local token "
        f'dispatcher.demo)\n  curl -H "Authorization: Bearer $TOKEN" {gateway}/tickets'
    )


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
