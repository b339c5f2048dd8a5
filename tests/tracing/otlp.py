"""Traces from `maas serve --otlp-endpoint`, received by a real OTLP/HTTP receiver: this script
listens on a port, decodes every export with the opentelemetry-proto package, and checks span
names, parent links and attributes. Run by tests/tracing.sh:
    python otlp.py MAAS_BINARY IRIS_CSV WORK_DIR
The exit status is the number of failed checks."""

import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import numpy as np
import tritonclient.grpc as triton
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

maas, iris, work = sys.argv[1:4]
failed = 0
spans = []


def check(name, condition, detail=""):
    global failed
    print(("✔ " if condition else "✘ ") + name + ("" if condition or not detail else f" ({detail})"), flush=True)
    failed += 0 if condition else 1


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}.get("service.name")
            for scope in resource.scope_spans:
                for span in scope.spans:
                    spans.append((service, span))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(b"")

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
port, grpc_port, key = free_port(), free_port(), "tracing-admin-key-000000000000000"
server = subprocess.Popen([maas, "serve", "--port", str(port), "--grpc-port", str(grpc_port), "--data-dir", f"{work}/data",
                           "--otlp-endpoint", f"http://127.0.0.1:{receiver.server_port}"],
                          env={**os.environ, "MAAS_ADMIN_KEY": key}, stdout=open(f"{work}/serve.log", "w"), stderr=subprocess.STDOUT)
url = f"http://127.0.0.1:{port}"


def api(method, path, body=None, raw=None, headers=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Authorization": f"Bearer {key}", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers, response.read()


def run_job(route, request, trace, parent):
    """Queues a job with a traceparent and waits until it ends: its id and its last state."""
    _, body = api("POST", route, request, headers={"traceparent": f"00-{trace}-{parent}-01"})
    job_id = json.loads(body)["id"]
    for _ in range(600):
        _, body = api("GET", f"{route}/{job_id}")
        if json.loads(body)["state"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.1)
    return job_id, body


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/v2/health/ready", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    with open(iris, "rb") as f:
        api("POST", "/v1/datasets/iris?format=csv", raw=f.read())
    spec = {"input": {"shape": [4]}, "layers": [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}],
            "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.05}, "epochs": 5, "batch_size": 16}
    job_trace, job_parent = "5bf92f3577b34da6a3ce929d0e0e4737", "10f067aa0ba902b8"
    _, body = api("POST", "/v1/training-jobs", {"name": "iris", "dataset": "iris", "target": "target", "seed": 1, "spec": spec},
                  headers={"traceparent": f"00-{job_trace}-{job_parent}-01"})
    _, events = api("GET", f"/v1/training-jobs/{json.loads(body)['id']}/events")
    queued = next((line for line in events.decode().splitlines() if '"queued"' in line), "")
    check("the job's queued event carries the traceparent of the request that queued it", f'"traceparent":"00-{job_trace}-' in queued, queued)
    api("POST", "/v1/deployments", {"name": "flowers", "model": "iris@1"})
    # A batch job in shards of 50 rows: its first run queues three shard tasks, its second joins them.
    batch_trace, batch_parent = "6bf92f3577b34da6a3ce929d0e0e4738", "20f067aa0ba902b9"
    batch_id, body = run_job("/v1/batch-jobs", {"model": "iris@1", "dataset": "iris", "shard_rows": 50}, batch_trace, batch_parent)
    check("the batch job succeeds", json.loads(body)["state"] == "succeeded", body[:300])
    # A two-trial search and a permutation importance, each queued with a traceparent of its own.
    other_traces = {"tuning": ("7bf92f3577b34da6a3ce929d0e0e4739", "30f067aa0ba902ba"),
                    "explanation": ("8bf92f3577b34da6a3ce929d0e0e473a", "40f067aa0ba902bb")}
    other_jobs = {
        "tuning": ("/v1/tuning-jobs", {"name": "iris-tuned", "dataset": "iris", "target": "target", "seed": 1,
                                       "spec": {"algorithm": "random_forest"}, "space": {"spec.n_estimators": {"int": [5, 10]}},
                                       "validation": {"kfold": 3}, "objective": {"metric": "cv_accuracy"}, "trials": 2}),
        "explanation": ("/v1/explanation-jobs", {"kind": "permutation_importance", "model": "iris@1", "dataset": "iris",
                                                 "target": "target", "n_repeats": 2, "seed": 1}),
    }
    for kind, (route, request) in other_jobs.items():
        _, body = run_job(route, request, *other_traces[kind])
        check(f"the {kind} job succeeds", json.loads(body)["state"] == "succeeded", body[:300])

    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    infer = {"inputs": [{"name": f"x{k}", "shape": [1], "datatype": "FP32", "data": [v]} for k, v in enumerate([5.1, 3.5, 1.4, 0.2])]}
    headers, _ = api("POST", "/v2/models/flowers/infer", infer, headers={"traceparent": f"00-{trace_id}-{parent_id}-01"})
    returned = headers.get("traceparent", "")
    check("the response carries a traceparent continuing the client's trace", returned.startswith(f"00-{trace_id}-") and parent_id not in returned, returned)
    grpc_trace, grpc_parent = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    x = [triton.InferInput(f"x{k}", [1], "FP32") for k in range(4)]
    for k, tensor in enumerate(x):
        tensor.set_data_from_numpy(np.array([[5.1, 3.5, 1.4, 0.2][k]], dtype=np.float32))
    triton.InferenceServerClient(f"127.0.0.1:{grpc_port}").infer(
        "flowers", x, headers={"authorization": f"Bearer {key}", "traceparent": f"00-{grpc_trace}-{grpc_parent}-01"})
    api("GET", "/v1/models")  # a request without traceparent: a trace of its own

    deadline = time.time() + 15
    def find(name, trace=None):
        return [s for _, s in spans if s.name == name and (trace is None or s.trace_id.hex() == trace)]
    while time.time() < deadline and not (find("/v2/models/{name}/infer", trace_id) and find("inference.GRPCInferenceService/ModelInfer", grpc_trace) and find("/v1/models")
                                       and len(find("prediction shard", batch_trace)) >= 3 and len(find("batch prediction job", batch_trace)) >= 2
                                       and find("tuning job", other_traces["tuning"][0]) and find("explanation job", other_traces["explanation"][0])):
        time.sleep(0.2)
    check("spans arrive at the OTLP receiver, from service maas", spans and all(service == "maas" for service, _ in spans), len(spans))

    http_spans = find("/v2/models/{name}/infer", trace_id)
    check("an HTTP request is a server span named by its route, in the client's trace", len(http_spans) == 1, [s.name for _, s in spans])
    if http_spans:
        span = http_spans[0]
        attributes = {a.key: a.value for a in span.attributes}
        check("its parent is the client's span", span.parent_span_id.hex() == parent_id, span.parent_span_id.hex())
        check("it records route, status and project",
              attributes["http.route"].string_value == "/v2/models/{name}/infer" and attributes["http.response.status_code"].int_value == 200
              and attributes["maas.project"].string_value == "default", {k: str(v).strip() for k, v in attributes.items()})
        check("the returned traceparent names this span", returned.split("-")[2] == span.span_id.hex(), (returned, span.span_id.hex()))
        children = [s for _, s in spans if s.parent_span_id == span.span_id]
        names = sorted(s.name for s in children)
        check("queue wait and batch compute are its children", names == ["batch compute", "queue wait"], names)
        if len(children) == 2:
            queue, compute = sorted(children, key=lambda s: s.name, reverse=True)
            rows = {a.key: a.value.int_value for a in compute.attributes}.get("maas.batch_rows")
            check("the batch span says its size, and the queue wait ends where the compute starts",
                  rows == 1 and queue.end_time_unix_nano == compute.start_time_unix_nano
                  and span.start_time_unix_nano <= queue.start_time_unix_nano <= compute.end_time_unix_nano <= span.end_time_unix_nano,
                  (rows, queue.end_time_unix_nano - compute.start_time_unix_nano))
    grpc_spans = find("inference.GRPCInferenceService/ModelInfer", grpc_trace)
    check("a gRPC call is a server span continuing the traceparent in its metadata",
          len(grpc_spans) == 1 and grpc_spans[0].parent_span_id.hex() == grpc_parent and grpc_spans[0].kind == 2,
          [(s.name, s.trace_id.hex()) for _, s in spans])
    if grpc_spans:
        children = sorted(s.name for _, s in spans if s.parent_span_id == grpc_spans[0].span_id)
        check("its inference has the same child spans", children == ["batch compute", "queue wait"], children)
    deploys = find("/v1/deployments")
    loads = [s for _, s in spans if s.name == "model load" and deploys and s.parent_span_id == deploys[0].span_id]
    check("deploying loads the model inside the request's span (model load, with the version)",
          len(loads) == 1 and {a.key: a.value.int_value for a in loads[0].attributes}.get("maas.model_version") == 1, [s.name for _, s in spans])
    runs = find("training job", job_trace)
    submits = find("/v1/training-jobs", job_trace)
    check("the training run continues that request's trace: a consumer span under the POST's server span",
          len(runs) == 1 and len(submits) == 1 and runs[0].trace_id.hex() == job_trace and runs[0].parent_span_id == submits[0].span_id
          and runs[0].kind == 5, [(s.name, s.trace_id.hex(), s.kind) for s in runs + submits])
    epochs = sorted(({a.key: a.value.int_value for a in s.attributes}.get("maas.epoch"), s) for _, s in spans
                    if s.name == "epoch" and runs and s.parent_span_id == runs[0].span_id)
    check("a training run has one span per epoch, in order and inside the run",
          len(runs) == 1 and [e for e, _ in epochs] == [1, 2, 3, 4, 5]
          and all(a.end_time_unix_nano <= b.start_time_unix_nano + 1 for (_, a), (_, b) in zip(epochs, epochs[1:]))
          and runs[0].start_time_unix_nano <= epochs[0][1].start_time_unix_nano and epochs[-1][1].end_time_unix_nano <= runs[0].end_time_unix_nano,
          [e for e, _ in epochs])
    batch_submits = find("/v1/batch-jobs", batch_trace)
    batch_runs = find("batch prediction job", batch_trace)
    shards = find("prediction shard", batch_trace)
    check("a batch job's runs (queueing its shards, then joining them) and its three shard tasks are consumer spans under the POST's span",
          len(batch_submits) == 1 and len(batch_runs) == 2 and len(shards) == 3
          and all(s.parent_span_id == batch_submits[0].span_id and s.kind == 5 for s in batch_runs + shards),
          [(s.name, s.parent_span_id.hex(), s.kind) for s in batch_runs + shards + batch_submits])
    check("each run names its job or task",
          sorted({a.key: a.value.string_value for a in s.attributes}.get("maas.job", "") for s in shards)
          == [f"{batch_id}-task{i}" for i in range(3)], [[a.key for a in s.attributes] for s in shards])
    for kind, name in [("tuning", "tuning job"), ("explanation", "explanation job")]:
        trace = other_traces[kind][0]
        submits, runs = find(other_jobs[kind][0], trace), find(name, trace)
        check(f"the {kind} job's runs are consumer spans under the POST's span",
              len(submits) == 1 and runs and all(s.parent_span_id == submits[0].span_id and s.kind == 5 for s in runs),
              [(s.name, s.parent_span_id.hex(), s.kind) for s in runs + submits])
    trials = find("training job", other_traces["tuning"][0])
    tuning_submits = find("/v1/tuning-jobs", other_traces["tuning"][0])
    check("each tuning trial (and the best one's final model) trains as a training job span in the search's trace",
          len(trials) >= 2 and len(tuning_submits) == 1 and all(s.parent_span_id == tuning_submits[0].span_id for s in trials),
          [(s.name, s.parent_span_id.hex()) for s in trials])
    root = find("/v1/models")
    check("a request without traceparent starts a trace of its own", len(root) == 1 and root[0].parent_span_id == b"", len(root))
finally:
    server.terminate()
    server.wait(timeout=30)
    receiver.shutdown()
print(f"tracing: {failed} failed")
sys.exit(failed)
