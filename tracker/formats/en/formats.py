# The English interface keeps the ministry's dd/mm/yyyy dates so both languages read the same;
# only the number separators are English.
from tracker.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
