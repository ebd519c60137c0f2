"""The mocked S3 service a Distributed Map reads its items from and writes its results to.

Objects are text, named ``"bucket/key"`` (one bucket) or ``"key"`` (that key in any bucket): a
read of ``Bucket=b, Key=k`` looks for ``"b/k"`` first, then ``"k"``. A value that is not a
string is stored as its JSON text, so a JSON array can be written as it is. Writes
(``ResultWriter``) always name their bucket and can be read back with :meth:`S3Objects.get`.

Errors are :class:`S3Error` with the S3 error code (``NoSuchKey``, ``NoSuchBucket``); the
caller turns them into the ASL error AWS reports where it uses them.

A large write (a million children's results) goes to a temporary file as it is written
(:meth:`S3Objects.put_chunks`) and is read back from there: it never sits in memory whole.
"""
from __future__ import annotations

import hashlib
import tempfile
from typing import Any, Iterable, Iterator

from .jsontext import dumps


class S3Error(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")


class S3Objects:
    """Objects by name, as the mock config gives them, plus whatever a run writes."""

    def __init__(self, objects: dict[str, Any] | None = None):
        self.objects: dict[str, str] = {}
        # An ItemReader finding nothing here reads a few made-up items instead (and says so):
        # set when Tasks without mocks get default answers (``interpreter/unmocked.py``).
        self.stand_ins = False
        self.notes: list[str] = []
        for name, body in (objects or {}).items():
            self.objects[str(name)] = body if isinstance(body, str) else dumps(body)

    def __bool__(self) -> bool:
        return bool(self.objects)

    def get(self, bucket: str, key: str) -> str:
        """``s3:getObject``: the object's text."""
        body = self.objects.get(f"{bucket}/{key}")
        if body is None:
            body = self.objects.get(key)
        if body is None:
            raise S3Error("NoSuchKey", "The specified key does not exist.")
        return body if type(body) is str else body.text()

    def put(self, bucket: str, key: str, body: str) -> None:
        """``s3:putObject``."""
        self.objects[f"{bucket}/{key}"] = body

    def put_chunks(self, bucket: str, key: str, chunks: Iterable[str]) -> int | None:
        """``s3:putObject`` of a body given in pieces; returns its size in bytes, or None (and
        writes nothing) when there are no pieces. Past ``SPOOL_BYTES`` it goes to a temporary file."""
        kept: list[str] = []
        spool: _Spooled | None = None
        held = 0
        for chunk in chunks:
            if spool is not None:
                spool.write(chunk)
                continue
            kept.append(chunk)
            held += len(chunk)
            if held > SPOOL_BYTES:
                spool = _Spooled()
                for piece in kept:
                    spool.write(piece)
                kept = []
        if spool is not None:
            self.objects[f"{bucket}/{key}"] = spool
            return spool.size
        if not kept:
            return None
        body = "".join(kept)
        self.objects[f"{bucket}/{key}"] = body
        return len(body) if body.isascii() else len(body.encode("utf-8"))

    def list(self, bucket: str, prefix: str = "") -> list[dict]:
        """``s3:listObjectsV2`` (every page): object descriptions in key order."""
        found: dict[str, str] = {}
        for name, body in self._in_bucket(bucket):
            if name.startswith(prefix):
                found.setdefault(name, body)
        return [{"Etag": f"\"{_md5(body)}\"", "Key": key, "Size": _size(body), "StorageClass": "STANDARD"}
                for key, body in sorted(found.items())]

    def _in_bucket(self, bucket: str) -> Iterator[tuple[str, str]]:
        qualified = bucket + "/"
        for name, body in self.objects.items():
            if name.startswith(qualified):
                yield name[len(qualified):], body
        for name, body in self.objects.items():
            if not name.startswith(qualified):
                yield name, body


SPOOL_BYTES = 8 << 20  # a written object larger than this is kept in a temporary file


class _Spooled:
    """An object's body in a temporary file (deleted with this object), its size and MD5 kept."""
    __slots__ = ("file", "size", "md5")

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.size = 0
        self.md5 = hashlib.md5()

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.file.write(data)
        self.size += len(data)
        self.md5.update(data)

    def text(self) -> str:
        self.file.seek(0)
        return self.file.read().decode("utf-8")


def _md5(body: Any) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest() if type(body) is str else body.md5.hexdigest()


def _size(body: Any) -> int:
    return len(body.encode("utf-8")) if type(body) is str else body.size
