"""A carrier on 127.0.0.1 for tests: scripted answers, errors, slowness (no Odoo import).

    with CarrierSimulator() as carrier:
        carrier.script("/track/ABC", Answer(500), Answer(200, body=b"..."))
        requests.get(carrier.url("/track/ABC"))

Each path answers its scripted answers in order and then repeats the last one;
unknown paths answer 404. ``carrier.requests`` lists ``(path, headers, time)``;
``carrier.posted`` the ``(path, form fields)`` of POST requests.

Simulator modes of the carriers' own formats (see docs/connectors.md):

* kuaidi100: :meth:`CarrierSimulator.kuaidi100` answers the subscription API at
  ``/poll`` and the query API at ``/poll/query.do``; :func:`kuaidi100_push` is the
  form body kuaidi100 pushes, signed with a salt.
* EDIFACT IFTSTA and X12 214: :func:`edi_push` is a body with our HMAC signature.
"""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server dispatches to)
        simulator = self.server.simulator
        answer = simulator._next_answer(self.path, dict(self.headers))
        if answer.delay:
            time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            simulator.abandoned += 1  # the client gave up (a timeout test)

    def do_POST(self):  # noqa: N802 (the name http.server dispatches to)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        self.server.simulator.posted.append((self.path, dict(parse_qsl(body))))
        self.do_GET()

    def log_message(self, *args):
        pass


class CarrierSimulator:
    def __init__(self):
        self._scripts = {}
        self._lock = threading.Lock()
        self.requests = []
        self.posted = []
        self.abandoned = 0
        self._server = None
        self._thread = None

    def script(self, path, *answers):
        with self._lock:
            self._scripts[path] = list(answers)

    def url(self, path=""):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def kuaidi100(self, query_answers=(), subscribe_answers=()):
        """Answer like kuaidi100: subscriptions accepted unless scripted, queries as given."""
        accepted = Answer(body=json.dumps(SUBSCRIBED).encode())
        self.script("/poll", *(subscribe_answers or [accepted]))
        if query_answers:
            self.script("/poll/query.do", *query_answers)
        return self

    def calls(self, path):
        return [entry for entry in self.requests if entry[0] == path]

    def _next_answer(self, path, headers):
        with self._lock:
            self.requests.append((path, headers, time.monotonic()))
            answers = self._scripts.get(path)
            if not answers:
                return Answer(404, b'{"error": "unknown tracking number"}')
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.simulator = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


SUBSCRIBED = {"result": True, "returnCode": "200", "message": "提交成功"}


def kuaidi100_push(param, salt):
    """``(body, headers)`` of a kuaidi100 push of ``param`` (str), signed with ``salt``."""
    sign = hashlib.md5((param + salt).encode(), usedforsecurity=False).hexdigest().upper()
    body = urlencode({"param": param, "sign": sign}).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}


def edi_push(body, secret, content_type="application/EDIFACT", timestamp=None):
    """``(body, headers)`` of an EDI body signed with our HMAC scheme (X-Signature)."""
    stamp = str(int(time.time() if timestamp is None else timestamp))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {"X-Signature": f"t={stamp},v1={digest}", "Content-Type": content_type}
