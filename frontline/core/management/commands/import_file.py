import sys
from pathlib import Path

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from frontline.core import plugins
from frontline.core.imports import ImportProblems, import_apply, import_check
from frontline.core.models import User
from frontline.core.tabular import TableError


class Command(BaseCommand):
    help = ("Import a file of a registered kind (e.g. roster): .xlsx or CSV in UTF-8/GBK. Prints every problem as "
            "`row N, <column>: <message>` and exits 1 if the file has any; with --dry-run nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(plugins.importers.codes()))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--area", help="division code of the area the file is for (default: the whole city)")
        parser.add_argument("--user", help="import as this account (its scope applies; default: system)")

    def handle(self, *args, kind, file, dry_run, area, user, **options):
        importer = plugins.importers.get(kind)
        if importer is None:
            raise CommandError(f"no kind of import {kind!r}; known: {', '.join(plugins.importers.codes())}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        Area = apps.get_model("areas", "Area")
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

        what = {"importer": importer, "actor": actor, "area": target, "path": path, "filename": path.name,
                "progress": progress}
        counts = None
        try:
            if dry_run:
                result, _table, _mapping = import_check(**what)
            else:
                counts, result = import_apply(**what)
        except TableError as e:
            raise CommandError(f"{path.name}: {e}") from None
        except PermissionDenied:  # the same policy as the web page
            raise CommandError(f"{user} may not import into {target.name} ({target.code})") from None
        except ImportProblems as e:
            result = e.result
        finally:
            bar.close()
        for note in result.notes:
            self.stdout.write(f"{path.name}: {note}")
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
            self.stdout.write(summary + f"; imported: {importer.describe(counts)}")
