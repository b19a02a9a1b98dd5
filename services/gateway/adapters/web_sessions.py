"""The dashboard's server-side sessions and pending sign-ins, in the gateway's database.

The browser holds only a random id (an HttpOnly cookie); the tokens stay here, so every
gateway replica serves the same session. MongoDB's TTL index forgets expired ones.
"""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.web.ports import PendingLogin, WebSession

WEB_SESSIONS = "web_sessions"
WEB_LOGINS = "web_logins"


def web_indexes() -> dict[str, list[IndexModel]]:
    ttl = [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0)]
    return {WEB_SESSIONS: ttl, WEB_LOGINS: ttl}


class MongoWebSessions:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._sessions = db[WEB_SESSIONS]
        self._logins = db[WEB_LOGINS]

    async def save(self, session: WebSession) -> None:
        doc = {k: v for k, v in vars(session).items() if k != "session_id"}
        await self._sessions.replace_one({"_id": session.session_id}, doc, upsert=True)

    async def get(self, session_id: str, now: datetime) -> WebSession | None:
        doc = await self._sessions.find_one({"_id": session_id, "expires_at": {"$gt": now}})
        if doc is None:
            return None
        return WebSession(session_id=doc.pop("_id"), **doc)

    async def delete(self, session_id: str) -> None:
        await self._sessions.delete_one({"_id": session_id})

    async def begin(self, login: PendingLogin) -> None:
        doc = {k: v for k, v in vars(login).items() if k != "state"}
        await self._logins.insert_one({"_id": login.state, **doc})

    async def finish(self, state: str, now: datetime) -> PendingLogin | None:
        """The pending sign-in, once: a replayed callback finds nothing."""
        doc = await self._logins.find_one_and_delete({"_id": state, "expires_at": {"$gt": now}})
        if doc is None:
            return None
        return PendingLogin(state=doc.pop("_id"), **doc)
