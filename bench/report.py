"""Benchmark: the full-year official report on a database holding the synthetic data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_reports_bench \\
        .venv/bin/python bench/report.py [--repeat 3]

The database must already hold ``load_seed`` + ``generate_synthetic_data`` (bench/pages.py
builds its own throw-away copy instead and measures the same thing at its end). Prints, per
step, the median wall time and the process's CPU time: on the shared 2-core VM the wall time
follows the other engineers' load, the CPU time does not.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2028-12-31")
    parser.add_argument("--from", dest="date_from", default="2028-01-01")
    args = parser.parse_args()
    import django

    django.setup()
    from recommendations.models import Recommendation, StatusChange
    from recommendations.reporting.asof import Scope, figures_as_of
    from recommendations.reporting.docx import build_docx
    from recommendations.reporting.sheets import build_csv_zip, build_xlsx
    from recommendations.reporting.tables import build_tables

    scope = Scope(
        as_of=datetime.date.fromisoformat(args.as_of),
        date_from=datetime.date.fromisoformat(args.date_from),
    )
    print(
        f"{Recommendation.objects.count():,} recommendations, "
        f"{StatusChange.objects.count():,} history entries, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n"
    )
    steps = {"figures": [], "tables": [], "docx": [], "xlsx": [], "csv": [], "total": []}
    made = {}

    def timed(name, work):
        wall, cpu = time.perf_counter(), time.process_time()
        made[name] = work()
        steps[name].append((time.perf_counter() - wall, time.process_time() - cpu))

    today = datetime.date.today()
    for _ in range(args.repeat):
        total_wall, total_cpu = time.perf_counter(), time.process_time()
        timed("figures", lambda: figures_as_of(scope))
        timed("tables", lambda: build_tables(made["figures"]))
        timed("docx", lambda: build_docx(made["figures"], made["tables"], issued=today))
        timed("xlsx", lambda: build_xlsx(made["tables"]))
        timed("csv", lambda: build_csv_zip(made["tables"]))
        steps["total"].append((time.perf_counter() - total_wall, time.process_time() - total_cpu))
    print("| step | wall (median) | CPU of this process (median) |")
    print("|---|---:|---:|")
    for name, runs in steps.items():
        wall = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        print(f"| {name} | {wall:,.1f} s | {cpu:,.1f} s |")
    totals = made["figures"].totals
    print(f"\nopen (the annex): {totals['open']:,}; overdue: {totals['overdue']:,}")


if __name__ == "__main__":
    main()
