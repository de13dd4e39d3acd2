"""Late checks (DESIGN §4): what an episode raises does not depend on the order its checks arrive in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from alerting.evaluation import Verdict, evaluate_check
from alerting.models.alert import Alert, MonitorState
from alerting.models.check import CheckResult, ErrorLevel
from tests import factories as f

C, U, OK = ErrorLevel.CONFIRMED, ErrorLevel.UNCONFIRMED, ErrorLevel.NO_ERROR
CONFIG = f.config(
    f.level(1, threshold_error_count=2),
    f.level(2, threshold_error_count=3),
    f.level(3, threshold_error_count=6),
)


def run(checks: Sequence[CheckResult], state: MonitorState | None = None) -> tuple[MonitorState, list[Alert]]:
    state = state or MonitorState()
    alerts: list[Alert] = []
    for check in checks:
        evaluation = evaluate_check(state, check, CONFIG)
        state = evaluation.state
        alerts.extend(evaluation.alerts)
    return state, alerts


def raised(alerts: Sequence[Alert]) -> Counter[tuple[str, int]]:
    return Counter((a.alert_type.value, a.escalation_level_id) for a in alerts)


def test_issue_12_out_of_order_confirmed_counts_and_the_second_confirmed_alerts() -> None:
    """A Confirmed check (t) and an Unconfirmed one (t+60 s) evaluated in the other order."""
    state, _ = run([f.check(1, OK, minute=0)])
    state, first = run([f.check(3, U, minute=2), f.check(2, C, minute=1)], state)
    assert first == [] and state.consecutive_errors == 1
    _, second = run([f.check(4, C, minute=3)], state)
    assert raised(second) == Counter({("Error", 1): 1})


def test_a_late_confirmed_error_of_the_ongoing_episode_joins_the_streak() -> None:
    state, _ = run([f.check(1, OK, minute=0), f.check(2, C, minute=1), f.check(4, U, minute=3)])
    evaluation = evaluate_check(state, f.check(3, C, minute=2), CONFIG)
    assert evaluation.verdict is Verdict.CHANGED
    assert evaluation.state.consecutive_errors == 2
    assert evaluation.state.watermark == state.watermark  # the newest check stays the newest
    assert raised(evaluation.alerts) == Counter({("Error", 1): 1})


def test_a_late_duplicate_counts_once() -> None:
    state, _ = run([f.check(1, OK, minute=0), f.check(2, C, minute=1), f.check(4, U, minute=3)])
    state, _ = run([f.check(3, C, minute=2)], state)
    again = evaluate_check(state, f.check(3, C, minute=2), CONFIG)
    assert again.verdict is Verdict.DUPLICATE and again.state == state


def test_a_confirmed_error_older_than_the_episodes_start_is_stale() -> None:
    state, _ = run([f.check(1, C, minute=0), f.check(2, OK, minute=1), f.check(4, C, minute=3)])
    evaluation = evaluate_check(
        state,
        f.check(
            1,
            C,
            minute=0,
        ),
        CONFIG,
    )
    assert evaluation.verdict is Verdict.STALE
    late = evaluate_check(state, f.check(5, C, minute=0.5), CONFIG)
    assert late.verdict is Verdict.STALE and late.state == state


def test_a_late_error_after_recovery_is_stale() -> None:
    state, _ = run([f.check(1, OK, minute=0), f.check(3, OK, minute=2)])
    evaluation = evaluate_check(state, f.check(2, C, minute=1), CONFIG)
    assert evaluation.verdict is Verdict.STALE and evaluation.alerts == ()


EPISODE = st.lists(st.sampled_from([C, C, U]), min_size=1, max_size=9)


@settings(max_examples=150, deadline=None)
@given(levels=EPISODE, data=st.data())
def test_any_arrival_order_of_an_episode_raises_the_same_alerts(
    levels: list[ErrorLevel], data: st.DataObject
) -> None:
    start, _ = run([f.check(1, OK, minute=0)])
    episode = [f.check(10 + i, level, minute=1 + i) for i, level in enumerate(levels)]
    arrival = data.draw(st.permutations(episode))
    recovery = f.check(100, OK, minute=30)
    in_order_state, in_order = run([*episode, recovery], start)
    shuffled_state, shuffled = run([*arrival, recovery], start)
    assert raised(shuffled) == raised(in_order)
    assert shuffled_state == in_order_state
