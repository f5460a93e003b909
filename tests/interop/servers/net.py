"""Network helpers shared by the test servers: free ports, waiting for a listener, and a TCP
proxy that a test can cut and restore to simulate a store or catalog going away mid-operation."""
import socket
import threading
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, proc=None) -> None:
    """Returns once 127.0.0.1:port accepts connections; raises if `proc` exits first or the
    timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target port. `cut()` closes every open connection and
    refuses new ones (connections are accepted and closed at once, as a dead load balancer
    would); `restore()` forwards again. The server behind keeps its state throughout."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open = set()
        self._cut = False
        self._stopped = False
        self.bytes_forwarded = 0
        self._trigger = None
        self.triggered = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            conns, self._open = self._open, set()
        for c in conns:
            _close(c)

    def cut_when(self, pattern) -> None:
        """Cuts (as `cut()`) as soon as a client sends bytes matching `pattern` (a compiled
        bytes regex, or bytes to find; say the request line of one PUT), before forwarding
        them: the server never sees that request. `triggered` is set when it happened."""
        self.triggered.clear()
        self._trigger = pattern

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    @property
    def is_cut(self) -> bool:
        return self._cut

    def close(self) -> None:
        self._stopped = True
        self.cut()
        _close(self._listener)

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._cut:
                    _close(client)
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b, up in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pump, args=(a, b, up), daemon=True).start()

    def _pump(self, src, dst, upstream: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                trigger = self._trigger
                if upstream and trigger is not None and (
                        trigger in data if isinstance(trigger, bytes) else trigger.search(data)):
                    self._trigger = None
                    self.cut()
                    self.triggered.set()
                    break
                with self._lock:
                    if self._cut:
                        break
                    self.bytes_forwarded += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            _close(src)
            _close(dst)


def _close(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
