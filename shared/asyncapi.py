"""The Kafka contract of one service as an AsyncAPI 3.0 document (FastStream's), served at
``GET /asyncapi.json``: the topics it consumes, and the events it publishes with their
JSON schemas (the services publish through the outbox relay, so the published topics are
declared here for the document)."""

from collections.abc import Sequence
from typing import Annotated, Any, Union

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import Field

from shared.events import Topics
from shared.events.codec import EVENT_CLASSES


def declare_published(broker: KafkaBroker, topics: Topics, produced: Sequence[str]) -> None:
    for topic in produced:
        classes = tuple(c for c in EVENT_CLASSES if getattr(topics, c.topic_attr) == topic)
        if not classes:
            continue
        union: Any = Union[classes] if len(classes) > 1 else classes[0]  # noqa: UP007
        keys = " or ".join(sorted({c.keyed_by for c in classes}))
        broker.publisher(
            topic,
            title=f"{topic}:Publish",
            description=f"Events keyed by {keys}: {', '.join(c.__name__ for c in classes)}",
            schema=Annotated[union, Field(discriminator="event_type")]
            if len(classes) > 1
            else union,
        )


def install_asyncapi(app: FastAPI, broker: KafkaBroker, title: str, version: str) -> None:
    async def document() -> dict[str, Any]:
        spec = AsyncAPI(broker, title=title, version=version).to_specification()
        jsonable: dict[str, Any] = spec.to_jsonable()
        return jsonable

    app.add_api_route("/asyncapi.json", document, methods=["GET"], include_in_schema=False)
