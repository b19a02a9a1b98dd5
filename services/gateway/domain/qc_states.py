"""The names qc uses for inspection states and actions, as the gateway accepts them."""

from enum import StrEnum


class InspectionState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    SUBMITTED = "submitted"


class InspectionAction(StrEnum):
    CLAIM = "claim"
    SUBMIT = "submit"
