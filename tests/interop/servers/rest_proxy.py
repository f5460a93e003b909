"""An HTTP proxy in front of the REST catalog server that can misbehave on purpose, to test what
a client does when the catalog does: answer a commit with 502 after forwarding it (the commit
happened, the client cannot know), answer 500 or 409 without forwarding (nothing happened), and
serve an OAuth2 token endpoint of its own with short-lived tokens, rejecting requests whose
token is missing or expired (the test server accepts any token and cannot be told a lifetime).
Listens on 127.0.0.1; one proxy per test."""
import http.client
import http.server
import json
import re
import threading
import time
import urllib.parse

COMMIT_PATH = re.compile(r"^/v1/(?:.+/)?namespaces/[^/]+/tables/[^/]+$")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
              "proxy-connection", "upgrade", "te", "trailer", "accept-encoding"}


def _error_body(code: int, type_: str, message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": type_, "code": code}}).encode()


class RestProxy:
    """`.uri` is the catalog URI to give clients. Faults are queued with `fail_commits(action,
    count)`; `require_tokens(client_id, secret, lifetime_s)` turns on the token endpoint at
    `.token_uri` and the check of every forwarded request."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self._lock = threading.Lock()
        self._faults = []  # actions for the next commits, in order
        self.requests = []  # (method, path) of every request received
        self.commits_forwarded = 0
        self.faults_applied = []
        self._client = None  # (id, secret, lifetime) when tokens are required
        self._tokens = {}  # token -> expiry (monotonic)
        self.tokens_issued = 0
        self.rejected = []  # requests refused for a missing or expired token
        self.token_requests = []  # form fields of token requests (secret kept for checks)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def _answer(self, code, body=b"", headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD" and body:
                    self.wfile.write(body)

            def _handle(self):
                body = self._body()
                path = self.path.split("?", 1)[0]
                with proxy._lock:
                    proxy.requests.append((self.command, self.path))
                if path == "/oauth/tokens" and self.command == "POST":
                    return self._token(body)
                if proxy._client is not None and not proxy._token_ok(self.headers.get("Authorization")):
                    with proxy._lock:
                        proxy.rejected.append((self.command, self.path))
                    return self._answer(401, _error_body(401, "NotAuthorizedException",
                                                         "token missing or expired"),
                                        [("Content-Type", "application/json")])
                action = None
                if self.command == "POST" and COMMIT_PATH.match(path):
                    with proxy._lock:
                        if proxy._faults:
                            action = proxy._faults.pop(0)
                            proxy.faults_applied.append(action)
                if action == "500-unsent":
                    return self._answer(500, _error_body(500, "ServiceFailureException",
                                                         "injected failure before commit"),
                                        [("Content-Type", "application/json")])
                if action == "409-unsent":
                    return self._answer(409, _error_body(409, "CommitFailedException",
                                                         "injected conflict"),
                                        [("Content-Type", "application/json")])
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                if self.command == "POST" and COMMIT_PATH.match(path) and status < 300:
                    with proxy._lock:
                        proxy.commits_forwarded += 1
                if action == "502-after-commit":
                    return self._answer(502, b"<html>502 Bad Gateway</html>",
                                        [("Content-Type", "text/html")])
                self._answer(status, data, headers)

            def _token(self, body):
                form = dict(urllib.parse.parse_qsl(body.decode()))
                with proxy._lock:
                    proxy.token_requests.append(form)
                    client = proxy._client
                if client is None or form.get("grant_type") != "client_credentials" or \
                        form.get("client_id") != client[0] or form.get("client_secret") != client[1]:
                    return self._answer(401, json.dumps({"error": "invalid_client"}).encode(),
                                        [("Content-Type", "application/json")])
                with proxy._lock:
                    proxy.tokens_issued += 1
                    token = f"proxy-token-{proxy.tokens_issued}"
                    proxy._tokens[token] = time.monotonic() + client[2]
                answer = {"access_token": token, "token_type": "bearer",
                          "expires_in": client[2], "issued_token_type":
                          "urn:ietf:params:oauth:token-type:access_token"}
                self._answer(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])

            do_GET = do_POST = do_DELETE = do_HEAD = do_PUT = _handle

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.uri = f"http://127.0.0.1:{self.port}"
        self.token_uri = f"{self.uri}/oauth/tokens"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _forward(self, method, path, headers, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        try:
            out = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(method, path, body=body if body else None, headers=out)
            r = conn.getresponse()
            data = r.read()
            kept = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP_BY_HOP
                    and k.lower() != "content-encoding"]
            return r.status, kept, data
        finally:
            conn.close()

    def _token_ok(self, header) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        with self._lock:
            expiry = self._tokens.get(header[len("Bearer "):])
        return expiry is not None and time.monotonic() < expiry

    def fail_commits(self, action: str, count: int = 1):
        """The next `count` commits get `action`: "502-after-commit", "500-unsent" or
        "409-unsent"."""
        with self._lock:
            self._faults.extend([action] * count)

    def require_tokens(self, client_id: str, secret: str, lifetime_s: int):
        with self._lock:
            self._client = (client_id, secret, lifetime_s)

    def revoke_tokens(self):
        """Every token issued so far stops working (as a server restart or key rotation would)."""
        with self._lock:
            self._tokens.clear()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
