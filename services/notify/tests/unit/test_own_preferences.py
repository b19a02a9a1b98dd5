"""A person's own preferences: set over their directory entry, never over what the
admins keep (addresses, duty, supervising, leads)."""

from datetime import time

import pytest

from services.notify.domain.channels import Channel
from services.notify.domain.preferences import OwnPreferences, Person, TimeWindow
from services.notify.domain.rendering import Kind

LISTED = Person(
    "li.wei", "acme", "李伟", "+8613900000000", "li.wei@example.cn", "zh-CN", "Asia/Shanghai",
    None, {Kind.URGED: frozenset({Channel.SMS})}, on_duty=True, supervisor=True,
    leads=frozenset({"noc"}),
)  # fmt: skip


def test_preferences_replace_only_the_preference_fields_of_the_entry():
    own = OwnPreferences("ru", "Europe/Moscow", TimeWindow(time(22), time(7)),
                         {Kind.ASSIGNED: frozenset({Channel.IN_APP})})  # fmt: skip

    changed = own.applied_to(LISTED, "acme", "li.wei")

    assert (changed.language, changed.time_zone, changed.quiet_hours) == (
        "ru", "Europe/Moscow", TimeWindow(time(22), time(7)))  # fmt: skip
    assert changed.channels == {Kind.ASSIGNED: frozenset({Channel.IN_APP})}
    assert (changed.name, changed.phone, changed.email) == (
        "李伟", "+8613900000000", "li.wei@example.cn")  # fmt: skip
    assert (changed.on_duty, changed.supervisor, changed.leads) == (True, True, {"noc"})
    assert OwnPreferences.of(changed) == own


def test_someone_not_listed_gets_an_entry_with_only_their_preferences():
    created = OwnPreferences(language="en").applied_to(None, "acme", "requester.acme")

    assert created == Person("requester.acme", "acme", language="en")
    assert OwnPreferences.of(None) == OwnPreferences()


@pytest.mark.parametrize(
    ("bad", "said"), [({"language": "fr"}, "language"), ({"time_zone": "Mars/Olympus"}, "zone")]
)
def test_an_unknown_language_or_zone_is_refused(bad, said):
    with pytest.raises(ValueError, match=said):
        OwnPreferences(**bad)
