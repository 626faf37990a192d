"""An HTTP server on 127.0.0.1, on a port of its own, served from a thread: what the tests run
where the hub talks to an outside service over HTTP (SMS providers, push services). A subclass
gives its request handler class; the handler finds the service as ``self.server.service``."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

HOST = "127.0.0.1"
JOIN_TIMEOUT = 10.0  # seconds


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    service: Any


class LoopbackService:
    handler: ClassVar[type[BaseHTTPRequestHandler]]

    def __init__(self) -> None:
        self.host = HOST
        self.port = 0
        self._server: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        """Listen (again, on the same port once it had one)."""
        if self._server is not None:
            return
        self.starting()
        server = LoopbackHTTPServer((self.host, self.port), self.handler)
        server.service = self
        self.port = int(server.server_address[1])
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread

    def stop(self) -> None:
        """Close the port: connecting is refused until ``start``."""
        if self._server is None:
            return
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self.stopping()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(JOIN_TIMEOUT)

    def starting(self) -> None:
        """Before listening: a subclass resets what a stop left behind."""

    def stopping(self) -> None:
        """Before the port closes: a subclass lets waiting requests go."""
