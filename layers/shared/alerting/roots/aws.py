"""The boto3 session the roots build their AWS clients and table from: the one place boto3 is imported.

boto3 stays an import-time cost (about 40 ms: it loads s3transfer and multiprocessing). Deferring it to
the first root built would only move that time into the first invocation, where a provisioned or
SnapStart-restored environment would pay it on a real request instead of during init.
"""

from __future__ import annotations

import boto3
from boto3.session import Session


def session() -> Session:
    """boto3's default session, the one `boto3.client(...)` uses."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    return boto3.DEFAULT_SESSION
