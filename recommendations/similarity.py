"""Similar recommendations: the same question asked by several provinces.

The score is computed here, in Python, on both databases, so PostgreSQL and SQLite rank alike:
the folded text (``tracker.text.fold``: no diacritics, lower case) is cut into syllables and
pairs of neighbouring syllables (Vietnamese words are mostly two syllables: "đào tạo", "cán bộ");
each unit weighs 1, except the common words of administrative Vietnamese ("đề nghị", "ban
hành", "hướng dẫn", "bộ", "tỉnh", "cơ quan"…), which weigh little; the score is the weighted
cosine of the two sets, 0–100.

Candidates are found through the database. On PostgreSQL the existing trigram index on the
folded ``search_text`` (migration 0006) answers ``LIKE '%đào tạo%'`` for the text's
distinctive word pairs, and ``pg_trgm``'s ``similarity()`` keeps the closest few hundred; on
SQLite the same ``LIKE`` filter reads the (small) table. Python then ranks the candidates.

A recommendation's page keeps its suggestions in the shared cache for
``SIMILAR_CACHE_SECONDS`` (5 minutes by default), as ids and scores only, under a key that
changes with the recommendation's version and with any saved recommendation or history entry
(the public page's data version): a second look costs one query, and a suggestion closed
meanwhile is left out when the rows are read again.
"""

import itertools
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, Subquery, Value, When

from surveys.models import Visit
from tracker.text import fold

from .models import OPEN_STATUSES, Recommendation
from .public import data_version

#: Single words a recommendation says whatever it asks for: weighed down, not ignored.
STOP_WORDS = frozenset(
    fold(word)
    for word in [
        "bộ",
        "tỉnh",
        "sớm",
        "có",
        "các",
        "của",
        "cho",
        "và",
        "với",
        "về",
        "để",
        "theo",
        "trong",
        "tại",
        "từ",
        "được",
        "là",
        "những",
        "một",
        "này",
        "đó",
        "việc",
        "nhằm",
        "mới",
    ]
)
#: Two-syllable words of the same kind; their syllables weigh little unless used elsewhere.
STOP_PAIRS = frozenset(
    fold(pair)
    for pair in (
        "đề nghị",
        "kiến nghị",
        "ban hành",
        "hướng dẫn",
        "cơ quan",
        "hỗ trợ",
        "tăng cường",
        "quan tâm",
        "điều kiện",
        "xem xét",
        "tham mưu",
        "chỉ đạo",
        "văn bản",
        "quy định",
        "thực hiện",
        "đối với",
        "nhà nước",
        "trung ương",
        "chính phủ",
        "thành phố",
        "khoa học",
        "công nghệ",
    )
)
STOP_WEIGHT = 0.1
#: Rows sharing the most pairs kept for the trigram similarity (PostgreSQL)…
PRESELECT = 1000
#: …and of those, the closest ranked in Python.
CANDIDATES = 200
#: Distinctive word pairs searched for, at most, the rarest first…
SEARCH_PAIRS = 6
#: …of which at most this many never seen in the sample (unique, or rare beyond it).
UNSEEN_PAIRS = 2
#: Recommendations sampled to learn how common each word pair is.
SAMPLE = 3000
FREQUENCY_CACHE_KEY = "similarity:pair-frequencies"
#: Below this score a recommendation is not shown as similar.
MIN_SCORE = 15


def _syllables(text: str) -> list[str]:
    return re.findall(r"[a-z0-9&]+", fold(text))


def units(text: str) -> dict[str, float]:
    """The weighted units of ``text``: syllables and neighbouring pairs."""
    syllables = _syllables(text)
    in_stop_pair = [False] * len(syllables)
    weights = {}
    for index, (first, second) in enumerate(itertools.pairwise(syllables)):
        pair = f"{first} {second}"
        stop = pair in STOP_PAIRS or (first in STOP_WORDS and second in STOP_WORDS)
        if pair in STOP_PAIRS:
            in_stop_pair[index] = in_stop_pair[index + 1] = True
        weights[pair] = STOP_WEIGHT if stop else 1.0
    for syllable, in_pair in zip(syllables, in_stop_pair, strict=True):
        weight = STOP_WEIGHT if in_pair or syllable in STOP_WORDS else 1.0
        weights[syllable] = max(weight, weights.get(syllable, 0.0))
    return weights


def score(a: dict[str, float], b: dict[str, float]) -> int:
    """Weighted cosine of two unit sets, 0–100."""
    if not a or not b:
        return 0
    shared = sum(weight * weight for unit, weight in a.items() if unit in b)
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return round(100 * shared / norm) if norm else 0


def distinctive_pairs(text: str) -> list[str]:
    """The word pairs worth searching for: neither a stop pair nor two stop words; the rarest
    first (a rare pair is cheap to find through the index and says more), at most
    ``SEARCH_PAIRS``."""
    weights = units(text)
    pairs = [unit for unit, weight in weights.items() if " " in unit and weight == 1.0]
    frequency, complete = pair_frequencies()
    mine = Counter(pairs)
    # How many *other* recommendations of the sample use each pair.
    seen = {pair: frequency.get(pair, 0) - (mine[pair] if complete else 0) for pair in pairs}
    if complete:  # a pair no other recommendation uses cannot find one
        return sorted((p for p in pairs if seen[p] > 0), key=seen.get)[:SEARCH_PAIRS]
    unseen = [p for p in pairs if seen[p] <= 0][:UNSEEN_PAIRS]
    known = sorted((p for p in pairs if seen[p] > 0), key=seen.get)
    return [*unseen, *known][:SEARCH_PAIRS]


def pair_frequencies() -> tuple[Counter, bool]:
    """In how many recommendations of a sample each word pair occurs, and whether the sample
    is the whole table. A small table is read whole every time; a large one's sample is
    cached for an hour (the words people use change slowly)."""
    cached = cache.get(FREQUENCY_CACHE_KEY)
    if cached is not None:
        return cached, False
    texts = list(Recommendation.objects.order_by("?").values_list("text", flat=True)[: SAMPLE + 1])
    frequency = Counter(pair for text in texts[:SAMPLE] for pair in units(text) if " " in pair)
    complete = len(texts) <= SAMPLE
    if not complete:
        cache.set(FREQUENCY_CACHE_KEY, frequency, 3600)
    return frequency, complete


class TrigramSimilarity(Func):
    function = "similarity"
    output_field = FloatField()


@dataclass(frozen=True)
class Similar:
    recommendation: Recommendation
    score: int
    #: Raised in an earlier campaign ("đã từng kiến nghị") rather than by another province now.
    earlier: bool = False


def _candidates(text: str, queryset):
    """At most ``CANDIDATES`` rows worth ranking, found through the database.

    Every row sharing a distinctive word pair is found (on PostgreSQL the trigram index serves
    ``LIKE '%pair%'``); they are ordered by how many of the pairs they share (a substring test
    per row, cheap), the first ``PRESELECT`` kept, and of those PostgreSQL keeps the
    ``CANDIDATES`` closest by trigram ``similarity()`` – computed on a bounded set, never on
    every match. Python then ranks them (``_rank``), the same way on both databases.
    """
    pairs = distinctive_pairs(text)
    if not pairs:
        return []
    condition = reduce(operator.or_, (Q(search_text__contains=pair) for pair in pairs))
    shared = reduce(
        operator.add,
        (Case(When(search_text__contains=pair, then=Value(1)), default=Value(0)) for pair in pairs),
    )
    matches = queryset.filter(condition).annotate(shared=shared).order_by("-shared", "-pk")
    if connection.vendor == "postgresql":
        query = " ".join(_syllables(text))
        preselected = matches.values("pk")[:PRESELECT]
        matches = (
            Recommendation.objects.filter(pk__in=Subquery(preselected))
            .annotate(trigram=TrigramSimilarity(F("search_text"), Value(query)))
            .order_by("-trigram", "-pk")
        )
    matches = matches.select_related("province", "visit__survey").only(
        "id", "text", "status", "province__name", "province__code", "visit__survey__start_date"
    )
    return list(matches[:CANDIDATES])


def _rank(text, candidates, limit, *, earlier_than=None) -> list[Similar]:
    mine = units(text)
    ranked = []
    for candidate in candidates:
        value = score(mine, units(candidate.text))
        if value >= MIN_SCORE:
            survey = candidate.visit.survey if candidate.visit_id else None
            earlier = bool(earlier_than and survey is not None and survey.start_date < earlier_than)
            ranked.append(Similar(candidate, value, earlier))
    ranked.sort(key=lambda item: (-item.score, item.recommendation.pk))
    return ranked[:limit]


def similar_to(recommendation: Recommendation, limit: int = 5) -> list[Similar]:
    """Up to ``limit`` recommendations most like this one: open ones of other provinces, and
    any raised in an earlier campaign (of any province: "đã từng kiến nghị")."""
    seconds = settings.SIMILAR_CACHE_SECONDS
    if not seconds:
        return _similar_to(recommendation, limit)
    key = f"similar:{recommendation.pk}:{recommendation.version}:{data_version()}:{limit}"
    kept = cache.get(key)
    if kept is None:
        found = _similar_to(recommendation, limit)
        cache.set(
            key, [(item.recommendation.pk, item.score, item.earlier) for item in found], seconds
        )
        return found
    return _reload(kept)


def _reload(kept: list[tuple[int, int, bool]]) -> list[Similar]:
    """The cached suggestions read again: still open, or raised in an earlier campaign."""
    if not kept:
        return []
    rows = Recommendation.objects.select_related("province", "visit__survey").only(
        "id", "text", "status", "province__name", "province__code", "visit__survey__start_date"
    )
    by_pk = rows.in_bulk([pk for pk, _score, _earlier in kept])
    return [
        Similar(by_pk[pk], score, earlier)
        for pk, score, earlier in kept
        if pk in by_pk and (earlier or by_pk[pk].status in OPEN_STATUSES)
    ]


def _similar_to(recommendation: Recommendation, limit: int) -> list[Similar]:
    # The campaign's start, in one query when the visit was not fetched with the row.
    started = (
        Visit.objects.filter(pk=recommendation.visit_id)
        .values_list("survey__start_date", flat=True)
        .first()
        if recommendation.visit_id
        else None
    )
    others = Q(status__in=OPEN_STATUSES) & ~Q(province_id=recommendation.province_id)
    if started is not None:
        others |= Q(visit__survey__start_date__lt=started)
    queryset = Recommendation.objects.filter(others).exclude(pk=recommendation.pk)
    return _rank(
        recommendation.text,
        _candidates(recommendation.text, queryset),
        limit,
        earlier_than=started,
    )


def similar_existing(text: str, province=None, limit: int = 3) -> list[Similar]:
    """For the import preview: existing recommendations that look like a new one's ``text``
    (of any province but ``province``, open or closed – a closed one was answered before)."""
    queryset = Recommendation.objects.all()
    if province is not None:
        queryset = queryset.exclude(province=province)
    return _rank(text, _candidates(text, queryset), limit)
