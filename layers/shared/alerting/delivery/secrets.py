"""Secrets in integration settings: how references to SSM Parameter Store or Secrets Manager are
resolved at send time (how secrets are masked is `alerting.masking`).

A value is a reference when it starts with `ssm:` (a SecureString parameter name, e.g.
`ssm:/alerting/pagerduty-key`) or `secretsmanager:` (a secret name or ARN, e.g.
`secretsmanager:alerting/webhook-signing`). References are not secret themselves and are shown as
they are; the value they point to is read when a message is sent, and kept for a short while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from alerting.errors import PermanentDeliveryError, UnavailableError
from alerting.masking import REFERENCE_PREFIXES, is_reference

SSM_PREFIX, SECRETS_MANAGER_PREFIX = REFERENCE_PREFIXES


class SecretResolver:
    """Reads referenced secrets, caching each for `ttl` seconds so a batch reads it once."""

    def __init__(
        self,
        ssm: Callable[[], Any],
        secrets_manager: Callable[[], Any],
        ttl: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssm = ssm
        self._secrets_manager = secrets_manager
        self._ttl = ttl
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def resolve(self, value: str) -> str:
        """The secret a reference points to; any other value as it is."""
        if not is_reference(value):
            return value
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(value)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        secret = self._read(value)
        with self._lock:
            self._cache[value] = (now, secret)
        return secret

    def resolve_all(self, variables: Mapping[str, str]) -> dict[str, str]:
        """Variables with every reference replaced by its secret (for building a request)."""
        return {name: self.resolve(value) for name, value in variables.items()}

    def _read(self, reference: str) -> str:
        try:
            if reference.startswith(SSM_PREFIX):
                name = reference.removeprefix(SSM_PREFIX)
                answer = self._ssm().get_parameter(Name=name, WithDecryption=True)
                return str(answer["Parameter"]["Value"])
            secret_id = reference.removeprefix(SECRETS_MANAGER_PREFIX)
            return str(self._secrets_manager().get_secret_value(SecretId=secret_id)["SecretString"])
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("ParameterNotFound", "ResourceNotFoundException", "AccessDeniedException"):
                raise PermanentDeliveryError(f"secret {reference} cannot be read: {code}") from exc
            raise UnavailableError(f"secret {reference} cannot be read now: {code}") from exc
        except BotoCoreError as exc:
            raise UnavailableError(f"secret {reference} cannot be read now: {exc}") from exc
