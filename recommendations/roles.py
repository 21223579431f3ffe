"""The three roles of the tracker; they live in ``provinces.roles`` so lower apps can ask."""

from provinces.roles import ADMIN, MINISTRY_STAFF, PROVINCIAL_OFFICER

__all__ = ["ADMIN", "MINISTRY_STAFF", "PROVINCIAL_OFFICER"]
