"""Benchmark: the visit-notes import of a 10,000-row file, first import and re-import.

    .venv/bin/python bench/import_visit_notes.py [--rows 10000] [--repeat 3] [--format csv|xlsx]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_import .venv/bin/python bench/...

Runs in a throw-away test database (test_<name> on PostgreSQL, a temporary file on SQLite),
migrated and seeded, which it destroys at the end. Each repeat imports a fresh file (new keys,
new visit dates: everything is created), then the same file again (everything unchanged), then
a corrected copy (every text edited: everything updated). Prints rows/s for each, best and median.
"""

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def make_file(rows: int, run: int, *, corrected: bool = False) -> bytes:
    """A visit-notes CSV: a mix of obstacles, achievements and recommendations over the 34
    provinces and 12 delegations, with the quirks of real files (names without diacritics,
    prefixes, semicolons)."""
    from provinces.models import Province
    from recommendations.imports import COLUMNS
    from surveys.models import Field, MinistryUnit

    provinces = list(Province.objects.order_by("code"))
    fields = list(Field.objects.values_list("name", flat=True))
    units = list(MinistryUnit.objects.values_list("name", flat=True))
    themes = ["nhân lực", "hạ tầng kỹ thuật", "thể chế, hướng dẫn", "ngân sách"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([column.header for column in COLUMNS])
    for index in range(rows):
        # Each province is visited by one delegation over three days: about 100 visits, each
        # with about 100 rows, the shape of a campaign's consolidated notes.
        number = index % len(provinces)
        province = provinces[number]
        name = f"Tỉnh {province.name}" if index % 3 == 0 else province.name
        kind = ("khó khăn", "kết quả", "kiến nghị")[index % 3]
        day = 1 + (index // len(provinces)) % 3
        text = f"Ghi chép số {index} của lượt {run}" + (" (đã sửa)" if corrected else "")
        cells = {
            "key": f"bench-{run}-{index}",
            "delegation": str(1 + number % 12),
            "province": name,
            "visit_date": f"{day:02d}/{1 + run % 12:02d}/{2026 + run // 12}",
            "kind": kind,
            "fields": fields[index % len(fields)],
            "theme": themes[index % len(themes)] if kind != "kết quả" else "",
            "text": text,
        }
        if kind == "kết quả":
            cells.update(figure_label="Tỷ lệ đúng hạn", figure_value="98,5", figure_unit="%")
        if kind == "kiến nghị":
            cells.update(
                addressed_to="Bộ Khoa học và Công nghệ",
                responsible_unit=units[index % len(units)],
                due_date="31/12/2026",
                status="đã báo cáo Lãnh đạo Bộ",
            )
        writer.writerow([cells.get(column.name, "") for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def analyze():
    """Refresh the planner's statistics, as autovacuum does on a live database between imports
    (a throw-away database has none, and PostgreSQL then scans whole tables)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed_import(data: bytes, name: str, file_format: str):
    from recommendations.imports import import_visit_notes, read_table

    analyze()  # not timed

    if file_format == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    start = time.perf_counter()
    file_name = f"{name.rsplit('.', 1)[0]}.{file_format}"
    table = read_table(content=data, file_name=file_name)
    report = import_visit_notes(table=table, user=None, file_name=name, via="command")
    elapsed = time.perf_counter() - start
    assert report.ok, report.lines()[:10]
    return elapsed, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()

    import django

    if "DATABASE_URL" not in os.environ:
        # A scratch SQLite file, never the developer's db.sqlite3.
        scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import get_runner  # noqa: F401 (settings for test databases)

    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("load_seed", verbosity=0)
        results = {"first import": [], "re-import (unchanged)": [], "corrected file": []}
        for run in range(args.repeat):
            data = make_file(args.rows, run)
            first, report = timed_import(data, f"bench-{run}.{args.format}", args.format)
            assert report.created == args.rows, report.summary()
            again, report = timed_import(data, f"bench-{run}.{args.format}", args.format)
            assert report.unchanged == args.rows, report.summary()
            fixed, report = timed_import(
                make_file(args.rows, run, corrected=True), f"bench-{run}b", args.format
            )
            assert report.updated == args.rows, report.summary()
            for label, seconds in zip(results, (first, again, fixed), strict=True):
                results[label].append(seconds)
                rate = args.rows / seconds
                print(f"run {run + 1}: {label:24} {seconds:6.2f} s  {rate:8,.0f} rows/s")
        print()
        print(
            f"{connection.vendor}, {args.rows:,} rows, {args.format}, {args.repeat} runs, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        for label, times in results.items():
            best, median = min(times), statistics.median(times)
            print(
                f"{label:24} best {args.rows / best:8,.0f} rows/s ({best:.2f} s)   "
                f"median {args.rows / median:8,.0f} rows/s ({median:.2f} s)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
