"""API Gateway glue of the config API: Uptrends v4-style routes, each delegating to alerting.configuration."""

from __future__ import annotations

import functools
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from alerting import api_errors
from alerting.api_services import ApiServices, api_services
from alerting.configuration import Configuration
from alerting.errors import AlreadyExistsError, InvalidInputError, NotFoundError, UnavailableError
from alerting.models.api import (
    AlertDefinitionInput,
    AlertDefinitionMonitor,
    AlertDefinitionMonitorGroup,
    AlertDefinitionOperator,
    AlertDefinitionPatch,
    AlertPage,
    DecisionPage,
    EscalationLevelMember,
    EscalationLevelPatch,
    IntegrationInput,
    IntegrationPatch,
    IntegrationTestRequest,
    IntegrationTestResult,
    IntegrationView,
    LevelIntegrationPatch,
    LevelIntegrationView,
    MessageList,
    MonitorGroupInput,
    MonitorInput,
    MonitorPatch,
    OperatorInput,
    OperatorPatch,
    RedriveRequest,
    RedriveResult,
    ResendAccepted,
    ResendRequest,
    ServiceInput,
    SortDirection,
    TargetHealthPatch,
)
from alerting.models.config import (
    AlertDefinition,
    AlertDefinitionMember,
    EscalationLevel,
    IntegrationService,
    MaintenancePeriod,
    Monitor,
    MonitorGroup,
    MonitorGroupMember,
    Operator,
)
from alerting.models.delivery import DeliveryAttempt, TargetHealth
from alerting.monitor_alerting import utc_or_none
from alerting.observability import logger, tracer
from alerting.settings import Settings
from alerting.storage.alert_history import AlertQuery
from alerting.storage.targets import set_target_disabled

app = APIGatewayRestResolver(enable_validation=True)
app.enable_swagger(path="/swagger", title="Alerting integrations API", version="4.0")


def _valid_unicode(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    problem = api_errors.invalid_unicode(app.current_event.body)
    if problem is not None:
        return _error(HTTPStatus.BAD_REQUEST, problem)
    return next_middleware(app)


app.use(middlewares=[_valid_unicode])

Take = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Cursor = Annotated[str | None, Query(description="Cursors.Next of the previous page")]
LevelId = Annotated[int, Path(ge=1, le=3)]


@functools.cache
def _services() -> ApiServices:
    return api_services(Settings())


def _config() -> Configuration:
    return _services().configuration


def _no_content() -> Response[None]:
    return Response(HTTPStatus.NO_CONTENT)


def _page(items: list[Any], next_cursor: str | None) -> Response[Any]:
    """A plain array as Uptrends returns; the next page's cursor, if any, in a header."""
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    body = [item.to_json_dict() for item in items]
    return Response(HTTPStatus.OK, content_types.APPLICATION_JSON, body, headers)


# Monitors
@app.get("/Monitor")
def list_monitors(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return _page(*_config().monitors.page(Take, Cursor))


@app.post("/Monitor", status_code=HTTPStatus.CREATED)
def create_monitor(body: MonitorInput) -> Monitor:
    return _config().create_monitor(body)


@app.get("/Monitor/<monitorGuid>")
def get_monitor(monitorGuid: UUID) -> Monitor:
    return _config().monitors.get(monitorGuid)


@app.put("/Monitor/<monitorGuid>")
def replace_monitor(monitorGuid: UUID, body: MonitorInput) -> Response[None]:
    _config().replace_monitor(monitorGuid, body)
    return _no_content()


@app.patch("/Monitor/<monitorGuid>")
def patch_monitor(monitorGuid: UUID, body: MonitorPatch) -> Response[None]:
    _config().patch_monitor(monitorGuid, body)
    return _no_content()


@app.delete("/Monitor/<monitorGuid>")
def delete_monitor(monitorGuid: UUID) -> Response[None]:
    _config().monitors.delete(monitorGuid)
    return _no_content()


# Integrations and their StatusHub services
@app.get("/Integration")
def list_integrations(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return _page(*_config().list_integrations(Take, Cursor))


@app.post("/Integration", status_code=HTTPStatus.CREATED)
def create_integration(body: IntegrationInput) -> IntegrationView:
    return _config().create_integration(body)


@app.get("/Integration/<integrationGuid>")
def get_integration(integrationGuid: UUID) -> IntegrationView:
    return _config().integration_view(integrationGuid)


@app.patch("/Integration/<integrationGuid>")
def patch_integration(integrationGuid: UUID, body: IntegrationPatch) -> Response[None]:
    _config().patch_integration(integrationGuid, body)
    return _no_content()


@app.delete("/Integration/<integrationGuid>")
def delete_integration(integrationGuid: UUID) -> Response[None]:
    _config().integrations.delete(integrationGuid)
    return _no_content()


@app.get("/Integration/<integrationGuid>/Service")
def list_services(integrationGuid: UUID) -> list[IntegrationService]:
    return _config().service_views(integrationGuid)


@app.post("/Integration/<integrationGuid>/Service", status_code=HTTPStatus.CREATED)
def create_service(integrationGuid: UUID, body: ServiceInput) -> IntegrationService:
    return _config().add_service(integrationGuid, body)


@app.get("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def get_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> IntegrationService:
    return _config().service_view(integrationGuid, integrationServiceGuid)


@app.put("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def replace_service(
    integrationGuid: UUID, integrationServiceGuid: UUID, body: ServiceInput
) -> Response[None]:
    _config().replace_service(integrationGuid, integrationServiceGuid, body)
    return _no_content()


@app.delete("/Integration/<integrationGuid>/Service/<integrationServiceGuid>")
def delete_service(integrationGuid: UUID, integrationServiceGuid: UUID) -> Response[None]:
    _config().integrations.delete_service(integrationGuid, integrationServiceGuid)
    return _no_content()


# Alert definitions and their members
@app.get("/AlertDefinition")
def list_definitions(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return _page(*_config().definitions.page(Take, Cursor))


@app.post("/AlertDefinition", status_code=HTTPStatus.CREATED)
def create_definition(body: AlertDefinitionInput) -> AlertDefinition:
    return _config().create_definition(body)


@app.get("/AlertDefinition/<alertDefinitionGuid>")
def get_definition(alertDefinitionGuid: UUID) -> AlertDefinition:
    return _config().definitions.get(alertDefinitionGuid)


@app.put("/AlertDefinition/<alertDefinitionGuid>")
def replace_definition(alertDefinitionGuid: UUID, body: AlertDefinitionInput) -> Response[None]:
    _config().replace_definition(alertDefinitionGuid, body)
    return _no_content()


@app.patch("/AlertDefinition/<alertDefinitionGuid>")
def patch_definition(alertDefinitionGuid: UUID, body: AlertDefinitionPatch) -> Response[None]:
    _config().patch_definition(alertDefinitionGuid, body)
    return _no_content()


@app.delete("/AlertDefinition/<alertDefinitionGuid>")
def delete_definition(alertDefinitionGuid: UUID) -> Response[None]:
    _config().definitions.delete(alertDefinitionGuid)
    return _no_content()


@app.get("/AlertDefinition/<alertDefinitionGuid>/Member")
def list_members(alertDefinitionGuid: UUID) -> list[AlertDefinitionMember]:
    return _config().members(alertDefinitionGuid)


@app.post(
    "/AlertDefinition/<alertDefinitionGuid>/Member/Monitor/<monitorGuid>", status_code=HTTPStatus.CREATED
)
def add_monitor_member(alertDefinitionGuid: UUID, monitorGuid: UUID) -> AlertDefinitionMonitor:
    return _config().add_monitor_member(alertDefinitionGuid, monitorGuid)


@app.delete("/AlertDefinition/<alertDefinitionGuid>/Member/Monitor/<monitorGuid>")
def remove_monitor_member(alertDefinitionGuid: UUID, monitorGuid: UUID) -> Response[None]:
    _config().definitions.remove_monitor(alertDefinitionGuid, monitorGuid)
    return _no_content()


# Escalation levels (fixed slots 1..3)
@app.get("/AlertDefinition/<alertDefinitionGuid>/EscalationLevel")
def list_levels(alertDefinitionGuid: UUID) -> list[EscalationLevel]:
    return _config().definitions.levels(alertDefinitionGuid)


@app.get("/AlertDefinition/<alertDefinitionGuid>/EscalationLevel/<escalationLevelId>")
def get_level(alertDefinitionGuid: UUID, escalationLevelId: LevelId) -> EscalationLevel:
    return _config().definitions.level(alertDefinitionGuid, escalationLevelId)


@app.put("/AlertDefinition/<alertDefinitionGuid>/EscalationLevel/<escalationLevelId>")
def replace_level(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: EscalationLevel
) -> Response[None]:
    _config().replace_level(alertDefinitionGuid, escalationLevelId, body)
    return _no_content()


@app.patch("/AlertDefinition/<alertDefinitionGuid>/EscalationLevel/<escalationLevelId>")
def patch_level(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: EscalationLevelPatch
) -> Response[None]:
    _config().patch_level(alertDefinitionGuid, escalationLevelId, body)
    return _no_content()


# Integrations attached to an escalation level
LEVEL_INTEGRATIONS = "/AlertDefinition/<alertDefinitionGuid>/EscalationLevel/<escalationLevelId>/Integration"


@app.get(LEVEL_INTEGRATIONS)
def list_level_integrations(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId
) -> list[LevelIntegrationView]:
    return _config().level_integration_views(alertDefinitionGuid, escalationLevelId)


@app.post(LEVEL_INTEGRATIONS, status_code=HTTPStatus.CREATED)
def attach_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, body: LevelIntegrationPatch
) -> LevelIntegrationView:
    return _config().attach_integration(alertDefinitionGuid, escalationLevelId, body)


@app.get(LEVEL_INTEGRATIONS + "/<integrationGuid>")
def get_level_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID
) -> LevelIntegrationView:
    return _config().level_integration_view(alertDefinitionGuid, escalationLevelId, integrationGuid)


@app.route(LEVEL_INTEGRATIONS + "/<integrationGuid>", method=["PATCH", "PUT"])
def patch_level_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID, body: LevelIntegrationPatch
) -> Response[None]:
    _config().patch_level_integration(alertDefinitionGuid, escalationLevelId, integrationGuid, body)
    return _no_content()


@app.delete(LEVEL_INTEGRATIONS + "/<integrationGuid>")
def detach_integration(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, integrationGuid: UUID
) -> Response[None]:
    _config().definitions.detach(alertDefinitionGuid, escalationLevelId, integrationGuid)
    return _no_content()


# Delivery log
@app.get("/Alert/<alertGuid>/Message")
def list_messages(alertGuid: UUID) -> list[DeliveryAttempt]:
    return _services().delivery_log.attempts(alertGuid)


# --- Integrations (issue 5): test send, operators and the levels they are members of ---------------
@app.post("/Integration/<integrationGuid>/Test")
def test_integration(integrationGuid: UUID, body: IntegrationTestRequest) -> IntegrationTestResult:
    return _services().tester.run(integrationGuid, body)


@app.get("/Operator")
def list_operators(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return _page(*_config().operators.page(Take, Cursor))


@app.post("/Operator", status_code=HTTPStatus.CREATED)
def create_operator(body: OperatorInput) -> Operator:
    return _config().create_operator(body)


@app.get("/Operator/<operatorGuid>")
def get_operator(operatorGuid: UUID) -> Operator:
    return _config().operators.get(operatorGuid)


@app.patch("/Operator/<operatorGuid>")
def patch_operator(operatorGuid: UUID, body: OperatorPatch) -> Response[None]:
    _config().patch_operator(operatorGuid, body)
    return _no_content()


@app.delete("/Operator/<operatorGuid>")
def delete_operator(operatorGuid: UUID) -> Response[None]:
    _config().operators.delete(operatorGuid)
    return _no_content()


LEVEL_MEMBERS = "/AlertDefinition/<alertDefinitionGuid>/EscalationLevel/<escalationLevelId>/Member"


@app.get(LEVEL_MEMBERS)
def list_level_members(alertDefinitionGuid: UUID, escalationLevelId: LevelId) -> list[EscalationLevelMember]:
    return _config().level_members(alertDefinitionGuid, escalationLevelId)


@app.post(LEVEL_MEMBERS + "/Operator/<operatorGuid>", status_code=HTTPStatus.CREATED)
def add_level_operator(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, operatorGuid: UUID
) -> AlertDefinitionOperator:
    return _config().add_level_operator(alertDefinitionGuid, escalationLevelId, operatorGuid)


@app.delete(LEVEL_MEMBERS + "/Operator/<operatorGuid>")
def remove_level_operator(
    alertDefinitionGuid: UUID, escalationLevelId: LevelId, operatorGuid: UUID
) -> Response[None]:
    _config().remove_level_operator(alertDefinitionGuid, escalationLevelId, operatorGuid)
    return _no_content()


# --- end of the integrations block --------------------------------------------------------------------
# --- Monitor alerting: groups, maintenance periods, alert history, decision records (issue 4) ---------------
HistoryTake = Annotated[int, Query(ge=1, le=100, description="Page size (at most 100)")]


@app.get("/MonitorGroup")
def list_groups(Take: Take = 1000, Cursor: Cursor = None) -> Response[Any]:
    return _page(*_services().monitor_alerting.list_groups(Take, Cursor))


@app.post("/MonitorGroup", status_code=HTTPStatus.CREATED)
def create_group(body: MonitorGroupInput) -> MonitorGroup:
    return _services().monitor_alerting.create_group(body)


@app.get("/MonitorGroup/<monitorGroupGuid>")
def get_group(monitorGroupGuid: UUID) -> MonitorGroup:
    return _services().monitor_alerting.get_group(monitorGroupGuid)


@app.get("/MonitorGroup/<monitorGroupGuid>/Member")
def list_group_members(monitorGroupGuid: UUID) -> list[MonitorGroupMember]:
    return _services().monitor_alerting.group_members(monitorGroupGuid)


@app.post("/MonitorGroup/<monitorGroupGuid>/Member/<monitorGuid>", status_code=HTTPStatus.CREATED)
def add_group_member(monitorGroupGuid: UUID, monitorGuid: UUID) -> MonitorGroupMember:
    return _services().monitor_alerting.add_group_member(monitorGroupGuid, monitorGuid)


@app.delete("/MonitorGroup/<monitorGroupGuid>/Member/<monitorGuid>")
def remove_group_member(monitorGroupGuid: UUID, monitorGuid: UUID) -> Response[None]:
    _services().monitor_alerting.groups.remove_monitor(monitorGroupGuid, monitorGuid)
    return _no_content()


@app.post("/MonitorGroup/<monitorGroupGuid>/StopAllMonitorAlerts")
def stop_group_alerts(monitorGroupGuid: UUID) -> Response[None]:
    _services().monitor_alerting.set_group_alerts(monitorGroupGuid, stopped=True)
    return _no_content()


@app.post("/MonitorGroup/<monitorGroupGuid>/StartAllMonitorAlerts")
def start_group_alerts(monitorGroupGuid: UUID) -> Response[None]:
    _services().monitor_alerting.set_group_alerts(monitorGroupGuid, stopped=False)
    return _no_content()


@app.post(
    "/AlertDefinition/<alertDefinitionGuid>/Member/MonitorGroup/<monitorGroupGuid>",
    status_code=HTTPStatus.CREATED,
)
def add_group_to_definition(alertDefinitionGuid: UUID, monitorGroupGuid: UUID) -> AlertDefinitionMonitorGroup:
    return _services().monitor_alerting.add_definition_group(alertDefinitionGuid, monitorGroupGuid)


@app.delete("/AlertDefinition/<alertDefinitionGuid>/Member/MonitorGroup/<monitorGroupGuid>")
def remove_group_from_definition(alertDefinitionGuid: UUID, monitorGroupGuid: UUID) -> Response[None]:
    _services().monitor_alerting.groups.remove_from_definition(monitorGroupGuid, alertDefinitionGuid)
    return _no_content()


@app.get("/Monitor/<monitorGuid>/MaintenancePeriod")
def list_maintenance(monitorGuid: UUID) -> list[MaintenancePeriod]:
    return _services().monitor_alerting.monitors.maintenance_periods(monitorGuid)


@app.post("/Monitor/<monitorGuid>/MaintenancePeriod", status_code=HTTPStatus.CREATED)
def add_maintenance(monitorGuid: UUID, body: MaintenancePeriod) -> MaintenancePeriod:
    return _services().monitor_alerting.add_maintenance(monitorGuid, body)


@app.put("/Monitor/<monitorGuid>/MaintenancePeriod/<maintenancePeriodId>")
def replace_maintenance(
    monitorGuid: UUID, maintenancePeriodId: int, body: MaintenancePeriod
) -> Response[None]:
    _services().monitor_alerting.replace_maintenance(monitorGuid, maintenancePeriodId, body)
    return _no_content()


@app.delete("/Monitor/<monitorGuid>/MaintenancePeriod/<maintenancePeriodId>")
def delete_maintenance(monitorGuid: UUID, maintenancePeriodId: int) -> Response[None]:
    _services().monitor_alerting.monitors.delete_maintenance_period(monitorGuid, maintenancePeriodId)
    return _no_content()


@app.get("/Alert/Monitor/<monitorGuid>")
def list_monitor_alerts(
    monitorGuid: UUID,
    Take: HistoryTake = 100,
    Cursor: Cursor = None,
    Sorting: SortDirection = SortDirection.DESCENDING,
    Start: Annotated[datetime | None, Query()] = None,
    End: Annotated[datetime | None, Query()] = None,
    IncludeReminders: bool = False,
) -> AlertPage:
    query = AlertQuery(
        Take,
        Cursor,
        Sorting is SortDirection.ASCENDING,
        utc_or_none(Start),
        utc_or_none(End),
        IncludeReminders,
    )
    return _services().monitor_alerting.alerts(monitorGuid, query)


@app.get("/Monitor/<monitorGuid>/Decision")
def list_decisions(monitorGuid: UUID, Take: HistoryTake = 100, Cursor: Cursor = None) -> DecisionPage:
    return _services().monitor_alerting.decisions(monitorGuid, Take, Cursor)


# --- end of monitor alerting --------------------------------------------------------------------------------
# --- Delivery guarantees (issue 6): target health, resend, dead-letter redrive -----------------------
@app.get("/Integration/<integrationGuid>/Target")
def list_targets(integrationGuid: UUID) -> list[TargetHealth]:
    _config().integrations.get(integrationGuid)
    return _services().targets.all(integrationGuid)


@app.patch("/Integration/<integrationGuid>/Target/<target>")
def patch_target(integrationGuid: UUID, target: str, body: TargetHealthPatch) -> Response[None]:
    set_target_disabled(_services().targets, integrationGuid, target, body.disabled)
    return _no_content()


@app.post("/Alert/<alertGuid>/Message/Resend", status_code=HTTPStatus.ACCEPTED)
def resend_message(alertGuid: UUID, body: ResendRequest) -> ResendAccepted:
    replay = _services().replay.resend(alertGuid, body.integration_guid, body.target)
    return ResendAccepted(resend_id=replay)


@app.post("/DeadLetter/Redrive")
def redrive_dead_letters(body: RedriveRequest) -> RedriveResult:
    return _services().replay.redrive(body.since)


# --- end of delivery guarantees ---------------------------------------------------------------------


# Errors: domain errors to HTTP in one place, always Uptrends' MessageList shape
def _error(status: HTTPStatus, messages: MessageList) -> Response[Any]:
    return Response(status, content_types.APPLICATION_JSON, messages.to_json_dict())


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    return _error(HTTPStatus.BAD_REQUEST, api_errors.from_validation(error.errors()))


@app.exception_handler(ValidationError)
def _invalid_object(error: ValidationError) -> Response[Any]:
    # A valid request whose result would not be a valid object, e.g. a null where a value is required.
    return _error(HTTPStatus.BAD_REQUEST, api_errors.from_model_errors(error.errors()))


@app.exception_handler(InvalidInputError)
def _invalid_input(error: InvalidInputError) -> Response[Any]:
    return _error(HTTPStatus.BAD_REQUEST, api_errors.from_error(error))


@app.exception_handler(NotFoundError)
def _not_found(error: NotFoundError) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, api_errors.from_error(error))


@app.exception_handler(AlreadyExistsError)
def _conflict(error: AlreadyExistsError) -> Response[Any]:
    return _error(HTTPStatus.CONFLICT, api_errors.from_error(error))


@app.exception_handler(UnavailableError)
def _unavailable(error: UnavailableError) -> Response[Any]:
    logger.exception("storage unavailable")
    return _error(HTTPStatus.SERVICE_UNAVAILABLE, api_errors.single("", "temporarily unavailable, retry"))


@app.not_found
def _no_route(_: Exception) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, api_errors.single("path", "no such route"))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
