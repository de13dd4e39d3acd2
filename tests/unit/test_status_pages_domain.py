"""Status pages beyond up and down (DESIGN 6b), without I/O: link options in the payloads, the sweep's
resolve after ResolveAfterMinutes, a flap continuing one incident, and pacing that waits in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from alerting.delivery.pacing import Pacer
from alerting.delivery.transport import Result, Verdict
from alerting.evaluation import evaluate_check, evaluate_tick, next_due
from alerting.integrations.spec import Rendering
from alerting.integrations.statushub import statushub_payload
from alerting.integrations.statuspage import incident
from alerting.maintenance_notices import completions, maintenance_notices, next_notice_due
from alerting.models.alert import Alert, AlertType, MonitorState
from alerting.models.check import ErrorLevel
from alerting.models.config import (
    DayOfWeek,
    IntegrationService,
    IntegrationType,
    MaintenancePeriod,
    ScheduleMode,
    ServiceLink,
    ServiceStatus,
)
from alerting.models.delivery import DeliveryJob, HttpExchange
from alerting.routing import plan_deliveries
from tests import factories as f

C, OK = ErrorLevel.CONFIRMED, ErrorLevel.NO_ERROR


def resolving_config(minutes: int | None = 10) -> f.MonitorConfig:
    link = ServiceLink(
        monitor_guid=f.MONITOR_GUID,
        integration_service_guid=f.SERVICE_GUID,
        service_status=ServiceStatus.DEGRADED_PERFORMANCE,
        resolve_after_minutes=minutes,
    )
    return f.config(attachments={1: [f.statushub_attachment(status_hub_service_list=[link])]})


def run(steps: list[tuple[int, ErrorLevel]], config: f.MonitorConfig) -> tuple[MonitorState, list[Alert]]:
    state, alerts = MonitorState(), []
    for check_id, level in steps:
        evaluation = evaluate_check(state, f.check(check_id, level), config)
        state, alerts = evaluation.state, [*alerts, *evaluation.alerts]
    return state, alerts


def test_a_link_without_options_reads_as_uptrends_and_sends_down() -> None:
    link = ServiceLink(monitor_guid=f.MONITOR_GUID, integration_service_guid=f.SERVICE_GUID)
    assert set(link.to_json_dict()) == {"MonitorGuid", "IntegrationServiceGuid"}
    _, (alert,) = run([(1, C)], f.config())
    assert statushub_payload(alert)["service_status"] == "down"
    assert statushub_payload(alert, link)["title"] == "Shop checkout is down"


def test_degraded_performance_link_sends_degraded_and_up_on_ok() -> None:
    config = resolving_config()
    link = config.definitions[0].level_integrations[1][0].status_hub_service_list[0]
    _, (error, ok) = run([(1, C), (2, OK)], config)
    assert statushub_payload(error, link)["service_status"] == "degraded-performance"
    assert (statushub_payload(ok, link)["service_status"], statushub_payload(ok, link)["state"]) == (
        "up",
        "monitoring",
    )


def test_the_sweep_resolves_after_the_window_and_not_before() -> None:
    config = resolving_config(10)
    state, (error, ok) = run([(1, C), (2, OK)], config)
    assert next_due(state, config) == ok.timestamp + timedelta(minutes=10)
    assert not evaluate_tick(state, ok.timestamp + timedelta(minutes=9), config).alerts
    tick = evaluate_tick(state, ok.timestamp + timedelta(minutes=10), config)
    (resolve,) = tick.alerts
    assert resolve.resolves_incident and resolve.incident_key == error.incident_key
    assert statushub_payload(resolve)["state"] == "resolved"
    assert tick.state.is_clean
    assert [
        job.target
        for job in plan_deliveries([resolve], config, {f.INTEGRATION_GUID: f.statushub_integration()})
    ] == [str(f.SERVICE_GUID)]


def test_without_resolve_after_minutes_nothing_is_left_for_the_sweep() -> None:
    state, _ = run([(1, C), (2, OK)], f.config())
    assert state.is_clean


def test_a_flap_inside_the_window_continues_the_same_incident_with_new_alert_guids() -> None:
    config = resolving_config(10)
    _, alerts = run([(1, C), (2, OK), (3, C), (4, OK)], config)
    assert [a.alert_type for a in alerts] == [AlertType.ERROR, AlertType.OK] * 2
    assert len({a.incident_key for a in alerts}) == 1
    assert len({a.alert_guid for a in alerts}) == 4


def test_a_new_error_after_the_window_opens_a_new_incident() -> None:
    config = resolving_config(1)
    state, (first, _) = run([(1, C), (2, OK)], config)
    state = evaluate_tick(state, f.check(2).timestamp + timedelta(minutes=1), config).state
    again = evaluate_check(state, f.check(5, C), config).alerts[0]
    assert again.incident_key != first.incident_key


def test_statuspage_sets_the_component_status_each_link_asks_for() -> None:
    _, (error, ok) = run([(1, C), (2, OK)], f.config())
    service = IntegrationService(integration_service_guid=f.SERVICE_GUID, name="API", external_id="cmp1")
    page = f.statushub_integration(type=IntegrationType.STATUSPAGE)

    def components(alert: Alert, status: ServiceStatus) -> object:
        link = ServiceLink(
            monitor_guid=f.MONITOR_GUID, integration_service_guid=f.SERVICE_GUID, service_status=status
        )
        given = Rendering(alert, page, {f.SERVICE_GUID: service}, {}, {}, {}, str(f.SERVICE_GUID), link)
        return incident(given)["incident"]["components"]

    assert components(error, ServiceStatus.DOWN) == {"cmp1": "major_outage"}
    assert components(error, ServiceStatus.PARTIAL_OUTAGE) == {"cmp1": "partial_outage"}
    assert components(error, ServiceStatus.DEGRADED_PERFORMANCE) == {"cmp1": "degraded_performance"}
    assert components(ok, ServiceStatus.PARTIAL_OUTAGE) == {"cmp1": "operational"}


def _result(status: int, retry_after: float | None = None) -> Result:
    exchange = HttpExchange(method="POST", url="https://page.example", status_code=status)
    return Result(
        Verdict.RETRYABLE if status == 429 else Verdict.DELIVERED, exchange, retry_after_seconds=retry_after
    )


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float, **_: Any) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_pacing_waits_for_each_turn_at_the_rate() -> None:
    time = FakeTime()
    pacer = Pacer(sleep=time.sleep, clock=time.clock)
    for _ in range(6):
        pacer.wait_turn("hub", 5.0)
    assert time.slept == [0.2] * 5  # the first goes at once, then one every 1/5 s
    pacer.wait_turn("other hub", 5.0)
    assert len(time.slept) == 5  # another target has its own turns


def test_a_short_retry_after_holds_the_target_back_and_resends() -> None:
    time = FakeTime()
    pacer = Pacer(sleep=time.sleep, clock=time.clock)
    pacer.wait_turn("page", 1.0)
    assert pacer.backs_off("page", _result(429, 2.0))
    pacer.wait_turn("page", 1.0)
    assert time.slept == [2.0]
    assert not pacer.backs_off("page", _result(429, 60.0))  # long waits go back to the queue
    assert not pacer.backs_off("page", _result(200))


# PublishMaintenance: maintenance windows published to status pages

WEEKLY = MaintenancePeriod(
    id=7,
    description="Database upgrade",
    schedule_mode=ScheduleMode.WEEKLY,
    week_day=DayOfWeek.SUNDAY,
    start_time="02:00",
    end_time="04:00",
)
OTHER_INTEGRATION = UUID("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d0099")


def publishing_config(publish: bool = True) -> f.MonitorConfig:
    attached = [
        f.statushub_attachment(publish_maintenance=publish),
        f.statushub_attachment(integration_guid=OTHER_INTEGRATION),
    ]
    return replace(f.config(attachments={1: attached}), maintenance=[WEEKLY])


SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def test_a_window_in_force_is_one_notice_with_its_start_and_end() -> None:
    (notice,) = maintenance_notices(publishing_config(), SUNDAY_3AM)
    assert notice.maintenance is not None
    assert (notice.maintenance.start, notice.maintenance.end) == (
        datetime(2026, 11, 29, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 29, 4, 0, tzinfo=UTC),
    )
    assert notice.maintenance.description == "Database upgrade"
    again = maintenance_notices(publishing_config(), SUNDAY_3AM + timedelta(minutes=30))
    assert [a.alert_guid for a in again] == [notice.alert_guid]  # the same window: a duplicate downstream


def test_only_the_integration_that_publishes_maintenance_gets_the_notice() -> None:
    (notice,) = maintenance_notices(publishing_config(), SUNDAY_3AM)
    integrations = {
        f.INTEGRATION_GUID: f.statushub_integration(type=IntegrationType.STATUSHUB_API),
        OTHER_INTEGRATION: f.statushub_integration(integration_guid=OTHER_INTEGRATION),
    }
    jobs = plan_deliveries([notice], publishing_config(), integrations)
    assert [(job.integration_guid, job.target) for job in jobs] == [(f.INTEGRATION_GUID, str(f.SERVICE_GUID))]


def test_nothing_is_published_outside_a_window_or_without_publish_maintenance() -> None:
    assert not maintenance_notices(publishing_config(), SUNDAY_3AM + timedelta(hours=2))
    assert not maintenance_notices(publishing_config(publish=False), SUNDAY_3AM)


def _published_jobs(config: f.MonitorConfig, at: datetime) -> list[DeliveryJob]:
    integrations = {f.INTEGRATION_GUID: f.statushub_integration(type=IntegrationType.STATUSHUB_API)}
    return plan_deliveries(maintenance_notices(config, at), config, integrations)


def test_an_edited_end_is_a_new_notice_of_the_same_window() -> None:
    (published,) = _published_jobs(publishing_config(), SUNDAY_3AM)
    longer = WEEKLY.model_copy(update={"end_time": "05:00"})
    (edited,) = _published_jobs(replace(publishing_config(), maintenance=[longer]), SUNDAY_3AM)
    assert edited.alert.alert_guid != published.alert.alert_guid  # not dropped as a duplicate
    assert edited.alert.incident_key == published.alert.incident_key  # it updates the published window
    assert edited.alert.maintenance is not None
    assert edited.alert.maintenance.end == datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
    assert completions([published], [edited], SUNDAY_3AM) == []


def test_a_published_window_no_longer_planned_is_completed_now() -> None:
    (published,) = _published_jobs(publishing_config(), SUNDAY_3AM)
    later = SUNDAY_3AM + timedelta(minutes=10)
    for planned in ([], _published_jobs(publishing_config(publish=False), later)):
        (ended,) = completions([published], planned, later)
        assert ended.alert.maintenance is not None and ended.alert.maintenance.end == later
        assert (ended.integration_guid, ended.target) == (published.integration_guid, published.target)
        assert ended.alert.alert_guid != published.alert.alert_guid


def test_the_sweep_comes_back_when_the_next_window_starts() -> None:
    next_sunday_2am = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    assert next_notice_due(publishing_config(), SUNDAY_3AM) == next_sunday_2am
    assert next_notice_due(replace(publishing_config(), maintenance=[]), SUNDAY_3AM) is None
