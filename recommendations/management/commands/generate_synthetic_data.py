"""Synthetic data at national scale, for benchmarks and load tests – never for real use.

Every synthetic row hangs off a survey whose slug starts with ``synthetic-`` and whose title
says "[Dữ liệu giả lập]", cites the source report ``synthetic``, and has a key starting with
``syn-``; ``--purge`` removes exactly those rows. The command refuses to run with DEBUG off
unless told ``--allow-production-database``.

Histories are walks through ``lifecycle.TRANSITIONS`` (each step checked with
``get_transition``), written in bulk: going through ``recommendation_transition`` row by row
would take an hour for 300,000 changes, and this data has no person behind it to check.
"""

import datetime
import itertools
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from provinces.models import Province
from recommendations.lifecycle import get_transition
from recommendations.models import (
    CLOSED_STATUSES,
    Authority,
    Priority,
    Recommendation,
    Status,
    StatusChange,
)
from recommendations.services import recommendations_bulk_load, status_changes_bulk_load
from surveys.models import (
    Delegation,
    Field,
    Finding,
    MinistryUnit,
    SourceReport,
    Survey,
    Theme,
    Visit,
)
from tracker import reference
from tracker.bulk import insert_values

SYNTHETIC_SOURCE = "synthetic"
SLUG_PREFIX = "synthetic-"
KEY_PREFIX = "syn-"
BATCH = 5000

# Sentences recombined into texts that read like the reports (and exercise the folded search).
SUBJECTS = [
    "Đề nghị Bộ hướng dẫn",
    "Kiến nghị Bộ KH&CN ban hành quy định về",
    "Đề nghị hỗ trợ đào tạo, bồi dưỡng cán bộ về",
    "Đề nghị bổ sung kinh phí cho",
    "Kiến nghị sớm hoàn thiện phần mềm",
    "Đề nghị thống nhất quy trình",
    "Đề nghị cử chuyên gia hỗ trợ",
]
TOPICS = [
    "tiêu chuẩn, đo lường, chất lượng",
    "sở hữu trí tuệ",
    "an toàn bức xạ và hạt nhân",
    "bưu chính",
    "viễn thông, Internet",
    "tần số vô tuyến điện",
    "quỹ phát triển khoa học và công nghệ",
    "chuyển đổi số cấp xã",
    "đổi mới sáng tạo",
    "đồng bộ dữ liệu với Cổng Dịch vụ công quốc gia",
    "ký số và biểu mẫu điện tử",
]
PLACES = [
    "tại cấp xã",
    "tại Trung tâm phục vụ hành chính công",
    "ở vùng sâu, vùng xa",
    "sau sáp nhập",
]
OBSTACLES = [
    "Thiếu nhân lực chuyên trách",
    "Hạ tầng công nghệ thông tin chưa đồng bộ",
    "Thiếu hướng dẫn chi tiết về",
    "Phần mềm còn lỗi, chưa kết nối về",
    "Chưa bố trí được dự toán cho",
]

# Where recommendations of a campaign stand, oldest campaigns most settled: (status, weight).
PATHS = {
    Status.NEW: [Status.NEW],
    Status.ANSWERED: [Status.NEW, Status.ANSWERED],
    Status.REPORTED: [Status.NEW, Status.REPORTED],
    Status.ASSIGNED: [Status.NEW, Status.REPORTED, Status.ASSIGNED],
    Status.IN_PROGRESS: [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS],
    Status.RESOLUTION_PROPOSED: [
        Status.NEW,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESOLUTION_PROPOSED,
    ],
    Status.RESOLVED: [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED],
    Status.NOT_ACCEPTED: [Status.NEW, Status.NOT_ACCEPTED],
    Status.TRANSFERRED: [Status.NEW, Status.REPORTED, Status.TRANSFERRED],
}
WEIGHTS = {
    Status.NEW: 4,
    Status.ANSWERED: 8,
    Status.REPORTED: 12,
    Status.ASSIGNED: 14,
    Status.IN_PROGRESS: 20,
    Status.RESOLUTION_PROPOSED: 8,
    Status.RESOLVED: 26,
    Status.NOT_ACCEPTED: 4,
    Status.TRANSFERRED: 4,
}

for _path in PATHS.values():  # the walks are the lifecycle's, or the command does not load
    for _source, _target in itertools.pairwise(_path):
        assert get_transition(_source, _target), (_source, _target)


class Command(BaseCommand):
    help = (
        "Generate clearly marked synthetic campaigns over all 34 provinces (visits down to "
        "commune level, findings, recommendations and their histories) for benchmarks; "
        "--purge removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recommendations", type=int, default=100_000)
        parser.add_argument(
            "--status-changes",
            type=int,
            default=300_000,
            help="Target number of history entries (reached with progress notes).",
        )
        parser.add_argument("--campaigns", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (repeatable).")
        parser.add_argument("--purge", action="store_true", help="Delete synthetic data only.")
        parser.add_argument("--allow-production-database", action="store_true")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production_database"]:
            raise CommandError(
                "DEBUG is off: this looks like a production database. Synthetic data is for "
                "benchmark databases; pass --allow-production-database if this is one."
            )
        started = time.perf_counter()
        with transaction.atomic():
            purged = purge()
        if purged:
            self.stdout.write(f"Removed earlier synthetic data ({purged} rows).")
        if options["purge"]:
            return
        if options["recommendations"] < 1 or options["campaigns"] < 1:
            raise CommandError("--recommendations and --campaigns must be at least 1.")
        with transaction.atomic():
            counts = Generator(random.Random(options["seed"]), self.stdout).run(
                campaigns=options["campaigns"],
                recommendations=options["recommendations"],
                status_changes=options["status_changes"],
            )
            reference.changed()  # its delegations were bulk-inserted: no signal said so
        if connection.vendor == "postgresql":
            # What autovacuum would soon do on a live database: statistics for the planner and
            # the visibility map that lets counts be answered from indexes alone. VACUUM
            # cannot run inside a transaction (a test's), ANALYZE can.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary} in {elapsed:.1f} s."))


def purge() -> int:
    """Delete every synthetic row (children first: the foreign keys protect)."""
    surveys = Survey.objects.filter(slug__startswith=SLUG_PREFIX)
    deleted = 0
    deleted += StatusChange.objects.filter(recommendation__key__startswith=KEY_PREFIX).delete()[0]
    deleted += Recommendation.objects.filter(key__startswith=KEY_PREFIX).delete()[0]
    deleted += Finding.objects.filter(survey__in=surveys).delete()[0]
    deleted += Visit.objects.filter(survey__in=surveys).delete()[0]
    deleted += Delegation.objects.filter(survey__in=surveys).delete()[0]
    deleted += surveys.delete()[0]
    deleted += SourceReport.objects.filter(file_name=SYNTHETIC_SOURCE).delete()[0]
    return deleted


class Generator:
    def __init__(self, rng: random.Random, stdout):
        self.rng = rng
        self.stdout = stdout
        self.provinces = list(Province.objects.all())
        if len(self.provinces) != 34:
            raise CommandError("Load the reference data first: python manage.py load_seed")
        self.units = list(MinistryUnit.objects.all())
        self.fields = list(Field.objects.all())
        self.authorities = list(Authority.objects.all())
        self.staff = list(get_user_model().objects.filter(is_staff=True)[:20]) or [None]
        self.source = SourceReport.objects.create(
            file_name=SYNTHETIC_SOURCE,
            title="[Dữ liệu giả lập] Dữ liệu sinh tự động để đo hiệu năng",
            description="Không phải dữ liệu thật. "
            "Xóa bằng: manage.py generate_synthetic_data --purge",
        )

    def run(self, *, campaigns, recommendations, status_changes) -> dict[str, int]:
        counts = dict.fromkeys(
            ["campaigns", "visits", "findings", "recommendations", "status changes"], 0
        )
        per_campaign = [recommendations // campaigns] * campaigns
        per_campaign[-1] += recommendations - sum(per_campaign)
        # Notes make up the difference between the lifecycle walks and the wanted total.
        walk_mean = sum(WEIGHTS[s] * len(PATHS[s]) for s in WEIGHTS) / sum(WEIGHTS.values())
        note_rate = max(0.0, status_changes / max(recommendations, 1) - walk_mean)
        for index in range(campaigns):
            year = 2026 + index
            survey, visits = self._campaign(index, year)
            counts["campaigns"] += 1
            counts["visits"] += len(visits)
            counts["findings"] += self._findings(survey, visits)
            made, changes = self._recommendations(
                survey, visits, per_campaign[index], year, note_rate
            )
            counts["recommendations"] += made
            counts["status changes"] += changes
            self.stdout.write(f"  campaign {year}: {made:,} recommendations, {changes:,} changes")
        return counts

    def _campaign(self, index, year):
        start = datetime.date(year, 3, 2)
        survey = Survey.objects.create(
            slug=f"{SLUG_PREFIX}{year}",
            title=f"[Dữ liệu giả lập] Đợt khảo sát năm {year}",
            organiser="Bộ Khoa học và Công nghệ",
            start_date=start,
            end_date=start + datetime.timedelta(days=25),
            summary="Dữ liệu giả lập để đo hiệu năng; không phải kết quả khảo sát thật.",
            source=self.source,
        )
        survey.provinces.set(self.provinces)
        delegations = Delegation.objects.bulk_create(
            Delegation(
                survey=survey,
                number=number,
                home_unit=self.rng.choice(self.units),
                notes="Đoàn giả lập.",
                source=self.source,
            )
            for number in range(1, 13)
        )
        visits = []
        for position, province in enumerate(self.provinces):
            delegation = delegations[position % 12]
            day = start + datetime.timedelta(days=self.rng.randrange(20))
            visits.append(
                Visit(
                    key=f"{KEY_PREFIX}{year}-{province.code}",
                    survey=survey,
                    delegation=delegation,
                    province=province,
                    start_date=day,
                    end_date=day + datetime.timedelta(days=1),
                    places=f"Trung tâm phục vụ hành chính công {province.full_name}",
                    notes="Ghi chép giả lập.",
                    source=self.source,
                )
            )
            # Commune-level visits: one in ten of the province's communes, wards and zones.
            for commune in range(1, province.commune_level_units // 10 + 1):
                visits.append(
                    Visit(
                        key=f"{KEY_PREFIX}{year}-{province.code}-{commune:03d}",
                        survey=survey,
                        delegation=delegation,
                        province=province,
                        start_date=day,
                        end_date=day,
                        places=f"UBND xã giả lập số {commune:03d}, {province.name}",
                        notes="Ghi chép giả lập tại cấp xã.",
                        source=self.source,
                    )
                )
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        return survey, list(Visit.objects.filter(survey=survey).select_related("province"))

    def _findings(self, survey, visits) -> int:
        themes = Theme.values
        rows = []
        for visit in visits:
            for _ in range(self.rng.randrange(1, 4)):
                achievement = self.rng.random() < 0.2
                value = round(self.rng.uniform(80, 100), 2) if achievement else None
                rows.append(
                    Finding(
                        kind=Finding.Kind.ACHIEVEMENT if achievement else Finding.Kind.OBSTACLE,
                        survey=survey,
                        visit=visit,
                        province=visit.province,
                        theme=self.rng.choice(themes),
                        description=f"{self.rng.choice(OBSTACLES)} {self.rng.choice(TOPICS)} "
                        f"{self.rng.choice(PLACES)}.",
                        figure_label="Tỷ lệ hồ sơ giải quyết đúng hạn" if achievement else "",
                        figure_value=value,
                        figure_unit="%" if achievement else "",
                        source=self.source,
                    )
                )
        Finding.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _recommendations(self, survey, visits, count, year, note_rate):
        rng = self.rng
        statuses = list(WEIGHTS)
        weights = [WEIGHTS[status] for status in statuses]
        recorded = timezone.make_aware(datetime.datetime(year, 3, 30, 17))
        rows, walks = [], []
        for number in range(count):
            visit = visits[rng.randrange(len(visits))]
            status = rng.choices(statuses, weights)[0]
            # Whoever went through "assigned" has a unit (the database insists for some).
            handled = Status.ASSIGNED in PATHS[status]
            unit = rng.choice(self.units) if handled or rng.random() < 0.1 else None
            created = recorded + datetime.timedelta(minutes=rng.randrange(60 * 24 * 20))
            due = None
            if unit is not None:
                due = (created + datetime.timedelta(days=rng.randrange(30, 400))).date()
            closed = status in CLOSED_STATUSES
            rows.append(
                Recommendation(
                    key=f"{KEY_PREFIX}{year}-{number:06d}",
                    province=visit.province,
                    visit=visit,
                    text=f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}.",
                    theme=rng.choice(Theme.values),
                    responsible_unit=unit,
                    priority=rng.choice(Priority.values),
                    due_date=due,
                    status=status,
                    resolution_note="Đã trả lời bằng văn bản (giả lập)." if closed else "",
                    source=self.source,
                    created_at=created,
                )
            )
            walks.append(PATHS[status])
        recommendations_bulk_load(recommendations=rows, batch_size=BATCH)
        saved = list(
            Recommendation.objects.filter(key__startswith=f"{KEY_PREFIX}{year}-")
            .order_by("key")
            .values_list("pk", "created_at", "responsible_unit_id", "due_date")
        )
        self._links(saved)
        now = timezone.now()
        staff_ids = [user.pk if user else None for user in self.staff]
        changes = []
        for (pk, created, unit_id, due), walk in zip(saved, walks, strict=True):
            moment = created
            previous = ""
            for step in walk:
                changes.append(
                    (
                        pk,
                        previous,
                        step,
                        rng.choice(staff_ids),
                        moment,
                        "Chuyển trạng thái (giả lập).",
                        # The unit and due date the row was generated with, from the start.
                        unit_id,
                        due,
                        False,
                    )
                )
                previous = step
                moment += datetime.timedelta(days=rng.randrange(1, 30))
            notes = int(note_rate) + (rng.random() < note_rate % 1)
            for _ in range(notes):
                moment = min(moment + datetime.timedelta(days=rng.randrange(1, 15)), now)
                changes.append(
                    (
                        pk,
                        previous,
                        previous,
                        rng.choice(staff_ids),
                        moment,
                        "Cập nhật tiến độ (giả lập).",
                        unit_id,
                        due,
                        False,
                    )
                )
        mine = Recommendation.objects.filter(key__startswith=f"{KEY_PREFIX}{year}-")
        # bulk_create stamps auto_now with this moment; the last update is the last history
        # entry, which the list's "last updated" ordering should see spread over the year.
        status_changes_bulk_load(entries=changes, recommendations=mine)
        return len(rows), StatusChange.objects.filter(recommendation__in=mine).count()

    def _links(self, saved):
        """Fields and addressees of each recommendation, written straight to the link tables."""
        rng = self.rng
        field_ids = [field.pk for field in self.fields]
        authority_ids = [authority.pk for authority in self.authorities]
        field_links, authority_links = [], []
        for pk, *_rest in saved:
            for field_id in rng.sample(field_ids, rng.randrange(0, 3)):
                field_links.append((pk, field_id))
            authority_links.append((pk, rng.choice(authority_ids)))
        insert_values(Recommendation.fields.through, ["recommendation", "field"], field_links)
        insert_values(
            Recommendation.addressed_to.through, ["recommendation", "authority"], authority_links
        )
