"""`frontline manage import_outlines FILE --user USERNAME`: real area outlines from a GeoJSON file, all or nothing,
as the import page does (the account's place applies)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from frontline.command.outlines import OutlineFileInvalid, outlines_import
from frontline.core.models import User


class Command(BaseCommand):
    help = ("Import area outlines from a GeoJSON FeatureCollection (each feature's division code in its properties: "
            "code, adcode or 区划代码). Prints every problem and exits 1 if the file has any; nothing is written then.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="import as this account (its place applies)")

    def handle(self, *args, file, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active account {user}")
        try:
            with path.open("rb") as f:
                count = outlines_import(actor=actor, file=File(f, name=path.name))
        except PermissionDenied:
            raise CommandError(f"{user} may not import outlines") from None
        except OutlineFileInvalid as e:
            for problem in e.problems:
                self.stderr.write(problem)
            raise CommandError(f"{path.name}: {len(e.problems)} problem(s), nothing imported") from None
        self.stdout.write(f"{count} outlines imported from {path.name}")
