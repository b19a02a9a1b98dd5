"""The short version of ``make reliability``: every fault once under a small steady load."""

import pytest

from tests.reliability.fault_suite import faults, run_suite, verdict

pytestmark = pytest.mark.timeout(900)
TICKETS, RATE = 300, 40


async def test_every_fault_once_loses_nothing_and_duplicates_nothing(tmp_path):
    found = await run_suite(tmp_path, TICKETS, RATE, faults())
    print(found)
    assert verdict(found, TICKETS) == []
    assert set(found["recoveries (s)"]) == {name for name, _ in faults()}
