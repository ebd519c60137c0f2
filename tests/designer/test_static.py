"""Static files under ``manage.py serve`` (uvicorn, as ``make serve``): whole, in ranges and as
HEAD, exactly the file's bytes, and without Django's warning about synchronous iterators."""
from __future__ import annotations

import urllib.request

import pytest
from django.db import connection

from designer import devservers
from designer.devservers import BASE_DIR

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_static_files_are_served_whole_in_ranges_and_as_head_without_warnings():
    name = "js/api.js"
    on_disk = (BASE_DIR / "static" / name).read_bytes()
    server = devservers.ServerProcess(database_url=devservers.database_url(connection.settings_dict), kind="serve",
                                      workers=1).start()
    try:
        url = f"{server.url}/static/{name}"
        with urllib.request.urlopen(url, timeout=30) as r:
            whole, whole_headers = r.read(), r.headers
        ranged = urllib.request.Request(url, headers={"Range": "bytes=10-19"})
        with urllib.request.urlopen(ranged, timeout=30) as r:
            part, part_status, part_range = r.read(), r.status, r.headers["Content-Range"]
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=30) as r:
            head, head_length = r.read(), r.headers["Content-Length"]
    finally:
        server.stop()
    assert whole == on_disk and whole_headers["Content-Type"].startswith("text/javascript")
    assert int(whole_headers["Content-Length"]) == len(on_disk) and "max-age" in whole_headers["Cache-Control"]
    assert (part_status, part, part_range) == (206, on_disk[10:20], f"bytes 10-19/{len(on_disk)}")
    assert head == b"" and int(head_length) == len(on_disk)
    assert "synchronous iterators" not in server.output(), server.output()
