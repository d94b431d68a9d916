"""A proxy in front of a real server that breaks chosen requests, once each.

Faults, keyed by ``"METHOD /path"`` (no query):

- ``"drop"``: forward the request, let the server answer, then close the client's
  connection without a word, as a network failure after the send would.
- ``"503"``: answer 503 ``service_unavailable`` without forwarding.
- ``"stall"``: wait two seconds, then close without forwarding or answering.
"""

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, NamedTuple, Optional, Tuple

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class Seen(NamedTuple):
    """One request as the proxy received it."""

    method: str
    path: str
    idempotency_key: Optional[str]
    fault: Optional[str]


class FaultyProxy:
    """Listens on 127.0.0.1 in a thread and forwards to ``upstream`` (host, port)."""

    def __init__(self, upstream: Tuple[str, int]) -> None:
        self.upstream = upstream
        self.seen: List[Seen] = []
        self._faults: Dict[str, List[str]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def break_next(self, method: str, path: str, fault: str) -> None:
        """Apply ``fault`` to the next ``method path`` request only."""
        with self._lock:
            self._faults.setdefault(f"{method} {path}", []).append(fault)

    def requests(self, method: str, path: str) -> List[Seen]:
        """The requests seen for ``method path``, in order."""
        return [s for s in self.seen if (s.method, s.path) == (method, path)]

    def stop(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()

    def take_fault(self, method: str, path: str) -> Optional[str]:
        with self._lock:
            pending = self._faults.get(f"{method} {path}")
            return pending.pop(0) if pending else None


def _handler_for(proxy: FaultyProxy) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._relay()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def _relay(self) -> None:
            path = self.path.split("?", 1)[0]
            fault = proxy.take_fault(self.command, path)
            key = self.headers.get("Idempotency-Key")
            proxy.seen.append(Seen(self.command, path, key, fault))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))

            if fault == "503":
                self._answer_unavailable()
            elif fault == "stall":
                time.sleep(2)
                self.close_connection = True
            elif fault == "drop":
                # The server does the work; the client never hears of it.
                self._forward(body)
                self.close_connection = True
            else:
                self._send(*self._forward(body))

        def _forward(self, body: bytes) -> Tuple[int, List[Tuple[str, str]], bytes]:
            upstream = http.client.HTTPConnection(*proxy.upstream, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
                return answer.status, kept, answer.read()
            finally:
                upstream.close()

        def _answer_unavailable(self) -> None:
            problem = {"status": 503, "code": "service_unavailable", "detail": "proxy says no"}
            headers = [("Content-Type", "application/problem+json")]
            self._send(503, headers, json.dumps(problem).encode())

        def _send(self, status: int, headers: List[Tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
