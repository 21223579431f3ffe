"""Benchmark: the pages at national scale (100,000 recommendations, 300,000 history entries).

    .venv/bin/python bench/pages.py [--recommendations 100000] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench .venv/bin/python bench/pages.py

Runs in a throw-away test database (test_<name> on PostgreSQL, a temporary file on SQLite):
migrates, loads the seed, generates the synthetic data (``generate_synthetic_data``), then
measures each case through Django's full request handling (middleware, view, template; no
network) as a signed-in ministry user:

- server time per request, median and 95th percentile over ``--repeat`` requests (after two
  warm-up requests);
- SQL queries per request (one extra request, with queries captured);
- peak Python memory per request (one extra request, under tracemalloc; for the exports the
  whole streamed body is consumed inside the measurement).

Then it imports a 10,000-row visit-notes file into that same database (first import and
re-import, as bench/import_visit_notes.py does). Prints a Markdown table for bench/RESULTS.md.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def cases():
    """(label, url) of each page measured; ids and filters chosen on the generated data."""
    from django.urls import reverse

    from recommendations.models import Recommendation

    # A filter matching about 10,000 recommendations (a year's campaign, being handled), for the
    # export; the label says how many exactly.
    export_filter = (
        "created_after=01/01/2027&created_before=31/12/2027&status=in_progress&status=assigned"
    )
    from django.http import QueryDict

    from recommendations.filters import RecommendationFilter

    exported = RecommendationFilter(
        data=QueryDict(export_filter), queryset=Recommendation.objects.all()
    ).qs.count()
    detail = Recommendation.objects.filter(key__startswith="syn-").order_by("pk").first()
    seeded_training = Recommendation.objects.get(key="2025-bac-ninh-kn-02")
    rows = reverse("recommendations:list")
    api = "/api/v1/recommendations/"
    admin_list = reverse("admin:recommendations_recommendation_changelist")
    return [
        ("list, first page, 50 rows", f"{rows}?page_size=50"),
        (
            "list, filtered, 50 rows",
            f"{rows}?province=22&province=38&status=in_progress&status=assigned&page_size=50",
        ),
        ("admin changelist, first page", admin_list),
        ("admin changelist, search", f"{admin_list}?q=dao+tao"),
        ("list, first page", rows),
        (
            "list, filtered (2 provinces, 2 statuses)",
            f"{rows}?province=22&province=38&status=in_progress&status=assigned",
        ),
        ("list, deep page (page 2,000 of 25)", f"{rows}?page=2000"),
        ("list, text search without marks", f"{rows}?q=dao+tao"),
        ("list, text search + filter", f"{rows}?q=so+huu+tri+tue&state=open"),
        ("dashboard", reverse("recommendations:dashboard")),
        # The picture of a past day (reporting.asof, cached per day) and its first request.
        ("dashboard as of 30/11/2026", f"{reverse('recommendations:dashboard')}?as_of=30/11/2026"),
        (
            "dashboard as of 30/11/2026, cold cache",
            f"{reverse('recommendations:dashboard')}?as_of=30/11/2026",
        ),
        ("recommendation detail", reverse("recommendations:detail", args=[detail.pk])),
        # Issue 12: its "similar" section on a topic many provinces raise (training of staff).
        (
            "recommendation detail, similar: training of commune staff",
            reverse("recommendations:detail", args=[seeded_training.pk]),
        ),
        ("provinces (34 with counts)", reverse("provinces:list")),
        ("province scorecard", reverse("provinces:detail", args=["thanh-hoa"])),
        ("obstacles list", reverse("surveys:obstacle_list")),
        (
            f"export CSV, {exported:,} rows",
            f"{reverse('recommendations:export_csv')}?{export_filter}",
        ),
        (
            f"export XLSX, {exported:,} rows",
            f"{reverse('recommendations:export_xlsx')}?{export_filter}",
        ),
        ("export CSV, all 100,000 rows", reverse("recommendations:export_csv")),
        # The REST API's list: same filters as the list page, cursor-paged (no COUNT, no OFFSET).
        ("API list, first page (25)", api),
        ("API list, 100 per page", f"{api}?page_size=100"),
        (
            "API list, filtered (2 provinces, 2 statuses)",
            f"{api}?province=22&province=38&status=in_progress&status=assigned",
        ),
        ("API list, text search without marks", f"{api}?q=dao+tao"),
        ("API list, text search + filter", f"{api}?q=so+huu+tri+tue&state=open"),
        ("API recommendation with history", f"{api}{detail.pk}/"),
        # The public page (figures and rows cached until something changes) and its open data.
        ("public page, nationwide (cached)", reverse("public:progress")),
        ("public page, a province (cached)", f"{reverse('public:progress')}?province=38"),
        ("public open data JSON, a province", f"{reverse('public:download_json')}?province=38"),
    ]


#: The floor the list is held against (issue 10): a bare ``count()`` plus the page's 50 rows
#: with their references through a minimal template – what any list page must at least do.
FLOOR_TEMPLATE = """<table>{% for r in rows %}<tr><td><a href="/recommendations/{{ r.pk }}/">
{{ r.text|truncatechars:140 }}</a> {{ r.province.name }} {{ r.responsible_unit }}</td>
<td>{{ r.get_status_display }}</td><td>{{ r.due_date|date:"SHORT_DATE_FORMAT" }}</td>
<td>{{ r.get_priority_display }}</td></tr>{% endfor %}</table><p>{{ count }}</p>"""


def floor_cases():
    from django.template import engines

    from recommendations.models import Recommendation

    template = engines["django"].from_string(FLOOR_TEMPLATE)
    everything = Recommendation.objects.all()
    filtered = everything.filter(
        province__code__in=["22", "38"], status__in=["in_progress", "assigned"]
    )

    def floor(queryset):
        def render():
            count = queryset.count()
            rows = list(queryset.select_related("province", "responsible_unit")[:50])
            return len(template.render({"rows": rows, "count": count}))

        return render

    return [
        ("floor: count + 50 rows, first page", floor(everything)),
        ("floor: count + 50 rows, filtered", floor(filtered)),
    ]


def paired(render, client, url, repeat):
    """The floor and the page timed alternately, request after request: the machine's drift
    (another process, the CPU's clock) then weighs on both alike. Medians of each, and of the
    per-pair ratios."""
    for _ in range(2):
        render()
        fetch(client, url)
    floors, pages, ratios = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        render()
        floor = time.perf_counter() - start
        start = time.perf_counter()
        fetch(client, url)
        page = time.perf_counter() - start
        floors.append(floor)
        pages.append(page)
        ratios.append(page / floor)
    return statistics.median(floors), statistics.median(pages), statistics.median(ratios)


def wanted(only: str | None, label: str) -> bool:
    return not only or any(part in label for part in only.split("|"))


def measure_callable(render, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        render()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        size = render()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        render()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(captured), 0, size


def fetch(client, url) -> int:
    """GET ``url``, consuming a streamed body; returns the body's size."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(client, url, repeat, cold=False):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        fetch(client, url)  # warm-up: caches, the database's buffers
    times = []
    size = 0
    for _ in range(repeat):
        if cold:
            cache.clear()  # the first request of the day for that date
        start = time.perf_counter()
        size = fetch(client, url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    queries = len(captured)  # now: the next request clears the connection's log
    tracemalloc.start()
    fetch(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, peak, size


def report_bench(repeat):
    """The official report for the full year 2028 (every synthetic recommendation and history
    entry): figures, DOCX, XLSX and CSV, as the task builds them."""
    import datetime

    from recommendations.reporting.asof import Scope, figures_as_of
    from recommendations.reporting.services import build_files

    scope = Scope(as_of=datetime.date(2028, 12, 31), date_from=datetime.date(2028, 1, 1))
    figures_times, build_times = [], []
    for _ in range(max(3, repeat // 10)):
        start = time.perf_counter()
        figures_as_of(scope)
        figures_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        files = build_files(scope, issued=datetime.date.today())
        build_times.append(time.perf_counter() - start)
    sizes = ", ".join(f"{name} {len(content) / 2**20:,.1f} MiB" for name, content in files.items())
    for label, times in (
        ("figures as of 31/12/2028", figures_times),
        ("report, year 2028", build_times),
    ):
        print(
            f"| {label} | {statistics.median(times) * 1000:,.0f} ms | {max(times) * 1000:,.0f} ms "
            f"| | | {sizes if label.startswith('report') else ''} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=100_000)
    parser.add_argument("--status-changes", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--only",
        help="Measure only the cases whose label contains this ('|' between alternatives).",
    )
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="Measure the database DATABASE_URL names as it is (already generated), "
        "instead of a throw-away test database.",
    )
    args = parser.parse_args()

    import django

    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from recommendations import roles
    from tests.conftest import make_user

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    if not args.existing:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        if not args.existing:
            call_command("load_seed", verbosity=0)
            call_command(
                "generate_synthetic_data",
                recommendations=args.recommendations,
                status_changes=args.status_changes or 3 * args.recommendations,
                allow_production_database=True,
                verbosity=0,
            )
        generated = time.perf_counter() - start
        from django.contrib.auth import get_user_model

        client = Client()
        staff = get_user_model().objects.filter(username="bench").first() or make_user(
            "bench", roles.MINISTRY_STAFF, unit_name="Vụ Pháp chế"
        )
        client.force_login(staff)
        admin = get_user_model().objects.filter(username="bench-admin").first() or make_user(
            "bench-admin", roles.ADMIN, is_superuser=True
        )
        admin_client = Client()
        admin_client.force_login(admin)

        print(f"Generated the synthetic data in {generated:.1f} s.\n")
        version = connection.pg_version if connection.vendor == "postgresql" else ""
        print(
            f"{connection.vendor} {version}, {args.recommendations:,} recommendations, "
            f"{args.repeat} requests per case, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}\n"
        )
        print("| case | median | p95 | queries | peak memory | response |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, render in floor_cases():
            if not wanted(args.only, label):
                continue
            median, p95, queries, peak, size = measure_callable(render, args.repeat)
            print(
                f"| {label} | {median * 1000:,.1f} ms | {p95 * 1000:,.1f} ms | {queries} "
                f"| – | {size / 1024:,.0f} KiB |"
            )
        for label, url in cases():
            if not wanted(args.only, label):
                continue
            slow = "export" in label or "cold" in label
            repeat = args.repeat if not slow else max(3, args.repeat // 10)
            who = admin_client if label.startswith("admin") else client
            median, p95, queries, peak, size = measure(who, url, repeat, cold="cold" in label)
            print(
                f"| {label} | {median * 1000:,.0f} ms | {p95 * 1000:,.0f} ms | {queries} "
                f"| {peak / 2**20:,.1f} MiB | {size / 1024:,.0f} KiB |"
            )

        if wanted(args.only, "floor"):
            # Issue 10's budget: the list within 1.5x its floor, measured side by side.
            print("\n| list page against its floor, interleaved | floor | page | ratio |")
            print("|---|---:|---:|---:|")
            list_urls = dict(cases())
            for (_label, render), page_label in zip(
                floor_cases(),
                ("list, first page, 50 rows", "list, filtered, 50 rows"),
                strict=True,
            ):
                floor, page, ratio = paired(render, client, list_urls[page_label], args.repeat)
                print(
                    f"| {page_label} | {floor * 1000:,.1f} ms | {page * 1000:,.1f} ms "
                    f"| {ratio:.2f}× |"
                )

        if not args.only or "report" in args.only:
            report_bench(args.repeat)

        if not args.skip_import:
            from import_visit_notes import make_file, timed_import

            settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, 10_000)
            data = make_file(10_000, 0)
            first, _report = timed_import(data, "bench-pages.csv", "csv")
            again, _report = timed_import(data, "bench-pages.csv", "csv")
            print(
                f"| import 10,000 rows, first | {first * 1000:,.0f} ms | | | "
                f"| {10_000 / first:,.0f} rows/s |"
            )
            print(
                f"| import 10,000 rows, again (unchanged) | {again * 1000:,.0f} ms | | | "
                f"| {10_000 / again:,.0f} rows/s |"
            )
    finally:
        if not args.existing:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
