"""Load generator for bench/serving/grpc.sh: the same Python client machinery for every target,
so the comparison is between servers, not clients. Sends one Fashion-MNIST image per request
(784 FP32 values) for SECONDS with PROCESSES x CONCURRENCY requests in flight, and prints one
JSON line: requests per second, latency percentiles, and the server process's CPU time per
request (read from /proc, so it does not depend on how fast the client is).

    python grpc_load.py LABEL KIND TARGET MODEL KEY SERVER_PID SECONDS PROCESSES CONCURRENCY IMAGE_BIN
KIND: grpc (ModelInfer with raw_input_contents) or http (POST /v2/models/MODEL/infer with the
binary tensor extension over keep-alive HTTP/1.1)."""

import asyncio
import json
import multiprocessing
import os
import sys
import time

label, kind, target, model, key, server_pid, seconds, processes, concurrency, image_path = sys.argv[1:11]
seconds, processes, concurrency = float(seconds), int(processes), int(concurrency)
with open(image_path, "rb") as f:
    image = f.read()[-784 * 4:]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def grpc_worker(deadline, latencies):
    import grpc
    from tritonclient.grpc import service_pb2, service_pb2_grpc
    request = service_pb2.ModelInferRequest(model_name=model)
    request.inputs.add(name="image", datatype="FP32", shape=[1, 28, 28, 1])
    request.raw_input_contents.append(image)
    metadata = (("authorization", f"Bearer {key}"),) if key else ()
    async with grpc.aio.insecure_channel(target) as channel:
        stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)

        async def loop():
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                await stub.ModelInfer(request, metadata=metadata)
                latencies.append(time.perf_counter() - start)
        await asyncio.gather(*(loop() for _ in range(concurrency)))


async def http_worker(deadline, latencies):
    host, port = target.split(":")
    header = json.dumps({"inputs": [{"name": "image", "shape": [1, 28, 28, 1], "datatype": "FP32",
                                     "parameters": {"binary_data_size": len(image)}}]}).encode()
    body = header + image
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    request = (f"POST /v2/models/{model}/infer HTTP/1.1\r\nHost: {target}\r\n{auth}Content-Type: application/octet-stream\r\n"
               f"Inference-Header-Content-Length: {len(header)}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    async def loop():
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if not status.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{label}: {status!r}")
            latencies.append(time.perf_counter() - start)
        writer.close()
    await asyncio.gather(*(loop() for _ in range(concurrency)))


def run(queue, deadline):
    latencies = []
    asyncio.run((grpc_worker if kind == "grpc" else http_worker)(deadline, latencies))
    queue.put(latencies)


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    # A short warm-up so connections and the model are ready before the clock starts.
    warm = multiprocessing.Process(target=run, args=(queue, time.perf_counter() + 1))
    warm.start(); queue.get(); warm.join()
    cpu_before, wall_before = cpu_seconds(server_pid), time.perf_counter()
    deadline = wall_before + seconds
    workers = [multiprocessing.Process(target=run, args=(queue, deadline)) for _ in range(processes)]
    for w in workers:
        w.start()
    latencies = sorted(x for _ in workers for x in queue.get())
    for w in workers:
        w.join()
    elapsed, cpu = time.perf_counter() - wall_before, cpu_seconds(server_pid) - cpu_before
    n = len(latencies)
    print(json.dumps({"label": label, "requests": n, "rps": n / elapsed,
                      "p50_ms": latencies[n // 2] * 1e3, "p99_ms": latencies[int(n * 0.99)] * 1e3,
                      "server_cpu_us_per_request": cpu / n * 1e6}))
