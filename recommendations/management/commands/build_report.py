"""Build the official report from the shell: ``build_report --as-of 31/10/2025``."""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations.reporting.asof import Scope
from recommendations.reporting.services import build_files


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as error:
        raise CommandError(f"Ngày không hợp lệ: {text!r} (cần dạng dd/mm/yyyy).") from error


class Command(BaseCommand):
    help = "Build the report of recommendations as of a date (DOCX or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="dd/mm/yyyy: the report's day.")
        parser.add_argument("--from", dest="date_from", help="dd/mm/yyyy: the period's start.")
        parser.add_argument("--format", choices=["docx", "xlsx"], default="docx")
        parser.add_argument("--output", help="File to write (default: bao-cao-YYYYMMDD.EXT).")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"])
        date_from = _date(options["date_from"]) if options["date_from"] else None
        if date_from and date_from > as_of:
            raise CommandError("Ngày bắt đầu phải trước ngày báo cáo.")
        started = time.perf_counter()
        scope = Scope(as_of=as_of, date_from=date_from)
        files = build_files(scope, issued=timezone.localdate(), formats=(options["format"],))
        output = Path(options["output"] or f"bao-cao-{as_of:%Y%m%d}.{options['format']}")
        output.write_bytes(files[options["format"]])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{output} ({len(files[options['format']]):,} bytes, {elapsed:.1f} s)")
