"""Idempotent index creation at service start-up, against what the server reports.

``create_indexes`` alone is not idempotent in practice: a server may store an index with
options it added itself (``2dsphereIndexVersion``, ``v``) and then refuse the same request
on the next start as a conflicting spec. So the indexes a service wants are compared with
the ones that exist, by key and by the options that change what an index means, and only
the missing ones are created.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo.leases import lease_indexes
from shared.mongo.outbox_store import OUTBOX, OUTBOX_INDEXES, RELAY_LEASES
from shared.mongo.unit_of_work import PROCESSED_EVENTS, processed_events_indexes
from shared.settings import MongoSettings

DEFAULT_PROCESSED_EVENTS_TTL_S: int = MongoSettings.model_fields["processed_events_ttl_s"].default


def kernel_indexes(processed_events_ttl_s: int) -> Mapping[str, Sequence[IndexModel]]:
    return {
        OUTBOX: OUTBOX_INDEXES,
        PROCESSED_EVENTS: processed_events_indexes(processed_events_ttl_s),
        **lease_indexes(*RELAY_LEASES),
    }


# Options that change which documents an index holds or how it constrains them. Anything
# else the server reports (v, ns, background, 2dsphereIndexVersion, …) is bookkeeping.
_MEANINGFUL = ("unique", "sparse", "partialFilterExpression", "collation", "hidden")
_DEFAULTS: Mapping[str, Any] = {"unique": False, "sparse": False, "hidden": False}
_TTL = "expireAfterSeconds"


class IndexConflict(RuntimeError):
    """An existing index has the wanted name or key but means something else."""


@dataclass(frozen=True)
class IndexPlan:
    create: list[IndexModel] = field(default_factory=list)
    # name → the TTL to set with collMod (the only option changeable in place)
    retime: dict[str, int] = field(default_factory=dict)
    # names of indexes an earlier version made and this one replaced
    drop: list[str] = field(default_factory=list)


def _key(spec: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, _direction(value)) for name, value in spec["key"].items())


def _direction(value: Any) -> Any:
    # Servers report 1 as 1, 1.0 or Int64(1); the meaning is the number.
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _options(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(spec.get(name, _DEFAULTS.get(name))) for name in _MEANINGFUL}


def _plain(value: Any) -> Any:
    """SON and dict compare equal by content once both are plain dicts."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return _direction(value)


def _ttl(spec: Mapping[str, Any]) -> int | None:
    value = spec.get(_TTL)
    return None if value is None else int(value)


def plan_indexes(
    existing: Iterable[Mapping[str, Any]],
    wanted: Sequence[IndexModel],
    retired: Iterable[str] = (),
) -> IndexPlan:
    """What to create, change or drop so that ``wanted`` exists and no ``retired`` index
    (by name) is left to slow every write; pure, so it is tested alone."""
    by_name = {spec["name"]: spec for spec in existing}
    by_key = {_key(spec): spec for spec in by_name.values()}
    wanted_names = {model.document["name"] for model in wanted}
    plan = IndexPlan(drop=[n for n in retired if n in by_name and n not in wanted_names])
    for model in wanted:
        spec = model.document
        have = by_name.get(spec["name"]) or by_key.get(_key(spec))
        if have is None:
            plan.create.append(model)
            continue
        _check_same_meaning(have, spec)
        ttl = _ttl(spec)
        if _ttl(have) != ttl:
            if ttl is None or _ttl(have) is None:
                raise IndexConflict(
                    f"index {have['name']!r}: a TTL cannot be added to or removed from an "
                    f"existing index ({_describe(have)} → {_describe(spec)}); drop it first"
                )
            plan.retime[have["name"]] = ttl
    return plan


def _check_same_meaning(have: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    if _key(have) != _key(spec) or _options(have) != _options(spec):
        raise IndexConflict(
            f"index {have['name']!r} exists as {_describe(have)} but this version wants "
            f"{_describe(spec)}; drop or migrate it before starting"
        )


def _describe(spec: Mapping[str, Any]) -> str:
    options = {k: v for k, v in _options(spec).items() if v != _DEFAULTS.get(k)}
    ttl = _ttl(spec)
    return (
        f"key {dict(_key(spec))}"
        + (f" {options}" if options else "")
        + (f" ttl {ttl}s" if ttl is not None else "")
    )


async def ensure_indexes(
    db: AsyncDatabase[Any],
    indexes: Mapping[str, Sequence[IndexModel]],
    processed_events_ttl_s: int = DEFAULT_PROCESSED_EVENTS_TTL_S,
    retired: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Create every missing index of the kernel's collections and of ``indexes``, and drop
    the ``retired`` ones (collection → index names) an earlier version created."""
    for collection, models in {**kernel_indexes(processed_events_ttl_s), **indexes}.items():
        if not models:
            continue
        existing = await (await db[collection].list_indexes()).to_list()
        plan = plan_indexes(existing, models, (retired or {}).get(collection, ()))
        for name in plan.drop:
            await db[collection].drop_index(name)
        if plan.create:
            await db[collection].create_indexes(plan.create)
        for name, seconds in plan.retime.items():
            await db.command({"collMod": collection, "index": {"name": name, _TTL: seconds}})
