"""``manage.py runserver``: Daphne's development server (HTTP and websockets), and this process's
runner started with it, so runs left continuing are picked up before anyone connects (and the
work pool's children, so the first large request does not wait for them to start)."""
from daphne.management.commands.runserver import Command as DaphneRunserver


class Command(DaphneRunserver):
    help = "Start the development server (one process, websockets and the runner included)."

    def inner_run(self, *args, **options):
        from designer import workpool
        from designer.simulation import runner

        runner.start()
        workpool.warm()
        super().inner_run(*args, **options)
