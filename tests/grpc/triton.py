"""gRPC inference (KServe v2 / Triton protocol) checked with the real tritonclient[grpc], against
a live `maas serve --grpc-port`. Run by tests/grpc.sh:
    python triton.py HTTP_URL GRPC_ADDRESS ADMIN_KEY MINILM_DIR IRIS_CSV
It trains and deploys a classifier over HTTP, then: liveness, readiness and metadata; inference
with raw and with typed contents, equal to the HTTP answer; BYTES inputs to a sentence encoder,
equal to /v1/embeddings; keys, roles and rate limits as status codes; malformed protobuf (random
and mutated messages) never crashing the server; the server's metrics counting gRPC calls. The
exit status is the number of failed checks."""

import json
import random
import sys
import urllib.error
import urllib.request

import grpc
import numpy as np
import tritonclient.grpc as triton
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

http, address, admin_key, minilm = sys.argv[1:5]
failed = 0


def check(name, condition, detail=""):
    global failed
    print(("✔ " if condition else "✘ ") + name + ("" if condition or not detail else f" ({detail})"), flush=True)
    failed += 0 if condition else 1


def api(method, path, body=None, key=admin_key, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(http + path, data=data, method=method, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read().decode()
        return json.loads(text) if text.startswith(("{", "[")) else text


def status_of(call):
    try:
        call()
        return "OK", ""
    except InferenceServerException as e:
        return e.status(), e.message()


# A classifier and a sentence encoder, set up over HTTP.
with open(sys.argv[5], "rb") as f:
    api("POST", "/v1/datasets/iris?format=csv", raw=f.read())
job = api("POST", "/v1/training-jobs", {"name": "iris", "dataset": "iris", "target": "target", "seed": 1, "spec": {"algorithm": "logistic_regression"}})
urllib.request.urlopen(urllib.request.Request(http + f"/v1/training-jobs/{job['id']}/events", headers={"Authorization": f"Bearer {admin_key}"})).read()
api("POST", "/v1/deployments", {"name": "flowers", "model": "iris@1"})
api("POST", "/v1/models/minilm/versions", {"path": minilm})
api("POST", "/v1/deployments", {"name": "minilm", "model": "minilm@1"})
auth = {"authorization": f"Bearer {admin_key}"}
client = triton.InferenceServerClient(address)

check("ServerLive and ServerReady answer without a key", client.is_server_live() and client.is_server_ready())
check("ServerMetadata names the server", client.get_server_metadata().name == "swiftmaas")
check("ModelReady answers for a deployed endpoint", client.is_model_ready("flowers", headers=auth))
metadata = client.get_model_metadata("flowers", headers=auth)
check("ModelMetadata lists one input per column and the label and probabilities outputs",
      [i.name for i in metadata.inputs] == ["x0", "x1", "x2", "x3"] and [o.name for o in metadata.outputs] == ["label", "probabilities"]
      and list(metadata.outputs[1].shape) == [-1, 3], metadata)

rows = np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]], dtype=np.float32)
inputs = []
for k in range(4):
    tensor = triton.InferInput(f"x{k}", [3], "FP32")
    tensor.set_data_from_numpy(rows[:, k].copy())
    inputs.append(tensor)
result = client.infer("flowers", inputs, headers=auth, request_id="r-1")
over_http = api("POST", "/v2/models/flowers/infer",
                {"inputs": [{"name": f"x{k}", "shape": [3], "datatype": "FP32", "data": rows[:, k].tolist()} for k in range(4)]})
http_probabilities = np.array(next(o for o in over_http["outputs"] if o["name"] == "probabilities")["data"], dtype=np.float32).reshape(3, 3)
check("ModelInfer (raw contents) answers the classes", [x.decode() for x in result.as_numpy("label")] == ["0", "1", "2"], result.as_numpy("label"))
check("its probabilities equal the HTTP route's", np.array_equal(result.as_numpy("probabilities"), http_probabilities))
response = result.get_response()
check("the response names the model, its version and the request id",
      response.model_name == "flowers" and response.model_version == "1" and response.id == "r-1", response.model_version)
only = client.infer("flowers", inputs, headers=auth, outputs=[triton.InferRequestedOutput("label")])
check("requested outputs are the only ones answered", [o.name for o in only.get_response().outputs] == ["label"])
check("a named version is served", client.infer("flowers", inputs, model_version="1", headers=auth).as_numpy("label") is not None)

# Typed contents (no raw buffers), through the protocol's own stubs.
channel = grpc.insecure_channel(address)
stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
typed = service_pb2.ModelInferRequest(model_name="flowers")
for k in range(4):
    tensor = typed.inputs.add(name=f"x{k}", datatype="FP32", shape=[3])
    tensor.contents.fp32_contents.extend(rows[:, k].tolist())
answer = stub.ModelInfer(typed, metadata=list(auth.items()))
probabilities = np.frombuffer(answer.raw_output_contents[1], dtype="<f4").reshape(3, 3)
check("ModelInfer with typed contents gives the same answer", np.array_equal(probabilities, http_probabilities))

# BYTES inputs: sentences to the encoder, compared with /v1/embeddings.
sentences = ["The cat sat on the mat.", "Serving models over gRPC."]
text = triton.InferInput("text", [2], "BYTES")
text.set_data_from_numpy(np.array([s.encode() for s in sentences], dtype=np.object_))
vectors = client.infer("minilm", [text], headers=auth).as_numpy("predictions")
reference = np.array([d["embedding"] for d in api("POST", "/v1/embeddings", {"model": "minilm", "input": sentences})["data"]], dtype=np.float32)
check("BYTES inputs reach the sentence encoder: embeddings equal /v1/embeddings'",
      vectors.shape == (2, 384) and np.allclose(vectors, reference, atol=1e-6), vectors.shape)

# Keys, roles, limits and bad input as status codes.
code, message = status_of(lambda: client.infer("flowers", inputs))
check("no key: UNAUTHENTICATED with the API's message", code == "StatusCode.UNAUTHENTICATED" and "key" in message, (code, message))
code, _ = status_of(lambda: client.infer("flowers", inputs, headers={"authorization": "Bearer wrong-key-000000000000"}))
check("a wrong key: UNAUTHENTICATED", code == "StatusCode.UNAUTHENTICATED", code)
scoped = api("POST", "/v1/keys", {"name": "grpc scoped", "role": "inference", "endpoints": ["minilm"]})["key"]
code, message = status_of(lambda: client.infer("flowers", inputs, headers={"authorization": f"Bearer {scoped}"}))
check("a key scoped to other endpoints: PERMISSION_DENIED naming them", code == "StatusCode.PERMISSION_DENIED" and "minilm" in message, (code, message))
code, message = status_of(lambda: client.infer("no-such-endpoint", inputs, headers=auth))
check("an unknown endpoint: NOT_FOUND naming it", code == "StatusCode.NOT_FOUND" and "no-such-endpoint" in message, (code, message))
narrow = triton.InferInput("input", [1, 3], "FP32")
narrow.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
code, message = status_of(lambda: client.infer("flowers", [narrow], headers=auth))
check("inputs that do not fit the model: INVALID_ARGUMENT with the reason", code == "StatusCode.INVALID_ARGUMENT" and message, (code, message))
short = service_pb2.ModelInferRequest(model_name="flowers")
short.inputs.add(name="x0", datatype="FP32", shape=[3])
short.raw_input_contents.append(b"\0" * 8)
try:
    stub.ModelInfer(short, metadata=list(auth.items()))
    check("a raw buffer of the wrong size: INVALID_ARGUMENT naming it", False)
except grpc.RpcError as e:
    check("a raw buffer of the wrong size: INVALID_ARGUMENT naming it",
          e.code() == grpc.StatusCode.INVALID_ARGUMENT and "raw_input_contents[0]" in e.details(), e.details())
limited = api("POST", "/v1/keys", {"name": "grpc limited", "role": "inference", "limits": {"requests_per_minute": 1}})["key"]
limited_auth = [("authorization", f"Bearer {limited}")]
stub.ModelInfer(typed, metadata=limited_auth)
try:
    stub.ModelInfer(typed, metadata=limited_auth)
    check("over a key's rate limit: RESOURCE_EXHAUSTED with retry-after", False)
except grpc.RpcError as e:
    retry = dict(e.trailing_metadata() or ()).get("retry-after")
    check("over a key's rate limit: RESOURCE_EXHAUSTED with retry-after",
          e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and retry is not None and int(retry) >= 1, (e.code(), retry))

# Malformed protobuf: random bytes and mutated valid messages, sent as ModelInfer bodies.
raw_call = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer", request_serializer=None, response_deserializer=None)
valid = typed.SerializeToString()
generator = random.Random(7)
bodies = [bytes(generator.getrandbits(8) for _ in range(generator.randint(0, 300))) for _ in range(300)]
for _ in range(700):
    body = bytearray(valid)
    for _ in range(generator.randint(1, 8)):
        position = generator.randrange(len(body))
        choice = generator.random()
        if choice < 0.5:
            body[position] = generator.getrandbits(8)
        elif choice < 0.75:
            del body[position:position + generator.randint(1, 16)]
        else:
            body[position:position] = bytes(generator.getrandbits(8) for _ in range(generator.randint(1, 16)))
        if not body:
            break
    bodies.append(bytes(body))
codes = {}
for body in bodies:
    try:
        raw_call(body, metadata=list(auth.items()), timeout=10)
        codes["OK"] = codes.get("OK", 0) + 1
    except grpc.RpcError as e:
        codes[e.code().name] = codes.get(e.code().name, 0) + 1
check(f"{len(bodies)} malformed ModelInfer messages get a status, never a dead server",
      client.is_server_live() and set(codes) <= {"OK", "INVALID_ARGUMENT", "NOT_FOUND", "UNAUTHENTICATED", "INTERNAL"} and "UNAVAILABLE" not in codes,
      codes)
check("none of them is answered as a server fault (INTERNAL)", "INTERNAL" not in codes or codes["INTERNAL"] == 0, codes)

# The server's own counters.
metrics = api("GET", "/metrics")
check("metrics count gRPC calls by method and code",
      'maas_grpc_requests_total{method="ModelInfer",code="ok"}' in metrics and 'code="unauthenticated"' in metrics)
check("gRPC inference counts in the endpoint's inference metrics", 'maas_inference_requests_total{project="default",endpoint="flowers",version="1"}' in metrics)
print(f"grpc: {failed} failed")
sys.exit(failed)
