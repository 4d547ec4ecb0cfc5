import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from frontline.areas.models import Area
from frontline.core.models import User
from frontline.core.tabular import TableError
from frontline.grid.roster import RosterProblems, roster_apply, roster_check


class Command(BaseCommand):
    help = ("Import a roster (.xlsx or CSV in UTF-8/GBK): residents and households, party members, grid roles. "
            "Prints every problem as `row N, <column>: <message>` and exits 1 if the file has any; "
            "with --dry-run nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--area", help="division code of the area the file is for (default: the whole city)")
        parser.add_argument("--user", help="import as this account (its scope applies; default: system)")

    def handle(self, *args, file, dry_run, area, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        target = Area.objects.filter(code=area).first() if area else Area.objects.get_first_root_node()
        if target is None:
            raise CommandError(f"no area with code {area}" if area else "no city yet: run `frontline generate-city` first")
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).select_related("area").first()
            if actor is None:
                raise CommandError(f"no active account {user}")
        # Rows so far on a terminal (a million-row file takes most of a minute); nothing in a pipe or a log.
        bar = tqdm(unit=" rows", desc="checking" if dry_run else "importing", disable=not sys.stderr.isatty(),
                   mininterval=0.5)

        def progress(rows: int) -> None:
            bar.update(rows - bar.n)

        try:
            if dry_run:
                result, _table, _mapping = roster_check(actor=actor, area=target, path=path, filename=path.name,
                                                        progress=progress)
            else:
                counts, result = roster_apply(actor=actor, area=target, path=path, filename=path.name, progress=progress)
        except TableError as e:
            raise CommandError(f"{path.name}: {e}") from None
        except RosterProblems as e:
            result, counts = e.result, None
        finally:
            bar.close()
        for problem in result.problems:
            self.stdout.write(f"{path.name}: {problem}" + (" (warning)" if problem.severity == "warning" else ""))
        if result.error_count > len([p for p in result.problems if p.severity == "error"]):
            self.stdout.write(f"... and more: {result.error_count} errors in all")
        summary = f"{path.name}: {result.total_rows} rows, {result.error_count} errors, {result.warning_count} warnings"
        if result.error_count:
            self.stderr.write(summary + "; nothing was imported")
            sys.exit(1)
        if dry_run:
            self.stdout.write(summary + "; dry run, nothing written")
        else:
            self.stdout.write(summary + f"; imported: {counts}")
