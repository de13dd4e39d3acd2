"""The local stack: owns running template.yaml on one machine, with no AWS account and no Docker.

moto server, in a process of its own (`local.moto_process`), holds the template's table, queues and event bus
(created from the template's own properties, `local.provisioning`, on a moto patched where it differs from
AWS, `local.moto_fixes`); the functions run
in-process (`local.lambda_runtime`), wired as AWS wires them:

- EventBridge rule -> function, SQS -> function, EventBridge Scheduler (ScheduleV2) -> function:
  `local.event_sources`. moto runs no schedules, so the schedule's Input is sent every `--sweep-seconds`
  (default 5) instead of its ScheduleExpression; a shorter period only makes the evaluator's sweep notice
  due reminders and duration thresholds sooner.
- HTTP -> function: `local.api_gateway`, a threaded server turning requests under the API's stage into
  REST proxy events. IAM auth (SigV4) is not checked locally.

This module owns the orchestration (start and stop in order, one stack per process and per state directory,
`local.state_dir`) and the command line. Plus the StatusHub simulator. The stack writes
`<state-dir>/stack.json` (the readiness signal) and routes the handlers' logs to `<state-dir>/stack.log`.

A control endpoint on the API's port (`control_url` in stack.json) lets a chaos run restart a queue's worker:
`POST <control_url>/event-sources/<FunctionLogicalId>/stop` waits for the batch in hand, then stops polling
(messages wait in the queue, as while Lambda replaces a function's instances); `.../start` resumes with a cold
start (the function's cached composition root is dropped); `GET <control_url>/event-sources` lists them.

    python -m local.stack [--state-dir .local] [--api-port 0] [--retry-schedule 0,1,2,4,8,16,32,64]
                          [--sweep-seconds 5]
                          [--delivery-timeout 15] [--throttled-retry-min 1] [--concurrency 64]
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from pydantic import BaseModel, ConfigDict

from local import status_pages
from local.api_gateway import CONTROL_PREFIX, add_template_route
from local.event_sources import (
    InFlight,
    Schedule,
    SqsEventSource,
    bridge_rule,
    local_batching_window,
    pollers_for,
)
from local.lambda_runtime import (
    DEFAULT_CONCURRENCY,
    ENVIRONMENT_SWITCH_INTERVAL_S,
    ProcessEnvironment,
    load_functions,
)
from local.moto_process import MotoProcess
from local.provisioning import REGION, STACK_NAME, TemplateError, load_template, provision_template
from local.stack_options import (
    DEFAULT_CONFIG_CACHE_SECONDS,
    DEFAULT_DELIVERY_TIMEOUT,
    DEFAULT_RETRY_SCHEDULE,
    DEFAULT_SWEEP_SECONDS,
    DEFAULT_THROTTLED_RETRY_MIN,
    LOCAL_PRIVATE_NETWORKS,
    RESOLVE_MINUTE_SECONDS,
    arguments,
)
from local.state_dir import StateDirInUseError, claim_state_dir
from local.statushub import StatusHubSimulator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from types import FrameType
    from typing import TextIO

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient
    from werkzeug.serving import BaseWSGIServer

    from local.api_gateway import ApiGateway
    from local.lambda_runtime import Handler, LocalFunction
    from local.provisioning import Resolver

REPO_ROOT = Path(__file__).resolve().parent.parent
SAM_ENV_FILE = "sam-env.json"
STACK_FILE = "stack.json"
LOG_FILE = "stack.log"
ASYNC_INVOKE_WORKERS = 4

log = logging.getLogger("local.stack")
# The functions read os.environ, which is per process: one stack runs at a time in a process.
_PROCESS_SLOT = threading.Lock()


class StackInfo(BaseModel):
    """What `stack.json` holds: everything a client needs to use the running stack."""

    model_config = ConfigDict(frozen=True)

    api_url: str
    aws_endpoint_url: str
    region: str
    event_bus_name: str
    statushub_url: str
    # The Statuspage simulator (DESIGN 7): the same server as StatusHub's, under /v1 and /api/pages.
    statuspage_url: str = ""
    table_name: str
    delivery_queue_url: str
    delivery_dlq_url: str
    evaluator_dlq_url: str
    # Restart hooks for chaos runs; see the module docstring.
    control_url: str = ""
    # The web console (DESIGN §11); no login locally.
    console_url: str = ""
    # Execution environments per function at most (see local.lambda_runtime).
    concurrency: int = DEFAULT_CONCURRENCY


# stack.json fields that are the functions' own settings, by the environment variable that carries them.
_INFO_FROM_ENVIRONMENT = {
    "event_bus_name": "EVENT_BUS_NAME",
    "table_name": "TABLE_NAME",
    "delivery_queue_url": "DELIVERY_QUEUE_URL",
    "delivery_dlq_url": "DELIVERY_DLQ_URL",
    "evaluator_dlq_url": "EVALUATOR_DLQ_URL",
}


class LocalStack:
    """The template's resources on moto server, its functions in-process, and the StatusHub simulator.

    `handlers` replaces functions' handlers by logical id (tests run the wiring with fakes); functions not
    in it are imported from their CodeUri and Handler, as Lambda would load them.
    """

    def __init__(
        self,
        state_dir: Path | str = ".local",
        *,
        host: str = "127.0.0.1",
        api_port: int = 0,
        moto_port: int = 0,
        statushub_port: int = 0,
        retry_schedule: Sequence[int] = DEFAULT_RETRY_SCHEDULE,
        timezone: str = "UTC",
        sweep_seconds: float = DEFAULT_SWEEP_SECONDS,
        config_cache_seconds: float = DEFAULT_CONFIG_CACHE_SECONDS,
        delivery_timeout: float = DEFAULT_DELIVERY_TIMEOUT,
        throttled_retry_min: float = DEFAULT_THROTTLED_RETRY_MIN,
        concurrency: int = DEFAULT_CONCURRENCY,
        template_path: Path | str = REPO_ROOT / "template.yaml",
        handlers: Mapping[str, Handler] | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.host = host
        self.api_port = api_port
        self.moto_port = moto_port
        self.statushub_port = statushub_port
        self.sweep_seconds = sweep_seconds
        self.concurrency = concurrency
        self.template_path = Path(template_path)
        self.template = load_template(self.template_path)
        self.handlers = dict(handlers or {})
        # The stack's own settings, by the function environment variable that carries them.
        self.local_settings = {
            "ALLOWED_PRIVATE_NETWORKS": LOCAL_PRIVATE_NETWORKS,
            "RETRY_SCHEDULE_SECONDS": ",".join(str(delay) for delay in retry_schedule),
            "ACCOUNT_TIMEZONE": timezone,
            "DELIVERY_TIMEOUT_SECONDS": str(delivery_timeout),
            "THROTTLED_RETRY_MIN_SECONDS": str(throttled_retry_min),
            "CONFIG_CACHE_SECONDS": str(config_cache_seconds),
            "RESOLVE_MINUTE_SECONDS": str(RESOLVE_MINUTE_SECONDS),
        }
        self.info: StackInfo | None = None
        self._stop = threading.Event()
        self._moto: MotoProcess | None = None
        self._statushub = StatusHubSimulator()
        self.status_pages = status_pages.mount(self._statushub.app)
        self._api_server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._pool: ThreadPoolExecutor | None = None
        self._clients: list[Any] = []
        self._environment = ProcessEnvironment()
        self._queue_urls: dict[str, str] = {}
        self._event_sources: dict[str, SqsEventSource] = {}
        self._holds_process_slot = False
        self._owns_state_dir = False

    @property
    def stack_file(self) -> Path:
        return self.state_dir / STACK_FILE

    @property
    def sam_env_file(self) -> Path:
        """`sam local invoke --env-vars` input: the functions' environment pointed at this stack's moto."""
        return self.state_dir / SAM_ENV_FILE

    def start(self) -> StackInfo:
        if not _PROCESS_SLOT.acquire(blocking=False):
            raise RuntimeError(
                "a local stack is already running in this process (the functions' environment is per process)"
            )
        self._holds_process_slot = True
        self._owns_state_dir = claim_state_dir(self.state_dir, STACK_FILE, on_refusal=self.stop)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.stack_file.unlink(missing_ok=True)  # a stale file from a killed run is not a readiness signal
        self._stop.clear()
        try:
            endpoint = self._start_moto()
            provisioned = provision_template(
                self.template,
                self._dynamodb,
                self._sqs,
                self._events,
                parameter_overrides={
                    self.template.parameter_behind(variable): value
                    for variable, value in self.local_settings.items()
                },
                stack_name=STACK_NAME,
            )
            self._queue_urls = dict(provisioned.queue_urls)
            resolver, environment = provisioned.resolver, provisioned.environment
            self._environment.set(environment)
            # SES sends only from verified identities; the local account verifies the sender address.
            self._ses.verify_email_identity(EmailAddress=environment["EMAIL_SENDER_ADDRESS"])
            statushub_url = self._statushub.start(host=self.host, port=self.statushub_port)
            functions = load_functions(
                self.template, self.template_path.parent, resolver, self.handlers, self.concurrency
            )
            api_url = self._wire(functions, resolver)
            self.info = StackInfo(
                api_url=api_url,
                aws_endpoint_url=endpoint,
                region=REGION,
                statushub_url=statushub_url,
                statuspage_url=statushub_url,
                control_url=api_url.rsplit("/", 1)[0] + CONTROL_PREFIX if api_url else "",
                console_url=f"{api_url}/console" if api_url else "",
                concurrency=self.concurrency,
                **{key: environment[variable] for key, variable in _INFO_FROM_ENVIRONMENT.items()},
            )
            _write_atomically(self.sam_env_file, _sam_env_vars(environment, endpoint))
            _write_atomically(self.stack_file, self.info.model_dump_json(indent=2) + "\n")
        except BaseException:
            self.stop()
            raise
        return self.info

    def stop(self) -> None:
        """Stops everything start() started, in reverse order; safe to call more than once."""
        if self._owns_state_dir:  # another stack's files in the same directory are not ours to delete
            self._owns_state_dir = False
            for path in (self.stack_file, self.sam_env_file):
                path.unlink(missing_ok=True)
        self.info = None
        self._stop.set()
        if self._api_server is not None:
            self._api_server.shutdown()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self._event_sources.clear()
        if self._pool is not None:
            # Events not yet started stay in their bridge queue, which goes away with moto.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._api_server is not None:
            self._api_server.server_close()
            self._api_server = None
        self._statushub.stop()
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        self._environment.restore()
        if self._holds_process_slot:
            self._holds_process_slot = False
            _PROCESS_SLOT.release()

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- moto and the AWS environment -------------------------------------------------------------

    def _start_moto(self) -> str:
        # Its own process, as `moto_server` runs: moto's CPU per request no longer holds the functions' GIL.
        self._moto = MotoProcess(self.host, self.moto_port)
        endpoint = self._moto.start()
        # Fake credentials so nothing can reach a real account, and no profile from the user's config.
        self._environment.set(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_PROFILE": None,
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
        )
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        self._sqs: SQSClient = session.client("sqs", endpoint_url=endpoint)
        self._dynamodb: DynamoDBClient = session.client("dynamodb", endpoint_url=endpoint)
        self._events: EventBridgeClient = session.client("events", endpoint_url=endpoint)
        self._ses: SESClient = session.client("ses", endpoint_url=endpoint)
        self._clients += [self._sqs, self._dynamodb, self._events, self._ses]
        return endpoint

    # -- functions and their triggers -----------------------------------------------------------------

    def _wire(self, functions: Mapping[str, LocalFunction], resolver: Resolver) -> str:
        """Connects every function event the stack supports; returns the API's base URL."""
        # AWS runs async invokes concurrently; a small pool keeps the handlers honest about it.
        self._pool = pool = ThreadPoolExecutor(ASYNC_INVOKE_WORKERS, thread_name_prefix="async-invoke")
        in_flight = InFlight(ASYNC_INVOKE_WORKERS * 2)
        api: ApiGateway | None = None
        for logical_id, function in functions.items():
            events = self.template.function_properties(logical_id).get("Events", {})
            for event_name, event in events.items():
                kind, properties = event["Type"], event.get("Properties", {})
                if kind == "EventBridgeRule":
                    used = _used(properties, "EventBusName", "Pattern", "State")
                    self._wire_rule(function, event_name, resolver.resolve(used), pool, in_flight)
                elif kind == "SQS":
                    used = _used(
                        properties,
                        "Queue",
                        "BatchSize",
                        "MaximumBatchingWindowInSeconds",
                        "Enabled",
                        "FunctionResponseTypes",
                    )
                    self._wire_queue(function, resolver.resolve(used))
                elif kind == "Api":
                    api = add_template_route(api, self.template, function, properties)
                elif kind == "ScheduleV2":
                    self._wire_schedule(function, resolver.resolve(_used(properties, "Input", "State")))
                else:
                    log.warning("%s.%s (%s) is not wired locally", logical_id, event_name, kind)
        if api is None:
            return ""
        api.event_sources = self._event_sources
        self._api_server = api.serve(self.host, self.api_port)
        self._start_thread(self._api_server.serve_forever, "api", poll_interval=0.1)
        return f"http://{self.host}:{self._api_server.server_port}/{api.stage}"

    def _wire_rule(
        self,
        function: LocalFunction,
        event_name: str,
        properties: dict[str, Any],
        pool: ThreadPoolExecutor,
        in_flight: InFlight,
    ) -> None:
        dead_letter_url = self._queue_urls.get(function.dead_letter_arn or "")
        if function.dead_letter_arn and dead_letter_url is None:
            raise TemplateError(
                f"{function.logical_id}: dead-letter queue {function.dead_letter_arn} is unknown"
            )
        bridge = bridge_rule(
            function,
            event_name,
            properties,
            events=self._events,
            sqs=self._sqs,
            dead_letter_url=dead_letter_url,
            pool=pool,
            in_flight=in_flight,
            stop=self._stop,
        )
        self._start_thread(bridge.run, f"{function.logical_id}-{event_name}")

    def _wire_queue(self, function: LocalFunction, properties: dict[str, Any]) -> None:
        queue_url = self._queue_urls.get(properties["Queue"])
        if queue_url is None:
            raise TemplateError(f"{function.logical_id}: queue {properties['Queue']} is not a template queue")
        if not properties.get("Enabled", True):
            return
        source = SqsEventSource(
            function=function,
            sqs=self._sqs,
            queue_url=queue_url,
            queue_arn=properties["Queue"],
            batch_size=int(properties.get("BatchSize", 10)),
            reports_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
            stop=self._stop,
            batching_window_s=local_batching_window(
                float(properties.get("MaximumBatchingWindowInSeconds", 0))
            ),
            pollers=pollers_for(queue_url),
        )
        self._event_sources[function.logical_id] = source
        for poller in range(source.pollers):
            self._start_thread(source.run, f"{function.logical_id}-sqs-{poller}")

    def _wire_schedule(self, function: LocalFunction, properties: dict[str, Any]) -> None:
        if properties.get("State", "ENABLED") != "ENABLED":
            return
        event = json.loads(properties.get("Input") or "{}")
        schedule = Schedule(function, event, self.sweep_seconds, self._stop)
        self._start_thread(schedule.run, f"{function.logical_id}-schedule")

    def _start_thread(self, target: Callable[..., object], name: str, **kwargs: Any) -> None:
        thread = threading.Thread(target=target, name=name, kwargs=kwargs, daemon=True)
        thread.start()
        self._threads.append(thread)


def _used(properties: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    # Only these are resolved: the rest (retry policies, DLQ configs of AWS-side retries) has no local effect.
    return {key: properties[key] for key in keys if key in properties}


def _write_atomically(path: Path, text: str) -> None:
    # Readers poll for this file, so it must never be seen half-written.
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=path.name, delete=False, encoding="utf-8"
    ) as f:
        f.write(text)
    Path(f.name).replace(path)


@contextlib.contextmanager
def _output_to(log_file: TextIO) -> Iterator[None]:
    """Sends stdout (Powertools' JSON logs) and stdlib logging to the log file while the stack runs."""
    root = logging.getLogger()
    handler = logging.StreamHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("local").setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log: one line per poll
    logging.captureWarnings(True)
    try:
        with contextlib.redirect_stdout(log_file):
            yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _sam_env_vars(environment: Mapping[str, str], aws_endpoint_url: str) -> str:
    """Every function's variables for `sam local invoke`, which runs the handler in a container; with
    `--docker-network host` that container reaches moto on this machine's loopback."""
    variables = {
        **environment,
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    return json.dumps({"Parameters": variables}, indent=2) + "\n"


def _banner(info: StackInfo, log_path: Path, stack_file: Path) -> str:
    return "\n".join(
        [
            "Local stack is running (Ctrl-C stops it).",
            f"  Config API        {info.api_url}",
            f"  Console           {info.console_url}",
            f"  AWS endpoint      {info.aws_endpoint_url}  (region {info.region})",
            f"  Event bus         {info.event_bus_name}",
            f"  StatusHub         {info.statushub_url}",
            f"  Handler logs      {log_path}",
            f"  Stack file        {stack_file}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    # Lambda runs each execution environment as a process of its own; here they are threads of one, and
    # each waits for the interpreter lock after every AWS request it makes: hand it over sooner than
    # Python's default 5 ms, or a burst's requests queue behind whichever handler is computing.
    sys.setswitchinterval(ENVIRONMENT_SWITCH_INTERVAL_S)
    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    terminal = sys.stdout
    try:  # before its log file is opened (and emptied)
        claim_state_dir(args.state_dir, STACK_FILE)
    except StateDirInUseError as refused:
        print(f"The local stack did not start: {refused}", file=sys.stderr)
        return 1
    args.state_dir.mkdir(parents=True, exist_ok=True)
    log_path = args.state_dir / LOG_FILE
    stack = LocalStack(
        args.state_dir,
        host=args.host,
        api_port=args.api_port,
        moto_port=args.moto_port,
        statushub_port=args.statushub_port,
        retry_schedule=args.retry_schedule,
        timezone=args.timezone,
        sweep_seconds=args.sweep_seconds,
        config_cache_seconds=args.config_cache_seconds,
        delivery_timeout=args.delivery_timeout,
        throttled_retry_min=args.throttled_retry_min,
        concurrency=args.concurrency,
    )
    with log_path.open("w", encoding="utf-8", buffering=1) as log_file, _output_to(log_file):
        try:
            info = stack.start()
        except Exception as error:
            log.exception("the local stack failed to start")
            print(f"The local stack failed to start: {error} (details in {log_path})", file=sys.stderr)
            return 1
        try:
            print(_banner(info, log_path, stack.stack_file), file=terminal, flush=True)
            # A timed wait keeps the main thread responsive to signals.
            while not stop_requested.wait(0.5):
                pass
        finally:
            stack.stop()
    print("Local stack stopped.", file=terminal, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
