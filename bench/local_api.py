"""The config API on the local stack under 1, 8 and 32 concurrent clients: requests/s, and how many answers
had a status code other than a client alone gets (issue 16: it must be none).

Every client repeats the same round on monitors of its own: create, read, rename, delete (201, 200, 204, 204).
Each level sends the same number of requests, so the rates compare.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from local.client import running_stack

CLIENTS = (1, 8, 32)
REQUESTS = 384  # per level: a whole number of rounds for every client count
ROUND = (201, 200, 204, 204)


def _client(api_url: str, rounds: int, start: threading.Barrier) -> tuple[int, int]:
    """Runs `rounds` rounds; returns (requests sent, answers with a status other than a client alone's)."""
    tag = uuid.uuid4().hex[:8]
    sent = wrong = 0
    with httpx.Client(base_url=api_url, timeout=120.0) as http:
        start.wait()
        for number in range(rounds):
            created = http.post(
                "/Monitor", json={"Name": f"bench {tag} {number}", "Url": "https://shop.example"}
            )
            path = (
                f"/Monitor/{created.json()['MonitorGuid']}" if created.status_code == 201 else "/Monitor/none"
            )
            statuses = (
                created.status_code,
                http.get(path).status_code,
                http.patch(path, json={"Name": f"bench {tag} {number} renamed"}).status_code,
                http.delete(path).status_code,
            )
            sent += len(statuses)
            wrong += sum(seen != expected for seen, expected in zip(statuses, ROUND, strict=True))
    return sent, wrong


def _level(api_url: str, clients: int) -> dict[str, Any]:
    rounds = REQUESTS // len(ROUND) // clients
    start = threading.Barrier(clients + 1)
    with ThreadPoolExecutor(clients) as pool:
        runs = [pool.submit(_client, api_url, rounds, start) for _ in range(clients)]
        start.wait()
        began = time.perf_counter()
        results = [run.result() for run in runs]
        seconds = time.perf_counter() - began
    requests = sum(sent for sent, _ in results)
    return {
        "clients": clients,
        "requests": requests,
        "seconds": seconds,
        "requests_per_s": requests / seconds,
        "wrong_status_codes": sum(wrong for _, wrong in results),
    }


def run(*stack_args: str) -> dict[str, Any]:
    with running_stack(None, *stack_args) as info:
        _level(info.api_url, 1)  # warm-up: the first environment's root and moto's tables
        return {f"clients_{clients}": _level(info.api_url, clients) for clients in CLIENTS}


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The bench table's rows: requests/s with 8 and 32 clients next to one client's."""
    alone = results["clients_1"]
    table: list[tuple[str, str, str, str]] = []
    for clients in CLIENTS[1:]:
        figures = results[f"clients_{clients}"]
        table.append(
            (
                f"Config API requests/s on the local stack, {clients} clients "
                f"({figures['wrong_status_codes']} wrong status codes)",
                f"{figures['requests_per_s']:.0f}",
                f"{alone['requests_per_s']:.0f} with 1 client",
                f"×{figures['requests_per_s'] / alone['requests_per_s']:.2f}",
            )
        )
    return table
