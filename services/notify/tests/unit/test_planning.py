"""Who gets which delivery: audiences, mutes, preferences, quiet hours in the person's
own time zone (DST included), critical notices, the legal SMS hours."""

from datetime import UTC, datetime, time

import pytest

from services.notify.domain.channels import Channel
from services.notify.domain.planning import Addressee, Reason, plan
from services.notify.domain.preferences import (
    EMAIL_ONLY,
    Person,
    TenantNotifySettings,
    TimeWindow,
)
from services.notify.domain.rendering import Kind
from services.notify.domain.rules import CONTACT, Audience, Notice, Recipient
from shared.events.notify import DeliveryStatus

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, 06:00 in Moscow
NIGHT = TimeWindow(time(22, 0), time(7, 0))
TENANT = TenantNotifySettings()


def notice(kind: Kind = Kind.TRANSFERRED, actor: str = "dispatcher.demo") -> Notice:
    return Notice(kind, "e-1", NOW, actor)


def staff(**changes: object) -> Addressee:
    person = Person("li.wei", "demo", phone="+8613900000000", email="li.wei@example.cn",
                    **changes)  # type: ignore[arg-type]  # fmt: skip
    return Addressee("Li Wei", person.phone, person.email, person)


def statuses(planned: list) -> dict[Channel, tuple[DeliveryStatus, str | None]]:
    return {p.channel: (p.status, p.reason) for p in planned}


ASSIGNEE = Recipient("li.wei", Audience.ASSIGNEE)


def test_a_transfer_reaches_the_new_assignee_by_sms_and_email_now() -> None:
    planned = plan(notice(), ASSIGNEE, staff(), TENANT, muted=False, now=NOW)
    assert statuses(planned) == {
        Channel.SMS: (DeliveryStatus.QUEUED, None), Channel.EMAIL: (DeliveryStatus.QUEUED, None),
        Channel.IN_APP: (DeliveryStatus.QUEUED, None),
    }  # fmt: skip
    assert {p.address for p in planned} == {"+8613900000000", "li.wei@example.cn", "li.wei"}
    assert {p.not_before for p in planned} == {NOW}
    assert {p.language for p in planned} == {"zh-CN"}


def test_a_muted_recipient_gets_nothing_and_the_reason_is_kept() -> None:
    planned = plan(notice(Kind.STATUS_CHANGED), ASSIGNEE, staff(), TENANT, muted=True, now=NOW)
    assert statuses(planned) == {
        Channel.EMAIL: (DeliveryStatus.SUPPRESSED, Reason.MUTED),
        Channel.IN_APP: (DeliveryStatus.SUPPRESSED, Reason.MUTED),
    }


def test_a_major_alert_bypasses_mutes_and_quiet_hours() -> None:
    moscow = staff(time_zone="Europe/Moscow", quiet_hours=NIGHT)
    planned = plan(notice(Kind.MAJOR_ALERT), ASSIGNEE, moscow, TENANT, muted=True, now=NOW)
    assert {p.status for p in planned} == {DeliveryStatus.QUEUED}
    assert {p.not_before for p in planned} == {NOW}


def test_quiet_hours_hold_a_message_until_the_persons_own_morning() -> None:
    moscow = staff(time_zone="Europe/Moscow", quiet_hours=NIGHT)  # 06:00 there
    planned = plan(notice(), ASSIGNEE, moscow, TENANT, muted=False, now=NOW)
    held = [p for p in planned if p.channel is not Channel.IN_APP]
    assert {p.reason for p in held} == {Reason.QUIET_HOURS}
    assert {p.not_before for p in held} == {datetime(2026, 12, 2, 4, 0, tzinfo=UTC)}


def test_the_dashboard_feed_makes_no_sound_and_is_never_held() -> None:
    moscow = staff(time_zone="Europe/Moscow", quiet_hours=NIGHT)  # 06:00 there
    tenant = TenantNotifySettings(sms_hours=TimeWindow(time(12, 0), time(13, 0)))
    feed = {p.channel: p for p in plan(notice(), ASSIGNEE, moscow, tenant, muted=False,
                                       now=NOW)}[Channel.IN_APP]  # fmt: skip
    assert (feed.status, feed.not_before, feed.reason) == (DeliveryStatus.QUEUED, NOW, None)


def test_outside_quiet_hours_nothing_waits() -> None:
    shanghai = staff(quiet_hours=NIGHT)  # 11:00 there
    planned = plan(notice(), ASSIGNEE, shanghai, TENANT, muted=False, now=NOW)
    assert {p.not_before for p in planned} == {NOW}


def test_quiet_hours_end_on_the_wall_clock_across_a_dst_change() -> None:
    # Berlin leaves summer time on 2026-10-25 at 03:00; 07:00 that morning is 06:00 UTC.
    berlin = staff(time_zone="Europe/Berlin", quiet_hours=NIGHT)
    at = datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # 23:30 summer time
    planned = plan(notice(), ASSIGNEE, berlin, TENANT, muted=False, now=at)
    held = [p for p in planned if p.channel is not Channel.IN_APP]
    assert {p.not_before for p in held} == {datetime(2026, 10, 25, 6, 0, tzinfo=UTC)}


def test_a_quiet_hours_end_inside_the_spring_gap_is_a_real_instant() -> None:
    # 2026-03-29 02:00–03:00 does not exist in Berlin: "02:30" is read with the offset
    # before the gap (+01:00), the instant the clock jumps past it.
    berlin = staff(time_zone="Europe/Berlin", quiet_hours=TimeWindow(time(22, 0), time(2, 30)))
    at = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 local
    planned = plan(notice(), ASSIGNEE, berlin, TENANT, muted=False, now=at)
    held = [p for p in planned if p.channel is not Channel.IN_APP]
    assert {p.not_before for p in held} == {datetime(2026, 3, 29, 1, 30, tzinfo=UTC)}


def test_even_a_critical_sms_waits_for_the_legal_sms_hours() -> None:
    tenant = TenantNotifySettings(sms_hours=TimeWindow(time(8, 0), time(21, 0)))
    at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    planned = {p.channel: p for p in plan(notice(Kind.MAJOR_ALERT), ASSIGNEE, staff(), tenant,
                                          muted=False, now=at)}  # fmt: skip
    assert planned[Channel.SMS].not_before == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    assert planned[Channel.SMS].reason == Reason.SMS_HOURS
    assert planned[Channel.EMAIL].not_before == at


def test_a_person_who_wants_no_sms_for_this_kind_is_recorded_as_suppressed() -> None:
    person = staff(channels={Kind.TRANSFERRED: EMAIL_ONLY})
    planned = plan(notice(), ASSIGNEE, person, TENANT, muted=False, now=NOW)
    assert statuses(planned) == {
        Channel.SMS: (DeliveryStatus.SUPPRESSED, Reason.PREFERENCE),
        Channel.EMAIL: (DeliveryStatus.QUEUED, None),
        Channel.IN_APP: (DeliveryStatus.SUPPRESSED, Reason.PREFERENCE),
    }


def test_someone_without_an_address_is_suppressed_visibly() -> None:
    nobody = Addressee("zhang.min", None, None)
    planned = plan(notice(), Recipient("zhang.min", Audience.ASSIGNEE), nobody, TENANT,
                   muted=False, now=NOW)  # fmt: skip
    assert {p.reason for p in planned} == {Reason.NO_ADDRESS}


def test_the_contact_is_written_in_the_tenants_language() -> None:
    tenant = TenantNotifySettings(language="ru", time_zone="Europe/Moscow")
    contact = Addressee("Иван", None, "ivan@example.ru")
    planned = plan(notice(Kind.REGISTERED), Recipient(CONTACT, Audience.REQUESTER), contact,
                   tenant, muted=False, now=NOW)  # fmt: skip
    by_channel = {p.channel: p for p in planned}
    assert by_channel[Channel.EMAIL].language == "ru"
    assert by_channel[Channel.SMS].reason == Reason.NO_ADDRESS
    assert Channel.IN_APP not in by_channel  # customers have no dashboard feed


@pytest.mark.parametrize(
    ("window", "local", "inside"),
    [
        (NIGHT, time(23, 0), True), (NIGHT, time(6, 59), True), (NIGHT, time(7, 0), False),
        (NIGHT, time(21, 59), False), (TimeWindow(time(1, 0), time(5, 0)), time(5, 0), False),
        (TimeWindow(time(1, 0), time(5, 0)), time(1, 0), True),
    ],
)  # fmt: skip
def test_a_window_may_wrap_past_midnight(window: TimeWindow, local: time, inside: bool) -> None:
    assert window.contains(local) is inside


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError, match="differ"):
        TimeWindow(time(7, 0), time(7, 0))


@pytest.mark.parametrize(
    ("field", "message"),
    [({"language": "de"}, "language must be one of"), ({"time_zone": "Mars/Olympus"}, "zone")],
)
def test_unknown_languages_and_zones_are_refused(field: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Person("li.wei", "demo", **field)  # type: ignore[arg-type]


def test_a_digest_window_holds_sms_and_email_to_merge_them_but_not_the_feed() -> None:
    tenant = TenantNotifySettings(digest_window_s=300)
    planned = {p.channel: p for p in plan(notice(), ASSIGNEE, staff(), tenant, muted=False,
                                          now=NOW)}  # fmt: skip
    later = datetime(2026, 12, 2, 3, 5, tzinfo=UTC)
    for channel in (Channel.SMS, Channel.EMAIL):
        assert (planned[channel].digest, planned[channel].not_before) == (True, later)
        assert planned[channel].reason == Reason.DIGEST
    feed = planned[Channel.IN_APP]
    assert (feed.digest, feed.not_before) == (False, NOW)


def test_a_critical_notice_is_never_held_for_a_digest() -> None:
    tenant = TenantNotifySettings(digest_window_s=300)
    planned = plan(notice(Kind.MAJOR_ALERT), ASSIGNEE, staff(), tenant, muted=False, now=NOW)
    assert {(p.digest, p.not_before) for p in planned} == {(False, NOW)}


def test_without_a_window_nothing_is_a_digest() -> None:
    planned = plan(notice(), ASSIGNEE, staff(), TENANT, muted=False, now=NOW)
    assert not any(p.digest for p in planned)


def test_quiet_hours_longer_than_the_window_keep_their_reason() -> None:
    tenant = TenantNotifySettings(digest_window_s=300)
    moscow = staff(time_zone="Europe/Moscow", quiet_hours=NIGHT)  # 06:00 there, until 07:00
    sms = {p.channel: p for p in plan(notice(), ASSIGNEE, moscow, tenant, muted=False,
                                      now=NOW)}[Channel.SMS]  # fmt: skip
    assert (sms.digest, sms.reason) == (True, Reason.QUIET_HOURS)
    assert sms.not_before == datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
