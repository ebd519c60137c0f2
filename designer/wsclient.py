"""A small asyncio WebSocket client (RFC 6455, text frames) for scripts, tests and the benchmark.

Statewise's own dependencies carry no client library, and a client is a page of code::

    ws = await WebSocketClient.connect("ws://127.0.0.1:8000/ws/executions/7/?after=0",
                                       headers={"Cookie": "sessionid=...", "Origin": "http://127.0.0.1:8000"})
    frame = await ws.recv_json()
    await ws.send_json({"command": "step"})
    await ws.close()
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import struct
from typing import Any
from urllib.parse import urlsplit

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class ConnectionClosed(Exception):
    def __init__(self, code: int | None, reason: str = ""):
        super().__init__(f"closed ({code}) {reason}".strip())
        self.code, self.reason = code, reason


class WebSocketClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.closed: ConnectionClosed | None = None

    @classmethod
    async def connect(cls, url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> "WebSocketClient":
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=2**26), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            writer.close()
            raise ConnectionError(f"Handshake refused: {status.decode('latin-1')}")
        accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest())
        if accept not in head:
            writer.close()
            raise ConnectionError("Handshake answer has the wrong Sec-WebSocket-Accept.")
        return cls(reader, writer)

    async def send(self, text: str) -> None:
        self._frame(0x1, text.encode("utf-8"))
        await self.writer.drain()

    async def send_json(self, value: Any) -> None:
        await self.send(json.dumps(value))

    def _frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask(payload, mask)
        self.writer.write(head + mask + masked)

    async def recv(self) -> str:
        """The next text message (fragments joined); answers pings; raises ConnectionClosed.
        Not safe to cancel (say, with a timeout) in the middle of a frame: the stream would lose
        its place; give it a task of its own and cancel only when done with the connection."""
        if self.closed:
            raise self.closed
        parts: list[bytes] = []
        while True:
            b0, b1 = await self.reader.readexactly(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            payload = await self.reader.readexactly(n)  # servers never mask
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self.closed = ConnectionClosed(code, payload[2:].decode("utf-8", "replace"))
                try:
                    self._frame(0x8, payload[:2])
                    await self.writer.drain()
                finally:
                    self.writer.close()
                raise self.closed
            if opcode == 0x9:
                self._frame(0xA, payload)
                await self.writer.drain()
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")

    async def recv_json(self) -> Any:
        return json.loads(await self.recv())

    async def close(self) -> None:
        if self.closed is None:
            try:
                self._frame(0x8, struct.pack("!H", 1000))
                await self.writer.drain()
            except (ConnectionError, RuntimeError):
                pass
            self.closed = ConnectionClosed(1000)
        self.writer.close()


def _mask(payload: bytes, mask: bytes) -> bytes:
    n = len(payload)
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big")
