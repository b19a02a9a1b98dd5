import pytest
from bson import SON, Int64
from pymongo import ASCENDING, DESCENDING, GEOSPHERE, IndexModel

from shared.mongo.indexes import IndexConflict, plan_indexes

GEO = IndexModel([("location", GEOSPHERE)])
TTL = IndexModel([("sent_at", ASCENDING)], expireAfterSeconds=600)
UNIQUE = IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)], unique=True)
PARTIAL = IndexModel(
    [("ref", ASCENDING)], unique=True, partialFilterExpression={"ref": {"$type": "string"}}
)


def reported(model, **server_extras):
    """An index as a server lists it: SON, a version, its own bookkeeping options."""
    spec = model.document
    return (
        SON([("v", 2), ("key", SON(spec["key"])), ("name", spec["name"])])
        | {k: v for k, v in spec.items() if k not in ("key", "name")}
        | server_extras
    )


def test_nothing_exists_so_everything_is_created():
    plan = plan_indexes([], [GEO, TTL, UNIQUE])
    assert [m.document["name"] for m in plan.create] == [
        "location_2dsphere",
        "sent_at_1",
        "tenant_id_1_number_1",
    ]
    assert plan.retime == {}


def test_a_2dsphere_index_the_server_annotated_is_the_same_index():
    existing = [reported(GEO, **{"2dsphereIndexVersion": 3})]
    assert plan_indexes(existing, [GEO]).create == []


def test_server_bookkeeping_and_number_types_do_not_make_an_index_different():
    existing = [
        reported(UNIQUE, background=True, ns="db.tickets"),
        reported(PARTIAL),
        SON([("v", 2), ("key", SON([("a", 1.0), ("b", Int64(-1))])), ("name", "a_1_b_-1")]),
    ]
    wanted = [UNIQUE, PARTIAL, IndexModel([("a", ASCENDING), ("b", DESCENDING)])]
    assert plan_indexes(existing, wanted).create == []


def test_only_the_missing_index_is_created():
    plan = plan_indexes([reported(GEO)], [GEO, UNIQUE])
    assert [m.document["name"] for m in plan.create] == ["tenant_id_1_number_1"]


def test_the_same_key_under_another_name_counts_as_present():
    other_name = IndexModel([("location", GEOSPHERE)], name="geo")
    assert plan_indexes([reported(other_name)], [GEO]).create == []


def test_a_changed_ttl_is_changed_in_place():
    old = IndexModel([("sent_at", ASCENDING)], expireAfterSeconds=60)
    plan = plan_indexes([reported(old)], [TTL])
    assert (plan.create, plan.retime) == ([], {"sent_at_1": 600})


@pytest.mark.parametrize(
    ("have", "want"),
    [
        (IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)]), UNIQUE),
        (UNIQUE, IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)])),
        (IndexModel([("ref", ASCENDING)], unique=True), PARTIAL),
        (IndexModel([("sent_at", ASCENDING)]), TTL),
        (IndexModel([("x", ASCENDING)], name="sent_at_1"), TTL),
    ],
    ids=["unique-added", "unique-dropped", "partial-added", "ttl-added", "name-taken"],
)
def test_an_index_that_means_something_else_is_refused_with_both_specs(have, want):
    with pytest.raises(IndexConflict) as refused:
        plan_indexes([reported(have)], [want])
    message = str(refused.value)
    assert repr(have.document["name"]) in message
    assert message.count("key {") == 2  # what exists and what is wanted


def test_a_retired_index_that_exists_is_dropped_and_one_that_does_not_is_left_alone():
    old = IndexModel([("tenant_id", ASCENDING), ("search", ASCENDING)])
    plan = plan_indexes([reported(old), reported(UNIQUE)], [UNIQUE], ["tenant_id_1_search_1"])
    assert plan.drop == ["tenant_id_1_search_1"]
    assert plan_indexes([reported(UNIQUE)], [UNIQUE], ["tenant_id_1_search_1"]).drop == []


def test_an_index_still_wanted_is_never_dropped_even_if_named_retired():
    plan = plan_indexes([reported(UNIQUE)], [UNIQUE], ["tenant_id_1_number_1"])
    assert plan.drop == []
