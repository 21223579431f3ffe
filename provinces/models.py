from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tracker.natural_keys import NaturalKeyManager, NaturalKeyMixin
from tracker.text import fold, folded, folded_search


class ProvinceQuerySet(models.QuerySet):
    def matching_name(self, name: str) -> "ProvinceQuerySet":
        """Provinces whose current or former name is ``name``, ignoring case, diacritics and
        prefixes such as "Tỉnh", "Thành phố" or "TP." ("tinh thanh hoa", "TP. Hải Phòng",
        "Hải Dương" → Hải Phòng)."""
        key = province_name_key(name)
        return self.filter(Q(search_name=key) | Q(former_names__search_name=key)).distinct()

    def alphabetical(self) -> "ProvinceQuerySet":
        """By name as a reader expects it: "Đắk Lắk" among the D's, not after "Vĩnh Long"
        (compared byte by byte, letters with marks sort after Z)."""
        return self.order_by("search_name", "name")

    def search(self, term: str) -> "ProvinceQuerySet":
        """Current or former name, ignoring diacritics and case ("hai duong" → Hải Phòng)."""
        return folded_search(
            self, term, ["search_name", "former_names__search_name"], distinct=True
        )

    def name_index(self) -> dict[str, "Province"]:
        """Every name ``matching_name`` accepts, as its key, → province: the current and former
        names, in two queries. Look a name up with ``index.get(province_name_key(name))``; an
        import resolves thousands of rows against it without a query per row."""
        index = {}
        for former in FormerProvince.objects.filter(province__in=self).select_related("province"):
            index[former.search_name] = former.province
        # Current names win over a former name spelled the same way.
        index.update({province.search_name: province for province in self})
        return index


class ProvinceManager(NaturalKeyManager.from_queryset(ProvinceQuerySet)):
    def resolver(self):
        """A function from what a person writes for a province to the province (or None): its
        code ("38", "8"), or a current or former name in any spelling ``matching_name``
        accepts. Loads every name once (three queries) and remembers each spelling, so an
        import resolves thousands of rows without a query per row; the one place a written
        province is resolved."""
        provinces = list(self.all())
        by_code = {province.code: province for province in provinces}
        by_name = self.all().name_index()
        seen = {}

        def resolve(value) -> "Province | None":
            text = " ".join(str(value if value is not None else "").split())
            if text not in seen:
                if text.isdigit():
                    seen[text] = by_code.get(text.zfill(2))
                else:
                    seen[text] = by_name.get(province_name_key(text)) if text else None
            return seen[text]

        return resolve

    def resolve(self, value) -> "Province | None":
        """One written province (see ``resolver``), in one or two queries."""
        text = " ".join(str(value if value is not None else "").split())
        if not text:
            return None
        if text.isdigit():
            return self.filter(code=text.zfill(2)).first()
        return self.matching_name(text).first()


_PREFIXES = ("thanh pho ", "tp. ", "tp.", "tp ", "tinh ")


def province_name_key(name: str) -> str:
    """How a written province name is compared: folded, spaces collapsed, prefix dropped
    ("Tỉnh  Thanh Hóa" → "thanh hoa"); the stored ``search_name`` columns hold the same key."""
    return strip_province_prefix(fold(name))


def strip_province_prefix(folded_name: str) -> str:
    """Drop an administrative prefix from an already folded name: "tinh thanh hoa" → "thanh hoa"."""
    name = " ".join(folded_name.split())
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix).strip()
    return name


class Province(NaturalKeyMixin, models.Model):
    """One of the 34 provincial-level units in force since 12 June 2025."""

    NATURAL_KEY = ("code",)

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("centrally-run city")

    code = models.CharField(
        _("administrative code"),
        max_length=2,
        unique=True,
        help_text=_("Two-digit code from the national list of administrative units."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    wards = models.PositiveSmallIntegerField(_("wards"))
    communes = models.PositiveSmallIntegerField(_("communes"))
    special_zones = models.PositiveSmallIntegerField(_("special zones"), default=0)
    search_name = folded("name")

    objects = ProvinceManager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]
        permissions = [("import_province", _("Can import provinces"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("provinces:detail", args=[self.slug])

    @property
    def commune_level_units(self) -> int:
        """Wards + communes + special zones: the province's commune-level units."""
        return self.wards + self.communes + self.special_zones

    @property
    def full_name(self) -> str:
        """The name with its administrative prefix: "Tỉnh Quảng Ninh", "Thành phố Hải Phòng"."""
        if self.kind == self.Kind.CITY:
            prefix = pgettext("administrative prefix", "City")
        else:
            prefix = pgettext("administrative prefix", "Province")
        return f"{prefix} {self.name}"


class FormerProvince(NaturalKeyMixin, models.Model):
    """A province as it was before the 2025 merger, and the province that absorbed it.

    Kept so that visit notes and imports naming a former province ("Bắc Giang", "Hải Dương")
    land on the province it now belongs to.
    """

    NATURAL_KEY = ("name",)

    name = models.CharField(_("former name"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        related_name="former_names",
        verbose_name=_("merged into"),
    )
    search_name = folded("name")

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("former province")
        verbose_name_plural = _("former provinces")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["provinces.province"]


class ProvincialOfficer(models.Model):
    """Binds a user account to the one province whose records the user may update."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provincial_officer",
        verbose_name=_("user"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="officers",
        verbose_name=_("province"),
    )

    class Meta:
        verbose_name = _("provincial officer")
        verbose_name_plural = _("provincial officers")
        ordering = ["province__name", "user__username"]

    def __str__(self):
        return f"{self.user.get_username()} ({self.province})"
