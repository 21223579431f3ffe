import django_filters
from django.utils.translation import gettext_lazy as _

from tracker.filters import SearchFilter

from .models import Province


class ProvinceFilter(django_filters.FilterSet):
    q = SearchFilter(
        help_text=_(
            "A province's current or former name (before the 2025 merger). "
            "Accents and capitals do not matter."
        )
    )

    class Meta:
        model = Province
        fields = []
