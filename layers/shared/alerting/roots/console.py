"""The console's root: it works on the config API's own facade, so its rules and messages are the API's."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from alerting.console.views import Console
from alerting.roots.config_api import config_api
from alerting.settings import Settings


@functools.cache
def console_root() -> Console:
    settings = Settings.from_environment()
    return Console(config_api(settings), ZoneInfo(settings.account_timezone))
