"""Small query expressions shared by the apps."""

from django.db import models


class SubqueryCount(models.Subquery):
    """How many rows a correlated subquery returns, as a column.

    Counting several relations of one row (a province's obstacles *and* its recommendations)
    with ``Count()`` joins them all and multiplies the rows; one subquery per count does not.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = models.IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)
