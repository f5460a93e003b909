"""The loop of a long-lived row-level peer (bench/row_level.py): the driver sends one JSON
request a line on stdin, the peer runs it and answers one JSON line on stdout with the wall
time and the CPU seconds its process tree (the Python interpreter and, for Spark, the JVM it
started) spent on that request alone, so interpreter and JVM start-up are not charged to the
operations (they are reported once, in the ready line)."""
from __future__ import annotations

import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import measure  # noqa: E402


def serve(handlers: dict, start_wall: float, setup=None) -> int:
    """Answers requests with handlers[request["op"]](request, state) until stdin closes.
    `setup()` runs first (start Spark, open the catalog) and returns the state handlers get;
    the ready line reports the start-up it and the imports took."""
    reply = sys.stdout
    sys.stdout = sys.stderr  # whatever libraries print must not reach the protocol stream
    state = setup() if setup else None
    reply.write(json.dumps({"ready": True, "startup_wall_s": time.perf_counter() - start_wall,
                            "startup_cpu_s": measure.tree_cpu_s()}) + "\n")
    reply.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        cpu0, wall0 = measure.tree_cpu_s(), time.perf_counter()
        try:
            result = handlers[request["op"]](request, state)
            answer = {"result": result}
        except Exception as e:  # noqa: BLE001 - the driver records it as the row's error
            traceback.print_exc()
            first = str(e).splitlines()[0][:300] if str(e) else ""
            answer = {"error": f"{type(e).__name__}: {first}"}
        answer["wall_s"] = time.perf_counter() - wall0
        answer["cpu_s"] = measure.tree_cpu_s() - cpu0
        reply.write(json.dumps(answer, default=str) + "\n")
        reply.flush()
    return 0
