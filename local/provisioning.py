"""Provisioning template.yaml on moto: owns reading the template and creating its resources from it.

The local stack and the tests create the template's resources themselves (no CloudFormation on moto), so they
need the template as data: `load_template` parses `template.yaml`, short tags included (`!Ref`, `!GetAtt`,
`!Sub`, ...); `Resolver` turns intrinsics into plain values once the resources they point at exist (it is
deliberately small: Ref, GetAtt, Sub, Join and Select, anything else is reported); `provision` creates the
DynamoDB tables, SQS queues and event buses from their own template properties through the boto3 clients it
is given, and returns the functions' environment resolved against them.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

STACK_NAME = "alerting-local"
ACCOUNT_ID = "123456789012"  # moto's default account: the ARNs it hands out use it
REGION = "us-east-1"  # the local stack's region
FUNCTION_TYPE = "AWS::Serverless::Function"

log = logging.getLogger("local.provisioning")


class TemplateError(Exception):
    """The template cannot be run locally as written (bad parameter, unresolvable reference, cycle)."""


class _CfnLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no stubs here
    """A safe YAML loader that reads CloudFormation short tags as their long JSON form."""


def _construct_intrinsic(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        # The short form is "Resource.Attribute"; the long form is a two-item list.
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_intrinsic)


@dataclass(frozen=True)
class Template:
    """A parsed template: its sections as plain data, intrinsics still in their long form."""

    body: dict[str, Any]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.body.get("Resources", {})
        return resources

    def resources_of_type(self, *types: str) -> dict[str, dict[str, Any]]:
        return {logical_id: res for logical_id, res in self.resources.items() if res.get("Type") in types}

    def parameter_values(self, overrides: Mapping[str, str]) -> dict[str, str]:
        """Every parameter's value: the override where given, else its Default."""
        declared: dict[str, dict[str, Any]] = self.body.get("Parameters", {})
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise TemplateError(f"parameter overrides for parameters the template lacks: {unknown}")
        values: dict[str, str] = {}
        for name, spec in declared.items():
            if name in overrides:
                value = overrides[name]
            elif "Default" in spec:
                value = str(spec["Default"])
            else:
                raise TemplateError(f"parameter {name} has no Default and no override")
            allowed = spec.get("AllowedValues")
            if allowed is not None and value not in [str(option) for option in allowed]:
                raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
            values[name] = value
        return values

    def parameter_behind(self, variable: str) -> str:
        """The parameter that `Globals.Function.Environment.Variables[variable]` is a !Ref to."""
        variables = (
            self.body.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        )
        reference = variables.get(variable)
        if not (isinstance(reference, dict) and set(reference) == {"Ref"}):
            raise TemplateError(f"Globals.Function.Environment.Variables.{variable} is not a parameter !Ref")
        return str(reference["Ref"])

    def function_properties(self, logical_id: str) -> dict[str, Any]:
        """A serverless function's properties with `Globals.Function` merged in, as SAM merges them."""
        defaults: dict[str, Any] = self.body.get("Globals", {}).get("Function", {})
        return _merge(defaults, self.resources[logical_id].get("Properties", {}))

    def creation_order(self, logical_ids: Iterable[str]) -> list[str]:
        """The given resources ordered so that each comes after the resources it references."""
        wanted = list(logical_ids)
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(logical_id: str) -> None:
            if logical_id in ordered:
                return
            if logical_id in visiting:
                raise TemplateError(f"circular reference through {logical_id}")
            visiting.add(logical_id)
            properties = self.resources[logical_id].get("Properties", {})
            for dependency in sorted(references(properties) & set(wanted)):
                visit(dependency)
            visiting.discard(logical_id)
            ordered.append(logical_id)

        for logical_id in wanted:
            visit(logical_id)
        return ordered


def load_template(path: Path) -> Template:
    body = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)
    if not isinstance(body, dict):
        raise TemplateError(f"{path} is not a CloudFormation template")
    return Template(body)


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in overrides.items():
        current = merged.get(key)
        merged[key] = (
            _merge(current, value) if isinstance(current, dict) and isinstance(value, dict) else value
        )
    return merged


_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _sub_names(template: str) -> list[str]:
    # "${!Literal}" is an escaped literal, not a reference.
    return [name for name in _SUB_VARIABLE.findall(template) if not name.startswith("!")]


def references(value: Any) -> set[str]:
    """The logical ids (or parameter names) that `value` references through Ref, GetAtt or Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        elif "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else str(target).split(".", 1)[0])
        elif "Fn::Sub" in value:
            argument = value["Fn::Sub"]
            text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
            found |= {name.split(".", 1)[0] for name in _sub_names(text) if name not in variables}
            found |= references(variables)
        else:
            for item in value.values():
                found |= references(item)
    return found


class _NoValue:
    """`!Ref AWS::NoValue`: the enclosing property is dropped."""


NO_VALUE = _NoValue()


@dataclass
class Resolver:
    """Resolves intrinsics against parameter values, pseudo parameters and the resources created so far."""

    parameters: Mapping[str, str]
    pseudo_parameters: Mapping[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def add_resource(self, logical_id: str, ref: str, attributes: Mapping[str, str]) -> None:
        self.refs[logical_id] = ref
        for name, value in attributes.items():
            self.attributes[(logical_id, name)] = value

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in map(self.resolve, value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key in ("Ref", "Condition") or key.startswith("Fn::"):
                return self._intrinsic(key, argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _intrinsic(self, key: str, argument: Any) -> Any:
        functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": lambda target: self._get_att(
                *(target if isinstance(target, list) else str(target).split(".", 1))
            ),
            "Fn::Sub": self._sub,
            "Fn::Join": lambda parts: str(parts[0]).join(str(part) for part in self.resolve(parts[1])),
            "Fn::Select": lambda pick: self.resolve(pick[1])[int(self.resolve(pick[0]))],
        }
        if key not in functions:
            raise TemplateError(f"the local stack does not resolve {key}: {argument!r}")
        return functions[key](argument)

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        for source in (self.pseudo_parameters, self.parameters, self.refs):
            if name in source:
                return source[name]
        raise TemplateError(f"!Ref {name}: not a parameter, pseudo parameter or resource the stack created")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.attributes[(logical_id, attribute)]
        except KeyError:
            raise TemplateError(f"!GetAtt {logical_id}.{attribute}: not available locally") from None

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
        values = {name: str(value) for name, value in self.resolve(variables).items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in values:
                return values[name]
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return self._get_att(logical_id, attribute)
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(substitute, str(text))


# -- creating the resources ---------------------------------------------------------------------------------


def pseudo_parameters(stack_name: str, region: str) -> dict[str, str]:
    return {
        "AWS::StackName": stack_name,
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackId": f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{stack_name}/local",
    }


def _attribute_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _tags(properties: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": str(tag["Key"]), "Value": str(tag["Value"])} for tag in properties.get("Tags", [])]


# CloudFormation table properties that create_table takes as they are; the rest is mapped or applied after.
_CREATE_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "TableClass",
    "DeletionProtectionEnabled",
)


@dataclass
class _Creator:
    """Creates one resource from its resolved properties; returns its Ref value and GetAtt attributes."""

    dynamodb: DynamoDBClient
    sqs: SQSClient
    events: EventBridgeClient
    stack_name: str
    queue_urls: dict[str, str] = field(default_factory=dict)

    def __call__(
        self, resource_type: str, logical_id: str, properties: dict[str, Any]
    ) -> tuple[str, dict[str, str]]:
        creators = {
            "AWS::DynamoDB::Table": self.table,
            "AWS::SQS::Queue": self.queue,
            "AWS::Events::EventBus": self.event_bus,
            "AWS::Events::Rule": self.rule,
        }
        return creators[resource_type](logical_id, properties)

    def table(self, logical_id: str, properties: dict[str, Any]) -> tuple[str, dict[str, str]]:
        name = properties.get("TableName", f"{self.stack_name}-{logical_id}")
        arguments: dict[str, Any] = {
            key: properties[key] for key in _CREATE_TABLE_PROPERTIES if key in properties
        }
        if "GlobalSecondaryIndexes" in properties:
            arguments["GlobalSecondaryIndexes"] = [
                {key: value for key, value in index.items() if key != "ContributorInsightsSpecification"}
                for index in properties["GlobalSecondaryIndexes"]
            ]
        if "StreamSpecification" in properties:
            arguments["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
        if "SSESpecification" in properties:
            sse = properties["SSESpecification"]
            arguments["SSESpecification"] = {
                "Enabled": bool(sse.get("SSEEnabled")),
                **{key: sse[key] for key in ("SSEType", "KMSMasterKeyId") if key in sse},
            }
        if _tags(properties):
            arguments["Tags"] = _tags(properties)
        table = self.dynamodb.create_table(TableName=name, **arguments)["TableDescription"]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl is not None:
            self.dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={
                    "AttributeName": ttl["AttributeName"],
                    "Enabled": bool(ttl["Enabled"]),
                },
            )
        if properties.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            self.dynamodb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
        attributes = {"Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            attributes["StreamArn"] = table["LatestStreamArn"]
        return name, attributes

    def queue(self, logical_id: str, properties: dict[str, Any]) -> tuple[str, dict[str, str]]:
        fifo = _attribute_value(properties.get("FifoQueue", False)) == "true"
        name = properties.get("QueueName", f"{self.stack_name}-{logical_id}" + (".fifo" if fifo else ""))
        # Every other property of AWS::SQS::Queue is a queue attribute of the same name.
        attributes: dict[Any, str] = {
            key: _attribute_value(value)
            for key, value in properties.items()
            if key not in ("QueueName", "Tags")
        }
        url = self.sqs.create_queue(
            QueueName=name,
            Attributes=attributes,
            tags={tag["Key"]: tag["Value"] for tag in _tags(properties)},
        )["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.queue_urls[arn] = url
        return url, {"Arn": arn, "QueueName": name, "QueueUrl": url}

    def event_bus(self, logical_id: str, properties: dict[str, Any]) -> tuple[str, dict[str, str]]:
        name = properties["Name"]
        arguments: dict[str, Any] = {"Tags": _tags(properties)} if _tags(properties) else {}
        arn = self.events.create_event_bus(Name=name, **arguments)["EventBusArn"]
        return name, {"Arn": arn, "Name": name}

    def rule(self, logical_id: str, properties: dict[str, Any]) -> tuple[str, dict[str, str]]:
        """A rule and its targets; retry policies and dead-letter configs have no local effect."""
        name = properties.get("Name", f"{self.stack_name}-{logical_id}")[:64]
        bus = properties.get("EventBusName", "default")
        arn = self.events.put_rule(
            Name=name,
            EventBusName=bus,
            EventPattern=json.dumps(properties["EventPattern"]),
            State=properties.get("State", "ENABLED"),
        )["RuleArn"]
        targets = [{"Id": target["Id"], "Arn": target["Arn"]} for target in properties.get("Targets", [])]
        if targets:
            self.events.put_targets(Rule=name, EventBusName=bus, Targets=targets)  # type: ignore[arg-type]
        return name, {"Arn": arn}


# Queue policies let EventBridge send to a queue on AWS; moto does not check them.
_OPERATIONAL_TYPES = (
    "AWS::CloudWatch::Alarm",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::SQS::QueuePolicy",
)
_SIGN_IN_TYPES = ("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolClient")
_CREATED_TYPES = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Events::EventBus", "AWS::Events::Rule")


@dataclass(frozen=True)
class Provisioned:
    """What provisioning created: a resolver that knows every resource, queue URLs by ARN, the environment."""

    resolver: Resolver
    queue_urls: dict[str, str]
    environment: dict[str, str]


def provision_template(
    template: Template,
    dynamodb: DynamoDBClient,
    sqs: SQSClient,
    events: EventBridgeClient,
    *,
    parameter_overrides: Mapping[str, str] | None = None,
    stack_name: str = STACK_NAME,
) -> Provisioned:
    """Creates the template's tables, queues and buses (each after what it references)."""
    region = sqs.meta.region_name
    resolver = Resolver(
        template.parameter_values(parameter_overrides or {}), pseudo_parameters(stack_name, region)
    )
    for logical_id, resource in template.resources.items():
        kind = str(resource.get("Type"))
        # SAM's own types (functions, APIs, layers) are what the local stack runs itself; operational
        # alarms and their topic watch a deployed stack and have nothing to do locally.
        if kind not in _CREATED_TYPES and not kind.startswith("AWS::Serverless::"):
            quiet = kind in _OPERATIONAL_TYPES
            log.log(
                logging.DEBUG if quiet else logging.WARNING,
                "%s (%s) is not created locally",
                logical_id,
                kind,
            )
    for logical_id in template.resources_of_type(*_SIGN_IN_TYPES):
        # No user pool locally: its ids resolve empty, which leaves the console without login.
        resolver.add_resource(logical_id, "", {})
    create = _Creator(dynamodb, sqs, events, stack_name)
    wanted = template.resources_of_type(*_CREATED_TYPES)
    for logical_id in template.creation_order(wanted):
        properties = resolver.resolve(wanted[logical_id].get("Properties", {}))
        ref, attributes = create(wanted[logical_id]["Type"], logical_id, properties)
        resolver.add_resource(logical_id, ref, attributes)
    return Provisioned(resolver, create.queue_urls, function_environment(template, resolver))


def function_environment(template: Template, resolver: Resolver) -> dict[str, str]:
    """The functions' environment variables, resolved; they must agree, since they may share one process."""
    environment: dict[str, str] = {}
    for logical_id in template.resources_of_type(FUNCTION_TYPE):
        variables = template.function_properties(logical_id).get("Environment", {}).get("Variables", {})
        for name, value in resolver.resolve(variables).items():
            if environment.setdefault(name, str(value)) != str(value):
                raise TemplateError(f"functions disagree on {name}; in one process they cannot")
    return environment


def provision(
    template_path: Path | str,
    dynamodb: DynamoDBClient,
    sqs: SQSClient,
    events: EventBridgeClient,
    *,
    parameter_overrides: Mapping[str, str] | None = None,
    stack_name: str = STACK_NAME,
) -> dict[str, str]:
    """Creates the template's resources through the given clients; returns the functions' environment."""
    template = load_template(Path(template_path))
    provisioned = provision_template(
        template, dynamodb, sqs, events, parameter_overrides=parameter_overrides, stack_name=stack_name
    )
    return provisioned.environment
