"""A thin HTTP proxy in front of moto's Glue that enforces what moto leaves out: Glue's
optimistic lock on UpdateTable.

Real Glue rejects an `UpdateTable` whose `VersionId` is not the table's current version with
`ConcurrentModificationException`; moto accepts it and bumps the version anyway, so two racing
commits would both "win" and one would be lost. The proxy looks up the table's current
`VersionId` in moto (GetTable) and forwards the update only when the request's matches, holding
one lock across check and update so that of two racers exactly one gets through. Everything
else is forwarded as it is.

For fault injection, `fail_next_update_table(status, forward)` makes the next UpdateTable
answer `status` (e.g. 500), either without passing it on (`forward=False`: nothing changed) or
after moto applied it (`forward=True`: the change happened, the client cannot know).

    proxy = GlueLockProxy(s3_server.port)
    ... point the client under test at proxy.endpoint ...
    proxy.conflicts  # how many stale updates were refused
"""
import http.client
import http.server
import json
import threading


class GlueLockProxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self._lock = threading.Lock()
        self._faults = []
        self.conflicts = 0
        self.updates = 0
        self.requests = []  # (X-Amz-Target, body text) of every request, for leak checks
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                target = self.headers.get("X-Amz-Target", "")
                proxy.requests.append((target, dict(self.headers), body.decode("utf-8", "replace")))
                if target == "AWSGlue.UpdateTable":
                    status, headers, answer = proxy._update_table(self.headers, body)
                else:
                    status, headers, answer = proxy._forward("POST", self.path, self.headers, body)
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "transfer-encoding", "connection",
                                         "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_PUT = do_POST

            def do_GET(self):
                status, headers, answer = proxy._forward("GET", self.path, self.headers, b"")
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next_update_table(self, status: int = 500, forward: bool = False) -> None:
        with self._lock:
            self._faults.append((status, forward))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- internals ---------------------------------------------------------------------
    def _forward(self, method, path, headers, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.target_port, timeout=60)
        try:
            out = {k: v for k, v in headers.items()
                   if k.lower() not in ("host", "connection", "accept-encoding", "content-length")}
            conn.request(method, path, body=body, headers=out)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _current_version(self, headers, request: dict):
        probe = {"DatabaseName": request["DatabaseName"], "Name": request["TableInput"]["Name"]}
        if "CatalogId" in request:
            probe["CatalogId"] = request["CatalogId"]
        h = {k: v for k, v in headers.items()}
        h["X-Amz-Target"] = "AWSGlue.GetTable"
        status, _, answer = self._forward("POST", "/", h, json.dumps(probe).encode())
        if status != 200:
            return None
        return json.loads(answer)["Table"].get("VersionId")

    def _update_table(self, headers, body):
        request = json.loads(body)
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
            if fault and not fault[1]:
                return fault[0], [("Content-Type", "application/x-amz-json-1.1")], json.dumps(
                    {"__type": "InternalServiceException", "message": "injected failure"}).encode()
            wanted = request.get("VersionId")
            if wanted is not None:
                current = self._current_version(headers, request)
                if current is not None and current != wanted:
                    self.conflicts += 1
                    return 400, [("Content-Type", "application/x-amz-json-1.1")], json.dumps({
                        "__type": "ConcurrentModificationException",
                        "message": f"Update table failed due to concurrent modifications "
                                   f"(version {wanted} is not the current {current})",
                    }).encode()
            status, resp_headers, answer = self._forward("POST", "/", headers, body)
            if status == 200:
                self.updates += 1
            if fault:
                return fault[0], [("Content-Type", "application/x-amz-json-1.1")], json.dumps(
                    {"__type": "InternalServiceException", "message": "injected failure"}).encode()
            return status, resp_headers, answer
