"""Natural keys from one declaration: a model lists the fields that identify a row in
``NATURAL_KEY`` (a ``__`` path reaches a related row's field, as in a query), and gets both
``natural_key()`` (fixtures refer to rows by what a person reads) and the manager's
``get_by_natural_key`` (reloading a fixture updates in place) from it."""

from django.db import models


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class NaturalKeyMixin:
    NATURAL_KEY: tuple[str, ...] = ()

    def natural_key(self) -> tuple:
        values = []
        for path in self.NATURAL_KEY:
            value = self
            for name in path.split("__"):
                value = getattr(value, name)
            values.append(value)
        return tuple(values)
