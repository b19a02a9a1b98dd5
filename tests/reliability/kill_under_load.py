"""kill -9 of a service in the middle of a steady load, with every service running.

    python -m tests.reliability.kill_under_load [--service dispatch] [--tickets 300]

Starts its own Kafka and MongoDB (free ports, throw-away data), every service as a process
the way ``make run`` does, and the same supervisor that brings a crashed service back.
Sends submissions through the upstream Kafka topic at a steady rate, kills the service with
SIGKILL after a third of them, and prints what an operator wants to know: tickets sent,
registered, assigned, duplicated, lost, what is in the dead-letter topics, and how long
recovery took. Exits non-zero if anything was lost or duplicated.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from pymongo import AsyncMongoClient

from deploy.local.infra import Endpoints, local_servers
from deploy.local.ports import free_port
from deploy.local.process import ManagedProcess
from deploy.local.services import SERVICES, healthy, service_env, start_services
from deploy.local.supervise import Supervisor
from shared.events import Topics
from shared.events.dispatch import TicketAssigned
from shared.testing.kafka import topic_size
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import provision_tenant
from tests.reliability.harness import steady_load

NAMESPACE, TENANT = "kill", "acme"
RATE = 50
RULES = json.dumps([{"assignee": "li.wei", "group": "noc"}])


def submission(ref: str) -> bytes:
    body = {
        "tenant_id": TENANT, "source": "phone", "external_ref": ref, "type": "incident",
        "subject": "宽带无法上网", "contact": {"phone": "+8613800138000"},
        "urgency": 2, "impact": 2,
    }  # fmt: skip
    return json.dumps(body).encode()


async def supervise(supervisor: Supervisor, done: asyncio.Event) -> None:
    while not done.is_set():
        supervisor.check()
        await asyncio.sleep(0.5)


def wait_healthy(port: int) -> None:
    while not healthy(port):
        time.sleep(0.2)


async def kill_when(process: ManagedProcess, port: int, sent_enough: asyncio.Event) -> float:
    """Kill after the trigger; return how long the service took to answer /health again."""
    await sent_enough.wait()
    process.kill()
    killed = time.monotonic()
    print(f"killed {process.name} (SIGKILL) with the load running", flush=True)
    await asyncio.to_thread(wait_healthy, port)
    return time.monotonic() - killed


async def assigned_count(db, tickets: int, timeout_s: float) -> tuple[int, float]:
    started = time.monotonic()
    orders = db["work_orders"]
    while time.monotonic() - started < timeout_s:
        done = await orders.count_documents({"status": "assigned"})
        if done >= tickets:
            return done, time.monotonic() - started
        await asyncio.sleep(0.5)
    return await orders.count_documents({"status": "assigned"}), timeout_s


async def measure(endpoints: Endpoints, victim: str, tickets: int, logs: Path) -> int:
    topics = Topics(NAMESPACE)
    ports = {name: free_port() for name in SERVICES}
    envs = {
        n: service_env(endpoints, ports[n], NAMESPACE, f"{NAMESPACE}_{n}")
        | {"TICKETFLOW_REPLICA_ID": n}  # as make run does
        for n in SERVICES
    }
    envs["dispatch"] |= {"TICKETFLOW_ASSIGNMENT_RULES": RULES}
    processes = await asyncio.to_thread(start_services, envs, logs)
    await provision_tenant(f"http://127.0.0.1:{ports['intake']}", TENANT)
    by_name = {p.name: p for p in processes}
    mongo: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(endpoints.mongo_url)
    done, sent_enough = asyncio.Event(), asyncio.Event()
    load = [(f"call-{i:05d}".encode(), submission(f"call-{i:05d}")) for i in range(tickets)]
    try:
        async with TopicRecorder(endpoints.kafka_bootstrap, topics.dispatch_events) as published:
            watcher = asyncio.create_task(supervise(Supervisor(processes), done))
            killer = asyncio.create_task(kill_when(by_name[victim], ports[victim], sent_enough))
            started = time.monotonic()
            await steady_load(endpoints.kafka_bootstrap, topics.upstream_submissions,
                              load[: tickets // 3], RATE)  # fmt: skip
            sent_enough.set()
            await steady_load(endpoints.kafka_bootstrap, topics.upstream_submissions,
                              load[tickets // 3 :], RATE)  # fmt: skip
            sent_s = time.monotonic() - started
            back_s = await killer
            assigned, waited_s = await assigned_count(mongo[f"{NAMESPACE}_dispatch"], tickets, 300)
            await asyncio.sleep(2)  # let the relay publish what it committed last
            done.set()
            await watcher
            events = published.events()
        return await report(mongo, endpoints, topics, tickets, assigned, events,
                            sent_s, back_s, waited_s)  # fmt: skip
    finally:
        await mongo.close()
        for process in processes:
            await asyncio.to_thread(process.stop)


async def report(mongo, endpoints, topics, sent, assigned, events, sent_s, back_s, waited_s):
    intake = mongo[f"{NAMESPACE}_intake"]["tickets"]
    refs = [t["external_ref"] async for t in intake.find({}, {"external_ref": 1})]
    assignments = defaultdict(set)
    for event in events:
        if isinstance(event, TicketAssigned):
            assignments[event.ticket_id].add(event.event_id)
    duplicated_tickets = len(refs) - len(set(refs))
    duplicated_assignments = sum(1 for ids in assignments.values() if len(ids) > 1)
    dlq = {}
    for topic in (topics.upstream_submissions, topics.intake_events, topics.dispatch_events,
                  topics.sla_events):  # fmt: skip
        dlq[f"{topic}.dlq"] = await topic_size(endpoints.kafka_bootstrap, f"{topic}.dlq")
    lost = sent - assigned
    print(f"sent {sent} in {sent_s:.1f}s; registered {len(set(refs))}; assigned {assigned};"
          f" assignment events {len(assignments)}")  # fmt: skip
    print(
        f"duplicated tickets {duplicated_tickets}; tickets assigned twice "
        f"{duplicated_assignments}; lost {lost}; dead-lettered {sum(dlq.values())} {dlq}"
    )
    print(
        f"killed service answered /health again after {back_s:.1f}s; every ticket assigned "
        f"{waited_s:.1f}s after the last submission was sent"
    )
    return (
        0 if lost == duplicated_tickets == duplicated_assignments == sum(dlq.values()) == 0 else 1
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.kill_under_load")
    parser.add_argument("--service", choices=SERVICES, default="dispatch")
    parser.add_argument("--tickets", type=int, default=300)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="ticketflow-kill-") as tmp,
        local_servers(Path(tmp)) as endpoints,
    ):
        return asyncio.run(measure(endpoints, args.service, args.tickets, Path(tmp) / "logs"))


if __name__ == "__main__":
    sys.exit(main())
