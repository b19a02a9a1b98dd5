"""Attachments on the real servers: GridFS storage, sniffing, size limit."""

import json
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from services.intake.adapters.attachments import GridFsBlobs
from services.intake.adapters.mongo import INDEXES, IntakeMongoUnitOfWork
from services.intake.app.attachments import Upload, register_with_attachments
from services.intake.app.handlers import Numbering, RegisterTicket
from services.intake.app.tenants import ProvisionTenant, provision_tenant
from shared.clock import SystemClock
from shared.events import Actor, Topics
from shared.events.intake import AttachmentAdded
from shared.events.submissions import Submission
from shared.mongo.indexes import ensure_indexes
from shared.testing.recorder import TopicRecorder

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
TEN_MB = 10 * 1024 * 1024


async def a_ticket(intake, tenant: str) -> str:
    body = {
        "tenant_id": tenant,
        "source": "app",
        "external_ref": "a-1",
        "type": "repair",
        "subject": "Broken meter, photo attached",
        "account_id": "acct-1",
    }
    response = await intake.post("/tickets", json=body)
    return str(response.json()["ticket_id"])


async def test_a_png_named_pdf_is_stored_as_png(intake, infra, settings, namespace):
    ticket_id = await a_ticket(intake, namespace)
    async with TopicRecorder(infra.kafka_bootstrap, settings.topics.intake_events) as events:
        files = {"file": ("meter.pdf", PNG, "application/pdf")}
        added = await intake.post(f"/tickets/{ticket_id}/attachments", files=files)
        received = await events.wait_for_count(2)
    assert added.status_code == 201
    body = added.json()
    assert (body["content_type"], body["filename"], body["size"]) == (
        "image/png",
        "meter.pdf",
        len(PNG),
    )
    listed = (await intake.get(f"/tickets/{ticket_id}/attachments")).json()
    assert [a["attachment_id"] for a in listed] == [body["attachment_id"]]
    download = await intake.get(f"/tickets/{ticket_id}/attachments/{body['attachment_id']}")
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert isinstance(received[-1], AttachmentAdded)
    assert received[-1].payload.sha256 == body["sha256"]


async def test_ten_megabytes_and_one_byte_is_refused_and_nothing_stored(
    intake, settings, namespace, mongo_client
):
    ticket_id = await a_ticket(intake, namespace)
    content = PNG + b"\x00" * (TEN_MB + 1 - len(PNG))
    files = {"file": ("big.png", content, "image/png")}
    refused = await intake.post(f"/tickets/{ticket_id}/attachments", files=files)
    assert refused.status_code == 413
    exactly = await intake.post(
        f"/tickets/{ticket_id}/attachments", files={"file": ("ok.png", content[:-1], "image/png")}
    )
    assert exactly.status_code == 201
    db = mongo_client[settings.mongo_db]
    assert await db.attachments.count_documents({}) == 1
    assert await db["attachments.files"].count_documents({}) == 1


async def test_a_disallowed_type_is_415(intake, settings, namespace, mongo_client):
    ticket_id = await a_ticket(intake, namespace)
    files = {"file": ("notes.txt", b"MZ\x90\x00 an executable", "text/plain")}
    refused = await intake.post(f"/tickets/{ticket_id}/attachments", files=files)
    assert refused.status_code == 415
    db = mongo_client[settings.mongo_db]
    assert await db["attachments.files"].count_documents({}) == 0
    missing = await intake.post("/tickets/nope/attachments", files=files)
    assert missing.status_code == 404


def form(tenant: str, ref: str, **overrides) -> dict[str, str]:
    body = {
        "tenant_id": tenant,
        "source": "app",
        "external_ref": ref,
        "type": "repair",
        "subject": "Broken meter",
        "account_id": "acct-1",
    } | overrides
    return {"submission": json.dumps(body)}


async def test_files_can_come_with_the_submission(intake, namespace):
    files = [("files", ("a.pdf", PNG, "application/pdf")), ("files", ("b.txt", b"hello", "x/y"))]
    created = await intake.post(
        "/tickets/with-attachments", data=form(namespace, "f-1"), files=files
    )
    assert created.status_code == 201
    body = created.json()
    assert [a["content_type"] for a in body["attachments"]] == ["image/png", "text/plain"]
    again = await intake.post("/tickets/with-attachments", data=form(namespace, "f-1"), files=files)
    assert again.status_code == 200
    # the retry of a lost answer sees the files of the first attempt, and stored no more
    assert again.json()["attachments"] == body["attachments"]
    ticket_id = body["ticket"]["ticket_id"]
    assert len((await intake.get(f"/tickets/{ticket_id}/attachments")).json()) == 2


async def test_one_refused_file_refuses_the_whole_submission(
    intake, settings, namespace, mongo_client
):
    files = [("files", ("a.png", PNG, "image/png")), ("files", ("x.exe", b"MZ\x90", "image/png"))]
    refused = await intake.post(
        "/tickets/with-attachments", data=form(namespace, "f-2"), files=files
    )
    assert refused.status_code == 415
    invalid = await intake.post("/tickets/with-attachments", data=form(namespace, "f-3", urgency=7))
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["detail"]] == ["urgency"]
    db = mongo_client[settings.mongo_db]
    assert await db.tickets.count_documents({}) == 0
    assert await db["attachments.files"].count_documents({}) == 0


class CommitFailsWithFiles(IntakeMongoUnitOfWork):
    """A transaction that records attachments never commits (the connection drops)."""

    async def commit(self) -> None:
        if any(m.headers["event_type"] == "attachment.added" for m in self._outgoing):
            raise RuntimeError("the connection dropped at commit")
        await super().commit()


async def test_a_registration_that_fails_with_its_files_leaves_neither_and_a_retry_has_both(
    settings, namespace, mongo_client
):
    db = mongo_client[settings.mongo_db]
    await ensure_indexes(db, INDEXES)
    topics, clock, numbering = Topics(namespace), SystemClock(), Numbering(ZoneInfo("UTC"))
    blobs = GridFsBlobs(db)
    body = json.loads(form(namespace, "f-9")["submission"])
    cmd = RegisterTicket(Submission.model_validate(body), Actor(id="web", role="system"))
    uploads = [Upload("a.png", PNG), Upload("b.txt", b"hello")]
    good = partial(IntakeMongoUnitOfWork, mongo_client, db, topics, clock)
    await provision_tenant(ProvisionTenant(namespace, "Test tenant"), good)
    try:
        with pytest.raises(RuntimeError, match="dropped at commit"):
            await register_with_attachments(
                cmd, uploads, partial(CommitFailsWithFiles, mongo_client, db, topics, clock), blobs,
                numbering,
            )  # fmt: skip
        left = [
            await db[c].count_documents({}) for c in ("tickets", "attachments", "attachments.files")
        ]
        registration, added = await register_with_attachments(cmd, uploads, good, blobs, numbering)
        stored = await db["attachments.files"].count_documents({})
    finally:
        await mongo_client.drop_database(settings.mongo_db)
    assert left == [0, 0, 0]
    assert registration.created
    assert [a.filename for a in added] == ["a.png", "b.txt"]
    assert stored == 2


async def test_an_unsafe_file_name_is_stored_as_its_base_name(intake, namespace):
    ticket_id = await a_ticket(intake, namespace)
    # (httpx percent-encodes CR/LF in a multipart name; the unit tests cover raw ones)
    files = {"file": ("../../etc/cron.d/x.png", PNG, "image/png")}
    added = await intake.post(f"/tickets/{ticket_id}/attachments", files=files)
    assert (added.status_code, added.json()["filename"]) == (201, "x.png")
    download = await intake.get(f"/tickets/{ticket_id}/attachments/{added.json()['attachment_id']}")
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''x.png"


async def test_an_empty_file_is_a_422_and_stores_nothing(intake, settings, namespace, mongo_client):
    ticket_id = await a_ticket(intake, namespace)
    empty = await intake.post(
        f"/tickets/{ticket_id}/attachments", files={"file": ("e.png", b"", "image/png")}
    )
    files = [("files", ("a.png", PNG, "image/png")), ("files", ("e.txt", b"", "text/plain"))]
    with_submission = await intake.post(
        "/tickets/with-attachments", data=form(namespace, "f-e"), files=files
    )
    assert [d["field"] for d in empty.json()["detail"]] == ["file"]
    assert [d["field"] for d in with_submission.json()["detail"]] == ["files.1"]
    db = mongo_client[settings.mongo_db]
    assert await db["attachments.files"].count_documents({}) == 0
    assert await db.tickets.count_documents({}) == 1
