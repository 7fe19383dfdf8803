#!/usr/bin/env python3
"""A nemesis of our own: three `node serve` replicas, each in its own network namespace (veth
pairs on a bridge), clients recording histories from the root namespace, and faults injected
with iptables and signals: two-way partitions, one-way cuts, non-transitive partitions, random
loss, kill -9 with restart, and pauses (SIGSTOP).

Checks:
  register  every key's history (invoke/ok/fail/unknown, a timeout is unknown) is linearizable
            (Wing & Gong search per key, unknown writes may take effect any time after invocation);
  bulletin  (sequential mode) every acknowledged post is on every replica with its content, and
            every replica lists the same ids in the same order.

Usage: nemesis.py NODE_BINARY [--duration SECONDS] [--seed N]
Exits 0 when the checks pass, 1 when they fail, 0 with "skipped: …" when the machine cannot
create network namespaces (not root, no iproute2/iptables).
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SUBNET = "10.77.0"
BRIDGE = "nmbr0"
PORT = 7700
IDS = ["n1", "n2", "n3"]


def sh(*args, check=True, quiet=True):
    result = subprocess.run(list(args), stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE if quiet else None)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.decode(errors='replace').strip() if result.stderr else result.returncode}")
    return result


class Network:
    """Three namespaces on a bridge; iptables faults applied inside them."""

    def __init__(self):
        self.namespaces = [f"nm{i + 1}" for i in range(3)]
        self.ips = [f"{SUBNET}.{i + 1}" for i in range(3)]

    def up(self):
        self.down()
        sh("ip", "link", "add", BRIDGE, "type", "bridge")
        sh("ip", "addr", "add", f"{SUBNET}.254/24", "dev", BRIDGE)
        sh("ip", "link", "set", BRIDGE, "up")
        for index, ns in enumerate(self.namespaces):
            host, inner = f"nmv{index + 1}", f"nmv{index + 1}b"
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", host, "type", "veth", "peer", "name", inner)
            sh("ip", "link", "set", inner, "netns", ns)
            sh("ip", "link", "set", host, "master", BRIDGE)
            sh("ip", "link", "set", host, "up")
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{self.ips[index]}/24", "dev", inner)
            sh("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up")
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def down(self):
        for index, ns in enumerate(self.namespaces):
            sh("ip", "netns", "del", ns, check=False)
            sh("ip", "link", "del", f"nmv{index + 1}", check=False)
        sh("ip", "link", "del", BRIDGE, check=False)

    def iptables(self, index, *rule):
        sh("ip", "netns", "exec", self.namespaces[index], "iptables", *rule)

    def heal(self):
        for index in range(3):
            self.iptables(index, "-F")

    def cut(self, a, b, both=True):
        """Drops a's packets to b (and, both ways, b's to a)."""
        self.iptables(a, "-A", "OUTPUT", "-d", self.ips[b], "-j", "DROP")
        if both:
            self.iptables(a, "-A", "INPUT", "-s", self.ips[b], "-j", "DROP")

    def loss(self, index, probability):
        self.iptables(index, "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", str(probability), "-j", "DROP")


class Cluster:
    def __init__(self, binary, network, role_args, directory):
        self.binary, self.network, self.role_args, self.directory = binary, network, role_args, directory
        self.processes = [None, None, None]
        self.peers = ",".join(f"{IDS[i]}={network.ips[i]}:{PORT}" for i in range(3))

    def start(self, index):
        log = open(os.path.join(self.directory, f"{IDS[index]}.log"), "ab")
        args = ["ip", "netns", "exec", self.network.namespaces[index], self.binary, "serve", *self.role_args,
                "--id", IDS[index], "--listen", f"{self.network.ips[index]}:{PORT}", "--peers", self.peers,
                "--data-dir", os.path.join(self.directory, IDS[index]), "--cluster-token", "nemesis",
                "--peer-timeout", "500ms", "--log-level", "info"]
        self.processes[index] = subprocess.Popen(args, stdout=log, stderr=log)

    def kill(self, index):
        process = self.processes[index]
        if process and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    def pause(self, index, paused):
        process = self.processes[index]
        if process and process.poll() is None:
            process.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self):
        for index in range(3):
            self.pause(index, False)
            process = self.processes[index]
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            if process:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def call(ip, method, body, timeout=1.0):
    """One Connect call; ("ok", response) / ("fail", code) for a definite error / ("unknown", reason)."""
    try:
        connection = http.client.HTTPConnection(ip, PORT, timeout=timeout)
        connection.request("POST", "/" + method, json.dumps(body), {"Content-Type": "application/json",
                                                                     "Connect-Timeout-Ms": str(int(timeout * 1000))})
        response = connection.getresponse()
        data = response.read()
        connection.close()
    except Exception as error:  # timeouts, resets: the request may or may not have been applied
        return "unknown", str(error)
    if response.status == 200:
        return "ok", json.loads(data or b"{}")
    try:
        code = json.loads(data).get("code", "unknown")
    except ValueError:
        code = "unknown"
    definite = code in {"invalid_argument", "not_found", "already_exists", "permission_denied", "unauthenticated",
                        "failed_precondition", "out_of_range", "unimplemented"}
    return ("fail" if definite else "unknown"), code


def wait_ready(ips, probe, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if all(call(ip, *probe)[0] == "ok" for ip in ips):
            return True
        time.sleep(0.2)
    return False


def nemesis_loop(network, cluster, until, rng, log):
    """Injects one fault at a time for 2–4 s, then heals for 1–2 s."""
    faults = ["partition", "one-way", "bridge", "loss", "kill", "pause"]
    while time.time() < until:
        fault = rng.choice(faults)
        a, b, c = rng.sample(range(3), 3)
        log.append(f"{time.time():.1f} {fault} {IDS[a]} {IDS[b]}")
        if fault == "partition":      # a alone, both ways
            network.cut(a, b)
            network.cut(a, c)
        elif fault == "one-way":      # a cannot send to b, nor b to c
            network.cut(a, b, both=False)
            network.cut(b, c, both=False)
        elif fault == "bridge":       # non-transitive: a and b cannot talk, both talk to c
            network.cut(a, b)
        elif fault == "loss":
            network.loss(a, 0.25)
            network.loss(b, 0.1)
        elif fault == "kill":
            cluster.kill(a)
        elif fault == "pause":
            cluster.pause(a, True)
        time.sleep(rng.uniform(2, 4))
        network.heal()
        if fault == "kill":
            cluster.start(a)
        if fault == "pause":
            cluster.pause(a, False)
        time.sleep(rng.uniform(1, 2))
    network.heal()


def run_under_faults(binary, network, directory, role_args, duration, rng, workload, workers):
    """Starts the three replicas of a role, runs `workers` client threads (workload(ips, until,
    seed)) while the nemesis injects faults for `duration` seconds, and returns (cluster, faults)
    with the cluster still running; (None, []) when it did not start."""
    cluster = Cluster(binary, network, role_args, os.path.join(directory, role_args[1]))
    os.makedirs(cluster.directory, exist_ok=True)
    for index in range(3):
        cluster.start(index)
    if not wait_ready(network.ips, ("node.v1.Health/Check", {})):
        cluster.stop()
        return None, []
    faults = []
    until = time.time() + duration
    threads = [threading.Thread(target=workload, args=(network.ips, until, seed)) for seed in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    nemesis_loop(network, cluster, until, rng, faults)
    for thread in threads:
        thread.join()
    return cluster, faults


# ---------------------------------------------------------------- register

def register_workload(ips, until, seed, history, lock):
    rng = random.Random(seed)
    process = seed * 1000
    step = 0
    while time.time() < until:
        step += 1
        key = rng.choice(["a", "b", "c", "d"])
        ip = rng.choice(ips)
        invoke = time.monotonic()
        if rng.random() < 0.5:
            value = f"w{seed}-{step}"
            outcome, answer = call(ip, "register.v1.Register/Write", {"key": key, "value": value})
            operation = {"process": process, "key": key, "kind": "write", "value": value}
        else:
            outcome, answer = call(ip, "register.v1.Register/Read", {"key": key})
            value = answer.get("value", "") if outcome == "ok" and answer.get("found") else None
            operation = {"process": process, "key": key, "kind": "read", "value": value}
        operation.update(invoke=invoke, complete=time.monotonic(), outcome=outcome)
        with lock:
            history.append(operation)
        if outcome == "unknown":
            process += 1  # an operation that may still happen: this client continues as a new process
            time.sleep(0.05)


def linearizable(operations):
    """Wing & Gong search for one register: writes of unknown outcome may happen any time after
    their invocation (or never); reads of unknown outcome and definite failures are dropped."""
    ops = []
    for op in operations:
        if op["outcome"] == "fail" or (op["kind"] == "read" and op["outcome"] != "ok"):
            continue
        complete = op["complete"] if op["outcome"] == "ok" else float("inf")
        ops.append((op["invoke"], complete, op["kind"], op["value"], op["outcome"] == "ok"))
    ops.sort()
    n = len(ops)
    required = sum(1 << i for i in range(n) if ops[i][4])
    seen = set()

    def search(done, state):
        if done & required == required:
            return True
        if (done, state) in seen:
            return False
        seen.add((done, state))
        # The earliest completion among pending operations bounds which may go next.
        horizon = min((ops[i][1] for i in range(n) if not done >> i & 1), default=float("inf"))
        for i in range(n):
            if done >> i & 1 or ops[i][0] > horizon:
                continue
            invoke, complete, kind, value, ok = ops[i]
            if kind == "read":
                if value != state:
                    continue
                if search(done | 1 << i, state):
                    return True
            else:
                if search(done | 1 << i, value):
                    return True
        return False

    sys.setrecursionlimit(100000)
    return search(0, None)


def checker_self_test():
    """The checker must accept a linearizable history and reject a stale read, or it proves nothing."""
    def op(kind, value, invoke, complete, outcome="ok"):
        return {"kind": kind, "value": value, "invoke": invoke, "complete": complete, "outcome": outcome}
    good = [op("write", "1", 0, 2), op("read", "1", 1, 3), op("write", "2", 4, 6, "unknown"), op("read", "2", 7, 8),
            op("read", "2", 9, 10)]
    stale = [op("write", "1", 0, 1), op("write", "2", 2, 3), op("read", "1", 4, 5)]
    lost = [op("write", "1", 0, 1), op("read", None, 2, 3)]
    back = [op("write", "1", 0, 1), op("write", "2", 2, 10, "unknown"), op("read", "2", 3, 4), op("read", "1", 5, 6)]
    return linearizable(good) and not linearizable(stale) and not linearizable(lost) and not linearizable(back)


def run_register(binary, network, directory, duration, rng):
    history, lock = [], threading.Lock()
    cluster, faults = run_under_faults(binary, network, directory, ["--role", "register"], duration, rng,
                                       lambda ips, until, seed: register_workload(ips, until, seed, history, lock), workers=6)
    if cluster is None:
        return ["register: the cluster did not start"]
    ips = network.ips
    # Final reads through every replica, once healed.
    wait_ready(ips, ("register.v1.Register/Read", {"key": "a"}), seconds=20)
    for index, ip in enumerate(ips):
        for key in ["a", "b", "c", "d"]:
            invoke = time.monotonic()
            outcome, answer = call(ip, "register.v1.Register/Read", {"key": key}, timeout=5)
            value = answer.get("value", "") if outcome == "ok" and answer.get("found") else None
            history.append({"process": 900 + index, "key": key, "kind": "read", "value": value, "invoke": invoke,
                            "complete": time.monotonic(), "outcome": outcome})
    cluster.stop()
    problems = []
    ok = sum(1 for op in history if op["outcome"] == "ok")
    print(f"register: {len(history)} operations ({ok} ok), faults: {', '.join(fault.split(' ', 1)[1] for fault in faults)}")
    if ok < 100:
        problems.append(f"register: only {ok} operations succeeded; the run proves little")
    for key in sorted({op["key"] for op in history}):
        if not linearizable([op for op in history if op["key"] == key]):
            problems.append(f"register: the history of key {key} is not linearizable")
    with open(os.path.join(directory, "register-history.json"), "w") as file:
        json.dump(history, file)
    return problems


# ---------------------------------------------------------------- bulletin

def bulletin_workload(ips, until, seed, acknowledged, lock):
    rng = random.Random(seed)
    step = 0
    while time.time() < until:
        step += 1
        request = f"p{seed}-{step}"
        title = f"post {request}"
        for _ in range(5):  # an unknown outcome is retried with the same request id
            outcome, answer = call(rng.choice(ips), "bulletin.v1.Bulletin/Post",
                                   {"author": "nemesis", "title": title, "body": "b", "requestId": request}, timeout=2)
            if outcome == "ok":
                with lock:
                    acknowledged[request] = (answer["article"]["id"], title)
                break
            if outcome == "fail":
                break
            time.sleep(0.1)


def list_all(ip):
    articles, token = [], ""
    while True:
        outcome, answer = call(ip, "bulletin.v1.Bulletin/List", {"pageSize": 1000, "pageToken": token}, timeout=10)
        if outcome != "ok":
            return None
        articles += answer.get("articles", [])
        token = answer.get("nextPageToken", "")
        if not token:
            return articles


def run_bulletin(binary, network, directory, duration, rng):
    acknowledged, lock = {}, threading.Lock()
    cluster, faults = run_under_faults(binary, network, directory, ["--role", "bulletin", "--mode", "sequential"], duration, rng,
                                       lambda ips, until, seed: bulletin_workload(ips, until, seed, acknowledged, lock), workers=4)
    if cluster is None:
        return ["bulletin: the cluster did not start"]
    ips = network.ips
    problems = []
    # Once healed every replica converges: each must list every acknowledged post, in one order.
    listings = [None, None, None]
    deadline = time.time() + 30
    while time.time() < deadline:
        for index, ip in enumerate(ips):
            call(ip, "bulletin.v1.Bulletin/Sync", {}, timeout=5)
            listings[index] = list_all(ip)
        if all(listing is not None for listing in listings) and \
                all({a["id"] for a in listing} >= {i for i, _ in acknowledged.values()} for listing in listings):
            break
        time.sleep(1)
    cluster.stop()
    print(f"bulletin: {len(acknowledged)} posts acknowledged, faults: {', '.join(fault.split(' ', 1)[1] for fault in faults)}")
    if len(acknowledged) < 50:
        problems.append(f"bulletin: only {len(acknowledged)} posts acknowledged; the run proves little")
    for index, listing in enumerate(listings):
        if listing is None:
            problems.append(f"bulletin: {IDS[index]} did not answer List after healing")
            continue
        titles = {a["id"]: a["title"] for a in listing}
        for request, (post_id, title) in acknowledged.items():
            if titles.get(post_id) != title:
                problems.append(f"bulletin: {IDS[index]} lacks acknowledged post {post_id} ({request})")
                break
    ids = [[a["id"] for a in listing] for listing in listings if listing is not None]
    if any(order != ids[0] for order in ids):
        problems.append("bulletin: the replicas list different orders")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--duration", type=float, default=45)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("skipped: the nemesis needs root to create network namespaces")
        return 0
    for tool in ["ip", "iptables"]:
        if shutil.which(tool) is None:
            print(f"skipped: {tool} is not installed")
            return 0
    if not checker_self_test():
        print("FAIL the linearizability checker's self-test")
        return 1
    network = Network()
    try:
        network.up()
    except RuntimeError as error:
        network.down()
        print(f"skipped: network namespaces are not available here ({error})")
        return 0
    directory = tempfile.mkdtemp(prefix="nemesis-")
    rng = random.Random(args.seed)
    print(f"nemesis: seed {args.seed}, {args.duration:.0f} s per role, logs in {directory}")
    problems = []
    try:
        problems += run_register(os.path.abspath(args.binary), network, directory, args.duration, rng)
        problems += run_bulletin(os.path.abspath(args.binary), network, directory, args.duration, rng)
    finally:
        network.down()
    for problem in problems:
        print("FAIL " + problem)
    if problems:
        print(f"nemesis failed (seed {args.seed}); logs and histories in {directory}")
        return 1
    shutil.rmtree(directory, ignore_errors=True)
    print("nemesis passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
