"""``manage.py serve``: Statewise for a team. Uvicorn with several worker processes, each with its
runner; DEBUG off, static files from WhiteNoise, the secret key and allowed hosts required from
the environment. ``make serve`` migrates first, then runs this."""
from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Statewise for a team: several worker processes (uvicorn), DEBUG off."
    requires_system_checks = []  # checked below, with the deployment checks

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"),
                            help="address to listen on (default: $HOST or 127.0.0.1; 0.0.0.0 for every interface)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                            help="worker processes (default: $WEB_CONCURRENCY or 2)")

    def handle(self, *args, host, port, workers, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        problems = serve_problems(workers)
        if problems:
            raise CommandError("Statewise will not serve a team like this:\n  - " + "\n  - ".join(problems))
        self.check(display_num_errors=False)
        import uvicorn

        self.stdout.write(f"Statewise: http://{host}:{port}/ with {workers} worker process(es); "
                          f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
                          f"channel layer {'Redis' if os.environ.get('REDIS_URL') else 'in-memory'}")
        uvicorn.run("designer.asgi:application", host=host, port=port, workers=workers, lifespan="on",
                    proxy_headers=True, forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                    timeout_graceful_shutdown=10, log_level=os.environ.get("UVICORN_LOG_LEVEL", "warning"))


def serve_problems(workers: int) -> list[str]:
    """What stops a team deployment, in words: each names the setting that fixes it."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on: unset DJANGO_DEBUG (the debug page shows settings and code to anyone).")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        problems.append("DJANGO_SECRET_KEY is not set: give it a long random value, the same for every "
                        "process (python -c 'import secrets; print(secrets.token_urlsafe(50))').")
    if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
        problems.append("DJANGO_ALLOWED_HOSTS is not set: list the host names people use, comma-separated.")
    if workers > 1 and not os.environ.get("REDIS_URL"):
        problems.append(f"{workers} worker processes need REDIS_URL: the in-memory channel layer does not "
                        "cross processes, so a viewer on one would not see a run moved by another "
                        "(or serve with --workers 1).")
    return problems
