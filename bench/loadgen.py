"""The fallback load generator (when ``wrk`` cannot be installed): asyncio + httpx.

It reads the same request files as ``bench/wrk/requests.lua`` and returns the same summary.
It is much less efficient than wrk (it competes with the server for the same two cores), so
figures measured with it are lower bounds; ``bench/results/results.json`` records which
generator ran.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from pathlib import Path
from typing import Any

import httpx


def _requests(path: Path) -> list[tuple[str, str, str | None, dict[str, str]]]:
    parsed = []
    for line in path.read_text().splitlines():
        if not line:
            continue
        method, target, body, headers = ([*line.split("\t"), "-", "-"])[:4]
        extra = {}
        if headers != "-":
            for pair in headers.split("|"):
                name, _, value = pair.partition(":")
                extra[name.strip()] = value.strip()
        parsed.append((method, target, None if body == "-" else body, extra))
    return parsed


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


async def run(
    base: str,
    requests_file: Path,
    token: str | None,
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    pace_ms: int = 0,
) -> dict[str, Any]:
    assert base.startswith(("http://127.", "http://localhost", "http://[::1]")), "loopback only"
    lines = _requests(requests_file)
    counter = itertools.count(1)
    run_id = str(int(time.time() * 1000))
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                n = next(counter)
                if max_requests and n > max_requests:
                    return
                method, target, body, headers = lines[n % len(lines)]
                unique = f"{run_id}-{n}"
                fill = {k: v.replace("{{n}}", unique) for k, v in headers.items()}
                content = body.replace("{{n}}", unique).encode() if body else None
                if content:
                    fill["Content-Type"] = "application/json"
                started = time.perf_counter()
                try:
                    response = await client.request(
                        method, target.replace("{{n}}", unique), content=content,
                        headers=auth | fill,
                    )  # fmt: skip
                    if response.status_code >= 400:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)
                if pace_ms:  # a random pause of that mean, as in requests.lua
                    await asyncio.sleep(random.uniform(0, 2 * pace_ms) / 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": errors,
        "status_errors": errors,
        "timeouts": 0,
        "p50_us": int(_percentile(latencies, 0.50) * 1e6),
        "p90_us": int(_percentile(latencies, 0.90) * 1e6),
        "p99_us": int(_percentile(latencies, 0.99) * 1e6),
        "max_us": int((latencies[-1] if latencies else 0) * 1e6),
        "mean_us": (sum(latencies) / len(latencies) * 1e6) if latencies else 0.0,
    }
