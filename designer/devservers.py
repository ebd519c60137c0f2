"""Statewise server processes for tests and benchmarks: real servers on free ports, sharing a
database (and, for scale-out, a Redis) with the process that starts them."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database Django is using now (the test database, in tests)."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


def redis_reachable(url: str = "redis://127.0.0.1:6379/0") -> str | None:
    """None when a Redis answers PING at the URL, else why not."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                return f"the server at {parts.hostname}:{parts.port or 6379} does not answer PING like Redis"
    except OSError as exc:
        return f"no Redis answers at {parts.hostname}:{parts.port or 6379} ({exc.strerror or exc})"
    return None


def _secret_key() -> str:
    from django.conf import settings

    try:
        return settings.SECRET_KEY
    except Exception:  # noqa: BLE001 - Django not configured in this process
        return f"statewise-test-{os.urandom(16).hex()}"


class ServerProcess:
    """``runserver`` (as in ``make run``), ``serve`` (uvicorn workers, as in ``make serve``; several
    workers need ``redis_url``) or plain ``daphne``."""

    def __init__(self, *, database_url: str, redis_url: str | None = None, port: int | None = None,
                 kind: str = "runserver", workers: int = 2, extra_env: dict | None = None):
        self.port = port or free_port()
        self.kind = kind
        self.workers = workers
        self.env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "designer.settings",
                    "PYTHONUNBUFFERED": "1"}
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"):
            self.env.pop(name, None)
        if kind == "serve":
            # The same key as this process: sessions made here (a test's login) hold there.
            self.env.update(DJANGO_SECRET_KEY=_secret_key(), DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
                            WEB_CONCURRENCY=str(workers))
        self.env.update(extra_env or {})
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        else:
            self.env.pop("REDIS_URL", None)
        self.log = tempfile.NamedTemporaryFile(prefix=f"statewise-{self.port}-", suffix=".log", delete=False)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "ServerProcess":
        if self.kind == "daphne":
            cmd = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "designer.asgi:application"]
        elif self.kind == "serve":
            cmd = [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers)]
        else:
            cmd = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(cmd, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited ({self.process.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"The server did not answer within {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        """Stop it the hard way, as a crash or a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-4000:]
        except OSError:
            return ""
