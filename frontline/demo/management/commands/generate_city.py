from django.core.management.base import BaseCommand, CommandError

from frontline.demo.generator import CityExists, generate_city


class Command(BaseCommand):
    help = "Generate the synthetic city of DESIGN.md at any size (same seed, same city) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20000, help="number of residents (default 20000)")
        parser.add_argument("--seed", type=int, default=2022, help="random seed (default 2022)")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per insert batch (default 5000)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, residents, seed, batch_size, no_progress, **options):
        if residents < 1:
            raise CommandError("--residents must be at least 1")
        try:
            stats = generate_city(residents=residents, seed=seed, batch_size=batch_size, progress=not no_progress)
        except CityExists as e:
            raise CommandError(str(e)) from None
        self.stdout.write(self.style.SUCCESS(
            f"city generated: {stats.areas} areas, {stats.buildings} buildings, {stats.households} households, "
            f"{stats.residents} residents, {stats.party_orgs} party organizations, {stats.party_members} party members, "
            f"{stats.cadres} cadres, {stats.sites} sites, {stats.grid_roles} grid roles, "
            f"{stats.contact_households} contact households"))
