from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from linkage.csvfile import field_label
from linkage.models import RecordKind
from linkage.services import records_import


class Command(BaseCommand):
    help = ("Import a CSV file of financials or support records from a 商工会・商工会議所 system "
            "(UTF-8 with or without BOM, or Shift_JIS/CP932).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=RecordKind.values, help="detected from the columns when left out")
        parser.add_argument("--institution", type=int, required=True, help="id of the institution whose records these are")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--import-good-rows", action="store_true",
                            help="import the good rows even when other rows are bad")

    def handle(self, *args, file: str, kind: str | None, institution: int, dry_run: bool, import_good_rows: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = records_import(data=path.read_bytes(), filename=path.name, institution_id=institution, kind=kind,
                                    dry_run=dry_run, import_good_rows=import_good_rows)
        except ApplicationError as exc:
            raise CommandError("; ".join(m for messages in exc.errors.values() for m in messages)) from exc
        for message in report.file_errors:
            self.stderr.write(message)
        if report.file_errors:
            raise CommandError("The file was not imported.")
        self.stdout.write(f"{report.filename}: {report.kind}, {report.encoding}, {len(report.rows)} rows")
        for row in report.rows:
            if row.errors:
                for name, messages in row.errors.items():
                    for message in messages:
                        self.stdout.write(f"  line {row.line}: {field_label(name)}: {message}")
            elif dry_run:
                self.stdout.write(f"  line {row.line}: {row.record_id}: {row.outcome}")
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
        self.stdout.write(f"good rows: {len(report.good_rows)} ({counts}); bad rows: {len(report.bad_rows)}")
        if report.applied:
            self.stdout.write(self.style.SUCCESS(f"Imported as batch {report.batch_id}."))
        elif dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif report.bad_rows:
            raise CommandError("Nothing was imported because some rows are bad. Fix them, or use --import-good-rows.")
