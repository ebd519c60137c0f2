from django.core.management.base import BaseCommand

from designer.samples import DEMO_PASSWORD, DEMO_USERNAME, samples_load


class Command(BaseCommand):
    help = "Load the sample workflows and create the demo user who owns them (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=DEMO_USERNAME)
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, username, password, **options):
        user, created = samples_load(username=username, password=password)
        for workflow in created:
            self.stdout.write(f"Loaded sample workflow: {workflow.name}")
        if not created:
            self.stdout.write("Sample workflows already loaded.")
        self.stdout.write(self.style.SUCCESS(f"Log in as  username: {user.username}  password: {password}"))
