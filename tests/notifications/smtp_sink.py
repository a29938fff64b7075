"""A local SMTP sink (aiosmtpd) for tests and benchmarks: the one "outside" part we stand
in for. It counts accepted messages by their X-Mirasapo-Message-Id header."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_id: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.total = 0

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.by_id[parsed.get("X-Mirasapo-Message-Id", "")] += 1
            self.message_ids[parsed.get("Message-ID", "")] += 1
            self.total += 1
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return self.total


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = CountingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
