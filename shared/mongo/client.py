"""The one way a service builds its MongoDB client."""

from typing import Any

from pymongo import AsyncMongoClient

from shared.settings import MongoSettings

Document = dict[str, Any]


def create_mongo_client(settings: MongoSettings, appname: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        settings.mongo_url, tz_aware=True, uuidRepresentation="standard", appname=appname
    )
