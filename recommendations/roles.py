"""The three roles of the tracker, as auth groups (created by migration ``0002_roles``)."""

ADMIN = "Quản trị"
MINISTRY_STAFF = "Cán bộ Bộ"
PROVINCIAL_OFFICER = "Cán bộ tỉnh"
