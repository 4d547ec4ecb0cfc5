from django.core.management.base import BaseCommand

from frontline.core.services import work_orders_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue work orders one level up the area tree (what Celery beat runs every 10 minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"{work_orders_escalate_overdue()} work orders escalated")
