from django.core.management.base import BaseCommand

from frontline.areas.models import Area
from frontline.demo.accounts import DEMO_PASSWORD, demo_accounts_create, demo_activity_create
from frontline.demo.generator import generate_city
from frontline.demo.history import history_generate


class Command(BaseCommand):
    help = "Generate the demo city if the database is empty, create (or reset) the demo accounts and print them."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args, residents, seed, **options):
        new = not Area.objects.exists()
        if new:
            self.stdout.write(f"Generating the demo city ({residents} residents, seed {seed})...")
            generate_city(residents=residents, seed=seed)
        accounts = demo_accounts_create()
        demo_activity_create()
        if new:  # a month of the outbreak behind today's work, for the dashboards' trends and the work report
            self.stdout.write("Writing a month of activity...")
            history_generate(days=30, seed=seed)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user, where in accounts:
            self.stdout.write(f"  {user.username:<11} {user.role or 'superuser':<20} {where}")
        from frontline.demo.care_poster import demo_resident_page_path

        resident_page = demo_resident_page_path()
        if resident_page:  # the port is the server's (`frontline demo --port`): the path, under the address below
            self.stdout.write(f"居民页面 (resident page): {resident_page}")
