#!/usr/bin/env python3
"""Crash harness: a workload against `maas serve`, killed with SIGKILL at random moments.

Each round starts the server on the same data folder, checks that everything acknowledged to
a client before is still there (and that what was in flight at the kill is either whole or
absent), runs a mixed workload from several client threads (dataset uploads, one of them large,
training jobs with checkpoints, batch prediction jobs, registry imports, alias moves,
deployments and their removal, dataset deletion, key rotation), and kills the server with
SIGKILL after a random delay: sometimes during its start, before it answers at all. Between
rounds `maas check` reads every stored object back (SHA-256 against its record, every sealed
segment authenticated) and the audit chain. After the last round the server runs until every
job has ended, and each must end in a stated state.

Prints the counts and writes them as JSON (--report). Exit status 1 on any lost or corrupt
object, any 5xx, a failed `maas check`, a server that does not come back, or a job that ends
without a stated reason.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

ADMIN = "crash-harness-admin-key-000000000"
BASE_ROWS = 1500


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Failure(Exception):
    pass


class Server:
    def __init__(self, maas, data, log):
        self.maas, self.data, self.log = maas, data, log
        self.port = free_port()
        self.process = None

    def start(self):
        env = dict(os.environ, MAAS_ADMIN_KEY=ADMIN, LOG_LEVEL="warning")
        self.process = subprocess.Popen([self.maas, "serve", "--port", str(self.port), "--data-dir", self.data, "--lease-seconds", "5"],
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"the server exited with status {self.process.returncode} during its start (see the log)")
            try:
                status, _ = request(self.port, "GET", "/v2/health/ready", key=None, timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise Failure(f"the server did not answer within {seconds} s of its start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def request(port, method, path, body=None, key=ADMIN, content_type="application/json", timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, data
    finally:
        connection.close()


def json_of(data):
    try:
        return json.loads(data)
    except ValueError:
        return {}


def list_all(port, path, member, key=ADMIN):
    """Every item of a paged list route: (status, items), following next_page_token."""
    items, token = [], None
    while True:
        status, data = request(port, "GET", path + "?limit=1000" + (f"&page_token={token}" if token else ""), key=key)
        if status != 200:
            return status, items
        page = json_of(data)
        items += page.get(member, [])
        token = page.get("next_page_token")
        if not token:
            return status, items


class Ledger:
    """What the server acknowledged, and what was in flight when it was killed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.datasets = {}          # name -> sha256 (acknowledged)
        self.datasets_in_flight = {}  # name -> sha256 of what was sent
        self.deleted_datasets = set()
        self.deleting = set()       # datasets whose deletion was in flight
        self.versions = {}          # model -> set of acknowledged versions
        self.deployments = set()
        self.deployments_in_flight = set()
        self.removed_deployments = set()
        self.undeploying = set()
        self.alias = None           # acknowledged version of base@production
        self.alias_in_flight = set()
        self.alias_lock = threading.Lock()
        self.jobs = {}              # id -> kind (training-jobs or batch-jobs)
        self.rotating = None        # (key id, token) acknowledged for the rotated identity
        self.rotation_in_flight = False
        self.server_errors = []
        self.operations = {}        # name -> acknowledged count


def csv_bytes(rows, seed, numeric=False):
    """A table with a label that depends on x1..x3; `numeric`: labels 0/1 and no text column
    (what a network trains on)."""
    rng = random.Random(seed)
    lines = ["x1,x2,x3,x4,label" if numeric else "x1,x2,x3,x4,group,label"]
    for _ in range(rows):
        x = [rng.gauss(0, 1) for _ in range(4)]
        positive = x[0] + 0.5 * x[1] - x[2] + rng.gauss(0, 0.5) > 0
        values = ",".join(f"{v:.5f}" for v in x)
        lines.append(f"{values},{int(positive)}" if numeric else f"{values},{rng.choice('ab')},{'yes' if positive else 'no'}")
    return ("\n".join(lines) + "\n").encode()


class Workload:
    def __init__(self, port, ledger, rng, round_number, large, artifact):
        self.port, self.ledger, self.rng, self.round = port, ledger, rng, round_number
        self.large, self.artifact = large, artifact
        self.stop = threading.Event()
        self.counter = 0

    def call(self, method, path, body=None, **kwargs):
        status, data = request(self.port, method, path, body, **kwargs)
        if status >= 500:
            with self.ledger.lock:
                self.ledger.server_errors.append(f"{method} {path}: {status} {data[:300]!r}")
        return status, data

    def acknowledged(self, name):
        with self.ledger.lock:
            self.ledger.operations[name] = self.ledger.operations.get(name, 0) + 1

    def unique(self, prefix):
        self.counter += 1
        return f"{prefix}-r{self.round}-{threading.get_ident() % 10000}-{self.counter}"

    # Each operation records what it sent before sending, and what was acknowledged after.
    def upload(self, large=False):
        name = self.unique("big" if large else "ds")
        body = self.large if large else csv_bytes(self.rng.randrange(20, 400), self.rng.random())
        digest = hashlib.sha256(body).hexdigest()
        with self.ledger.lock:
            self.ledger.datasets_in_flight[name] = digest
        status, data = self.call("POST", f"/v1/datasets/{name}?format=csv", body, content_type="text/csv", timeout=120)
        if status in (200, 201):
            answered = json_of(data).get("sha256")
            with self.ledger.lock:
                del self.ledger.datasets_in_flight[name]
                self.ledger.datasets[name] = digest
            if answered != digest:
                raise Failure(f"upload {name}: the server answered SHA-256 {answered}, the body's is {digest}")
            self.acknowledged("dataset upload (large)" if large else "dataset upload")

    def delete_dataset(self):
        with self.ledger.lock:
            names = sorted(n for n in self.ledger.datasets if n.startswith(("ds-", "big-")))
        if not names:
            return
        name = self.rng.choice(names)
        with self.ledger.lock:
            self.ledger.deleting.add(name)
        status, _ = self.call("DELETE", f"/v1/datasets/{name}")
        if status in (200, 204):
            with self.ledger.lock:
                self.ledger.deleting.discard(name)
                self.ledger.datasets.pop(name, None)
                self.ledger.deleted_datasets.add(name)
            self.acknowledged("dataset delete")

    def train(self):
        with self.ledger.lock:
            running = sum(1 for kind in self.ledger.jobs.values() if kind == "training-jobs")
        spec = {"input": {"shape": [4]}, "layers": [{"type": "dense", "units": 64, "activation": "relu"},
                                                    {"type": "dense", "units": 2, "activation": "softmax"}],
                "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01},
                "epochs": self.rng.randrange(20, 60), "batch_size": 16, "seed": running}
        body = {"name": "base", "dataset": "numeric", "target": "label", "spec": spec}
        status, data = self.call("POST", "/v1/training-jobs", body)
        if status in (200, 201, 202):
            with self.ledger.lock:
                self.ledger.jobs[json_of(data)["id"]] = "training-jobs"
            self.acknowledged("training job")

    def batch(self):
        status, data = self.call("POST", "/v1/batch-jobs", {"model": "base@1", "dataset": "base", "shard_rows": 500})
        if status in (200, 201, 202):
            with self.ledger.lock:
                self.ledger.jobs[json_of(data)["id"]] = "batch-jobs"
            self.acknowledged("batch job")

    def import_model(self):
        name = self.unique("imp")
        status, data = self.call("POST", f"/v1/models/{name}/versions", self.artifact, content_type="application/x-tar", timeout=60)
        if status in (200, 201):
            with self.ledger.lock:
                self.ledger.versions.setdefault(name, set()).add(json_of(data)["version"])
            self.acknowledged("registry import")

    def move_alias(self):
        with self.ledger.lock:
            versions = sorted(self.ledger.versions.get("base", {1}))
        version = self.rng.choice(versions)
        # One move at a time: of two concurrent moves, the one acknowledged last need not be the
        # one committed last, so "the last acknowledged value" is only defined for serial moves.
        with self.ledger.alias_lock:
            with self.ledger.lock:
                self.ledger.alias_in_flight.add(version)
            status, _ = self.call("PUT", "/v1/models/base/aliases/production", {"version": version})
            if status == 200:
                with self.ledger.lock:
                    self.ledger.alias = version
                    self.ledger.alias_in_flight.discard(version)
                self.acknowledged("alias move")

    def deploy(self):
        name = self.unique("ep")
        with self.ledger.lock:
            self.ledger.deployments_in_flight.add(name)
        status, _ = self.call("POST", "/v1/deployments", {"name": name, "model": "base@production"})
        if status in (200, 201):
            with self.ledger.lock:
                self.ledger.deployments_in_flight.discard(name)
                self.ledger.deployments.add(name)
            self.acknowledged("deployment")

    def undeploy(self):
        with self.ledger.lock:
            names = sorted(self.ledger.deployments)
        if len(names) < 3:
            return
        name = self.rng.choice(names)
        with self.ledger.lock:
            self.ledger.undeploying.add(name)
        status, _ = self.call("DELETE", f"/v1/deployments/{name}")
        if status in (200, 204):
            with self.ledger.lock:
                self.ledger.undeploying.discard(name)
                self.ledger.deployments.discard(name)
                self.ledger.removed_deployments.add(name)
            self.acknowledged("deployment removal")

    def rotate(self):
        with self.ledger.lock:
            if self.ledger.rotating is None or self.ledger.rotation_in_flight:
                return
            key_id, _ = self.ledger.rotating
            self.ledger.rotation_in_flight = True
        status, data = self.call("POST", f"/v1/keys/{key_id}/rotate")
        if status == 201:
            answer = json_of(data)
            with self.ledger.lock:
                self.ledger.rotating = (answer["id"], answer["key"])
                self.ledger.rotation_in_flight = False
            self.acknowledged("key rotation")

    def predict(self):
        status, _ = self.call("POST", "/v1/models/base:predict", {"instances": [{"x1": 0.1, "x2": -0.2, "x3": 0.3, "x4": 1.0}]})
        if status == 200:
            self.acknowledged("prediction")

    def run(self, thread):
        operations = [self.upload, self.upload, self.delete_dataset, self.import_model, self.move_alias, self.deploy, self.undeploy,
                      self.rotate, self.predict, self.predict]
        if thread == 0:
            # One thread submits the jobs (a bounded number waiting) and the large upload.
            if self.round % 10 == 1:
                self.guard(lambda: self.upload(large=True))
            with self.ledger.lock:
                open_jobs = len(self.ledger.jobs)
            if open_jobs < 6:
                self.guard(self.train if self.rng.random() < 0.6 else self.batch)
        while not self.stop.is_set():
            self.guard(self.rng.choice(operations))

    def guard(self, operation):
        try:
            operation()
        except (OSError, http.client.HTTPException):
            # The server was killed under this request: whatever it was is in flight forever.
            self.stop.wait(0.05)


def verify(port, ledger, report):
    """Everything acknowledged is there; everything in flight is whole or absent."""
    lost = []
    status, datasets = list_all(port, "/v1/datasets", "datasets")
    if status != 200:
        raise Failure(f"GET /v1/datasets answered {status}")
    stored = {d["name"]: d["sha256"] for d in datasets}
    with ledger.lock:
        for name in list(ledger.deleting):
            report["in_flight_absent" if name in stored else "in_flight_kept"] += 1
            if name not in stored:
                ledger.datasets.pop(name, None)
                ledger.deleted_datasets.add(name)
        ledger.deleting.clear()
        for name, digest in ledger.datasets.items():
            report["checked_acknowledged"] += 1
            if stored.get(name) != digest:
                lost.append(f"dataset {name}: acknowledged with {digest}, stored {stored.get(name)}")
        for name, digest in list(ledger.datasets_in_flight.items()):
            if name in stored:
                if stored[name] != digest:
                    report["corrupt"].append(f"dataset {name} (in flight at the kill) is stored with {stored[name]}, not the {digest} sent")
                ledger.datasets[name] = digest  # it made it: from now on it must stay
                report["in_flight_kept"] += 1
            else:
                report["in_flight_absent"] += 1
        ledger.datasets_in_flight.clear()
        for name in ledger.deleted_datasets:
            if name in stored:
                lost.append(f"dataset {name} was deleted (acknowledged) and is back")
        versions = {model: set(v) for model, v in ledger.versions.items()}
    for model, acknowledged in versions.items():
        status, data = request(port, "GET", f"/v1/models/{model}")
        have = {v["version"] for v in json_of(data).get("versions", [])} if status == 200 else set()
        for v in acknowledged:
            report["checked_acknowledged"] += 1
            if v not in have:
                lost.append(f"model {model} version {v}: acknowledged, not listed ({status})")
    status, deployments = list_all(port, "/v1/deployments", "deployments")
    deployed = {d["name"] for d in deployments}
    with ledger.lock:
        for name in list(ledger.undeploying):
            report["in_flight_absent" if name in deployed else "in_flight_kept"] += 1
            if name not in deployed:
                ledger.deployments.discard(name)
                ledger.removed_deployments.add(name)
        ledger.undeploying.clear()
        for name in ledger.deployments:
            report["checked_acknowledged"] += 1
            if name not in deployed:
                lost.append(f"deployment {name}: acknowledged, not listed")
        for name in ledger.removed_deployments:
            if name in deployed:
                lost.append(f"deployment {name} was removed (acknowledged) and is back")
        for name in ledger.deployments_in_flight:
            if name in deployed:
                ledger.deployments.add(name)
        ledger.deployments_in_flight.clear()
        alias, in_flight = ledger.alias, set(ledger.alias_in_flight)
        ledger.alias_in_flight.clear()
    status, data = request(port, "GET", "/v1/models/base")
    current = json_of(data).get("aliases", {}).get("production")
    if alias is not None:
        report["checked_acknowledged"] += 1
        if current != alias and current not in in_flight:
            lost.append(f"alias base@production: acknowledged version {alias}, now {current} (in flight: {sorted(in_flight)})")
    with ledger.lock:
        ledger.alias = current
        rotating, rotation_in_flight = ledger.rotating, ledger.rotation_in_flight
    report["checked_acknowledged"] += len(ledger.jobs)
    poll_jobs(port, ledger, report)
    if rotating is not None:
        report["checked_acknowledged"] += 1
        status, _ = request(port, "GET", "/v1/datasets", key=rotating[1])
        if rotation_in_flight:
            report["in_flight_absent" if status == 200 else "in_flight_kept"] += 1
        if status != 200:
            if rotation_in_flight:
                rotating = None  # rotated at the kill: the answer carrying the new key was lost
            else:
                lost.append(f"rotated key {rotating[0]}: acknowledged, answers {status}")
        with ledger.lock:
            ledger.rotation_in_flight = False
            if rotating is None:
                ledger.rotating = new_key(port)
    report["lost"].extend(lost)


def poll_jobs(port, ledger, report):
    """Every acknowledged job exists; the ones that ended are checked and forgotten."""
    with ledger.lock:
        jobs = dict(ledger.jobs)
    for job, kind in jobs.items():
        status, data = request(port, "GET", f"/v1/{kind}/{job}")
        if status != 200:
            report["lost"].append(f"{kind} {job}: acknowledged, answers {status}")
            with ledger.lock:
                ledger.jobs.pop(job, None)
            continue
        answer = json_of(data)
        if answer["state"] in ("succeeded", "failed", "cancelled"):
            finished(answer, kind, port, report, ledger)
            with ledger.lock:
                ledger.jobs.pop(job, None)


def finished(answer, kind, port, report, ledger):
    state = answer["state"]
    report["jobs_" + state] += 1
    if answer.get("attempts", 1) > 1:
        report["jobs_resumed"] += 1
    if state == "failed" and not answer.get("error"):
        report["lost"].append(f"{kind} {answer['id']} failed without saying why")
    if state == "succeeded" and kind == "training-jobs":
        status, data = request(port, "GET", f"/v1/models/{answer['model']}")
        listed = json_of(data).get("versions", [])
        have = {v["version"] for v in listed}
        registered = [v["version"] for v in listed if v.get("lineage", {}).get("job") == answer["id"]]
        if len(registered) > 1:
            report["corrupt"].append(f"training job {answer['id']} registered {len(registered)} versions: {registered}")
        if answer.get("version") not in have:
            report["lost"].append(f"training job {answer['id']} succeeded with version {answer.get('version')}, which is not listed")
        else:
            with ledger.lock:
                ledger.versions.setdefault(answer["model"], set()).add(answer["version"])
    if state == "succeeded" and kind == "batch-jobs":
        status, data = request(port, "GET", f"/v1/batch-jobs/{answer['id']}/output", timeout=60)
        lines = data.count(b"\n")
        if status != 200 or lines != BASE_ROWS:
            report["lost"].append(f"batch job {answer['id']} succeeded; its output answers {status} with {lines} lines, not {BASE_ROWS}")


def new_key(port):
    status, data = request(port, "POST", "/v1/keys", {"name": "rotated by the crash harness", "role": "developer"})
    if status != 201:
        raise Failure(f"POST /v1/keys answered {status}")
    answer = json_of(data)
    return (answer["id"], answer["key"])


def check(maas, data, report):
    result = subprocess.run([maas, "check", "--data-dir", data], capture_output=True, text=True, timeout=600)
    try:
        found = json.loads(result.stdout)
    except ValueError:
        raise Failure(f"maas check exited {result.returncode} without a report: {result.stderr.strip()[-500:]}")
    report["objects_checked"] += found["datasets"] + found["artifacts"] + found["batch_outputs"] + found["checkpoints"]
    report["bytes_checked"] += found["dataset_bytes"]
    report["partial_files_removed"] += found["partial_files_removed"]
    report["corrupt"].extend(found["corrupt"])
    report["lost"].extend(found["missing"])
    report["audit_problems"].extend(found["audit"])
    if result.returncode != 0 and not (found["corrupt"] or found["missing"] or found["audit"]):
        raise Failure(f"maas check exited {result.returncode}: {result.stderr.strip()[-500:]}")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maas", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--large-mib", type=int, default=24)
    parser.add_argument("--report")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    data = os.path.join(args.work, "data")
    log = open(os.path.join(args.work, "serve.log"), "ab")
    server = Server(args.maas, data, log)
    ledger = Ledger()
    report = {"kills": 0, "kills_during_start": 0, "objects_checked": 0, "bytes_checked": 0, "checked_acknowledged": 0,
              "in_flight_kept": 0, "in_flight_absent": 0, "partial_files_removed": 0,
              "jobs_succeeded": 0, "jobs_failed": 0, "jobs_cancelled": 0, "jobs_resumed": 0,
              "lost": [], "corrupt": [], "audit_problems": [], "server_errors": []}
    large = csv_bytes(1, 0)
    row = csv_bytes(64, 1).split(b"\n", 1)[1]
    large = large + row * max(1, (args.large_mib << 20) // len(row))

    # The project every round works on: a dataset, a trained model with an alias and an endpoint.
    server.start()
    server.ready()
    base = csv_bytes(BASE_ROWS, 7)
    if request(server.port, "POST", "/v1/datasets/base?format=csv", base, content_type="text/csv")[0] != 201:
        raise Failure("the base dataset was refused")
    ledger.datasets["base"] = hashlib.sha256(base).hexdigest()
    numeric = csv_bytes(BASE_ROWS, 8, numeric=True)
    if request(server.port, "POST", "/v1/datasets/numeric?format=csv", numeric, content_type="text/csv")[0] != 201:
        raise Failure("the numeric dataset was refused")
    ledger.datasets["numeric"] = hashlib.sha256(numeric).hexdigest()
    status, data_ = request(server.port, "POST", "/v1/training-jobs",
                            {"name": "base", "dataset": "base", "target": "label", "spec": {"algorithm": "logistic_regression"}})
    job = json_of(data_)["id"]
    for _ in range(600):
        state = json_of(request(server.port, "GET", f"/v1/training-jobs/{job}")[1])["state"]
        if state in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.1)
    if state != "succeeded":
        raise Failure(f"the base model's training job ended {state}")
    ledger.versions["base"] = {1}
    request(server.port, "PUT", "/v1/models/base/aliases/production", {"version": 1})
    ledger.alias = 1
    request(server.port, "POST", "/v1/deployments", {"name": "base", "model": "base@production"})
    ledger.deployments.add("base")
    status, artifact = request(server.port, "GET", "/v1/models/base/versions/1/artifact")
    if status != 200:
        raise Failure(f"the base artifact download answered {status}")
    ledger.rotating = new_key(server.port)

    started = time.time()
    for round_number in range(1, args.kills + 1):
        if round_number > 1:
            server.start()
            if rng.random() < 0.1:
                # Killed while it starts: opening the store, sweeping partial files, freeing leases.
                time.sleep(rng.uniform(0, 0.3))
                server.kill()
                report["kills"] += 1
                report["kills_during_start"] += 1
                check(args.maas, data, report)
                server.start()
            server.ready()
            verify(server.port, ledger, report)
        workload = Workload(server.port, ledger, random.Random(rng.random()), round_number, large, artifact)
        threads = [threading.Thread(target=workload.run, args=(i,)) for i in range(args.threads)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.2, 2.5))
        server.kill()
        report["kills"] += 1
        workload.stop.set()
        for t in threads:
            t.join()
        check(args.maas, data, report)
        if round_number % 10 == 0 or round_number == args.kills:
            print(f"  round {round_number}: {report['kills']} kills, {report['objects_checked']} objects checked, "
                  f"{len(report['lost'])} lost, {len(report['corrupt'])} corrupt, {time.time() - started:.0f} s", flush=True)

    # The last start: every job must end, and end in a stated state.
    server.start()
    server.ready()
    verify(server.port, ledger, report)
    deadline = time.time() + 180
    while ledger.jobs and time.time() < deadline:
        time.sleep(1)
        poll_jobs(server.port, ledger, report)
    if ledger.jobs:
        report["lost"].append(f"{len(ledger.jobs)} job(s) did not end within 180 s of the last start: {sorted(ledger.jobs)}")
    status, data_ = request(server.port, "GET", "/v1/audit/verify")
    if json_of(data_).get("intact") is not True:
        report["audit_problems"].append(f"GET /v1/audit/verify: {data_[:500]!r}")
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=60)
    report["server_errors"] = ledger.server_errors
    report["operations_acknowledged"] = ledger.operations
    report["seconds"] = round(time.time() - started)
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)
    print(json.dumps({k: (len(v) if isinstance(v, list) else v) for k, v in report.items()}, sort_keys=True))
    for kind in ("lost", "corrupt", "audit_problems", "server_errors"):
        for line in report[kind][:20]:
            print(f"{kind}: {line}")
    return 1 if report["lost"] or report["corrupt"] or report["audit_problems"] or report["server_errors"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as failure:
        print(f"crash harness: {failure}")
        sys.exit(1)
