"""Calls a running node with the generated Python Connect client: every check once with the JSON
codec and once with the client's defaults (binary protobuf, gzip on)."""
import sys

from connectrpc.code import Code
from connectrpc.codec import proto_json_codec
from connectrpc.errors import ConnectError

from api.consensus.v1 import consensus_connect, consensus_pb
from api.node.v1 import diagnostics_connect, diagnostics_pb, health_connect, health_pb, reflection_connect, reflection_pb

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


def run(label, codec):
    """Every check with one codec (None: the client's default, binary protobuf with gzip)."""
    kw = {} if codec is None else {"codec": codec}
    with health_connect.HealthClientSync(base, **kw) as health:
        response = health.check(health_pb.CheckRequest())
        check(f"[{label}] Health/Check over POST (gzip request)", response.status == health_pb.ServingStatus.SERVING, str(response))
        check(f"[{label}] Health/Check role and node id", response.role == "consensus" and response.node_id == "n1", str(response))
        response = health.check(health_pb.CheckRequest(), use_get=True)
        check(f"[{label}] Health/Check over GET", response.status == health_pb.ServingStatus.SERVING, str(response))

    with health_connect.HealthClientSync(base, **kw, send_compression=None, accept_compression=[]) as plain:
        response = plain.check(health_pb.CheckRequest())
        check(f"[{label}] Health/Check without compression", response.status == health_pb.ServingStatus.SERVING)

    with diagnostics_connect.DiagnosticsClientSync(base, **kw) as diagnostics:
        big = "x" * 5000
        response = diagnostics.echo(diagnostics_pb.EchoMessage(message=big, delay_ms=1))
        check(f"[{label}] Echo of a 5 KB message (gzip both ways)", response.message == big)
        try:
            diagnostics.echo(diagnostics_pb.EchoMessage(message="slow", delay_ms=5000), timeout_ms=300)
            check(f"[{label}] deadline exceeded", False, "no error")
        except ConnectError as error:
            check(f"[{label}] deadline exceeded", error.code == Code.DEADLINE_EXCEEDED, str(error.code))
        messages = [m.message for m in diagnostics.ticks(diagnostics_pb.TicksRequest(message="t", count=3, interval_ms=5))]
        check(f"[{label}] server streaming Ticks", messages == ["t0", "t1", "t2"], str(messages))

    with reflection_connect.ReflectionClientSync(base, **kw) as reflection:
        services = reflection.list_services(reflection_pb.ListServicesRequest())
        names = [service.name for service in services.services]
        check(f"[{label}] Reflection/ListServices", "node.v1.Health" in names and "node.v1.Reflection" in names, str(names))
        try:
            reflection.describe_service(reflection_pb.DescribeServiceRequest(service="no.such.Service"))
            check(f"[{label}] not_found error", False, "no error")
        except ConnectError as error:
            check(f"[{label}] not_found error", error.code == Code.NOT_FOUND, str(error.code))
        try:
            reflection.describe_service(reflection_pb.DescribeServiceRequest())
            check(f"[{label}] invalid_argument for a missing field", False, "no error")
        except ConnectError as error:
            check(f"[{label}] invalid_argument for a missing field", error.code == Code.INVALID_ARGUMENT and "service" in error.message,
                  f"{error.code} {error.message}")

    with consensus_connect.ConsensusClientSync(base, **kw) as consensus:
        pool = consensus.create_pool(consensus_pb.CreatePoolRequest(pool_id=f"interop-{label}", size=2, min_value=-5, max_value=5))
        check(f"[{label}] CreatePool", pool.pool_id == f"interop-{label}" and pool.size == 2, str(pool))
        tokens = {}
        for member in ["a", "b"]:
            token = f"{member}-token-{label}-0123456789"
            joined = consensus.join_pool(consensus_pb.JoinPoolRequest(pool_id=pool.pool_id, member_id=member, member_token=token))
            tokens[member] = token
        check(f"[{label}] JoinPool fills the pool", joined.pool.state == consensus_pb.PoolState.WAITING, str(joined.pool))
        try:
            consensus.vote(consensus_pb.VoteRequest(pool_id=pool.pool_id, member_id="a", member_token=tokens["a"], round=1,
                                                    value=3, etag=pool.etag))
            check(f"[{label}] stale vote refused", False, "no error")
        except ConnectError as error:
            current = [detail.value(consensus_pb.Pool) for detail in error.details if detail.type_name == "consensus.v1.Pool"]
            check(f"[{label}] stale vote: failed_precondition with the current pool as a decoded detail",
                  error.code == Code.FAILED_PRECONDITION and len(current) == 1 and current[0].etag == joined.pool.etag
                  and current[0].state == consensus_pb.PoolState.WAITING and list(current[0].members) == ["a", "b"],
                  f"{error.code} {error.message} {current}")
        # Negative int64 values both ways (ten-byte varints in binary).
        first = consensus.vote(consensus_pb.VoteRequest(pool_id=pool.pool_id, member_id="a", member_token=tokens["a"], round=1,
                                                        value=-3, etag=joined.pool.etag))
        second = consensus.vote(consensus_pb.VoteRequest(pool_id=pool.pool_id, member_id="b", member_token=tokens["b"], round=1,
                                                         value=-3, etag=first.pool.etag))
        check(f"[{label}] two votes of -3 decide the pool", second.pool.state == consensus_pb.PoolState.SUCCESS
              and second.pool.winner == -3, str(second.pool))


run("json", proto_json_codec())
run("proto", None)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
