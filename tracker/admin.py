from tracker.text import fold_query


class FoldedSearchMixin:
    """Admin search that ignores diacritics and case.

    List the generated ``search_*`` columns with an explicit ``__contains`` lookup in
    ``search_fields``; the term is folded the same way before Django's admin splits it into
    words, so "thanh hoa" finds "Thanh Hóa" and "DAO TAO" finds "đào tạo". Autocomplete
    widgets go through the same method.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold_query(search_term))
