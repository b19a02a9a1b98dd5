"""The actions on an inspection the gateway forwards to qc."""

from enum import StrEnum


class InspectionAction(StrEnum):
    CLAIM = "claim"
    SUBMIT = "submit"
