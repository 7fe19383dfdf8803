"""Calls a running node with the generated Python Connect client (JSON codec, gzip on)."""
import sys

from connectrpc.code import Code
from connectrpc.codec import proto_json_codec
from connectrpc.errors import ConnectError

from node.v1 import diagnostics_connect, diagnostics_pb, health_connect, health_pb, reflection_connect, reflection_pb

base = sys.argv[1]
passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


codec = proto_json_codec()

with health_connect.HealthClientSync(base, codec=codec) as health:
    response = health.check(health_pb.CheckRequest())
    check("Health/Check over POST (gzip request)", response.status == health_pb.ServingStatus.SERVING, str(response))
    check("Health/Check role and node id", response.role == "consensus" and response.node_id == "n1", str(response))
    response = health.check(health_pb.CheckRequest(), use_get=True)
    check("Health/Check over GET", response.status == health_pb.ServingStatus.SERVING, str(response))

with health_connect.HealthClientSync(base, codec=codec, send_compression=None, accept_compression=[]) as plain:
    response = plain.check(health_pb.CheckRequest())
    check("Health/Check without compression", response.status == health_pb.ServingStatus.SERVING)

with diagnostics_connect.DiagnosticsClientSync(base, codec=codec) as diagnostics:
    big = "x" * 5000
    response = diagnostics.echo(diagnostics_pb.EchoMessage(message=big, delay_ms=1))
    check("Echo of a 5 KB message (gzip both ways)", response.message == big)
    try:
        diagnostics.echo(diagnostics_pb.EchoMessage(message="slow", delay_ms=5000), timeout_ms=300)
        check("deadline exceeded", False, "no error")
    except ConnectError as error:
        check("deadline exceeded", error.code == Code.DEADLINE_EXCEEDED, str(error.code))
    messages = [m.message for m in diagnostics.ticks(diagnostics_pb.TicksRequest(message="t", count=3, interval_ms=5))]
    check("server streaming Ticks", messages == ["t0", "t1", "t2"], str(messages))

with reflection_connect.ReflectionClientSync(base, codec=codec) as reflection:
    services = reflection.list_services(reflection_pb.ListServicesRequest())
    names = [service.name for service in services.services]
    check("Reflection/ListServices", "node.v1.Health" in names and "node.v1.Reflection" in names, str(names))
    try:
        reflection.describe_service(reflection_pb.DescribeServiceRequest(service="no.such.Service"))
        check("not_found error", False, "no error")
    except ConnectError as error:
        check("not_found error", error.code == Code.NOT_FOUND, str(error.code))
    try:
        reflection.describe_service(reflection_pb.DescribeServiceRequest())
        check("invalid_argument for a missing field", False, "no error")
    except ConnectError as error:
        check("invalid_argument for a missing field", error.code == Code.INVALID_ARGUMENT and "service" in error.message,
              f"{error.code} {error.message}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
