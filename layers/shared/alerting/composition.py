"""Every function's composition root in one place, for tests and benchmarks that drive several handlers.

A handler imports its own root from `alerting.roots` (a cold start pays only for its function's code);
this module re-exports them all, so the same cached roots are cleared here as the handlers use.
"""

from __future__ import annotations

from alerting.roots.config_api import config_api, config_api_root
from alerting.roots.console import console_root
from alerting.roots.delivery import delivery, delivery_root
from alerting.roots.evaluator import EvaluatorRoot, evaluator, evaluator_root

__all__ = [
    "EvaluatorRoot",
    "config_api",
    "config_api_root",
    "console_root",
    "delivery",
    "delivery_root",
    "evaluator",
    "evaluator_root",
]
