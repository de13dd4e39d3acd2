"""The local stack as its own process, shared by the end-to-end tests (each makes its own monitors)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local.client import StackClient, running_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackClient]:
    # A short request timeout so the slow-response fault test times out in seconds.
    with running_stack(tmp_path_factory.mktemp("stack"), "--delivery-timeout", "2") as info:
        client = StackClient.connect(info)
        yield client
        client.http.close()
