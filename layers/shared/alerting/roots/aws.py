"""The boto3 session the roots build their AWS clients and table from, and the only place boto3 is imported.

Cold start: importing boto3 costs a handler about 40 ms (it loads s3transfer, multiprocessing and pickle),
and only building a root needs it, which happens at the first invocation. So boto3 is imported by the
first client built, not by the handler's import (botocore itself is already loaded by Powertools).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from boto3.session import Session


def session() -> Session:
    """boto3's default session, the one `boto3.client(...)` uses."""
    import boto3  # noqa: PLC0415 (cold start: see the module's docstring)

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    return boto3.DEFAULT_SESSION
