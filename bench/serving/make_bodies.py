"""Request bodies for bench/serving/run.sh: one Fashion-MNIST test image as an Open Inference
Protocol JSON request (both servers), the same as JSON header + raw FP32 bytes (the binary
extension), and one iris row for the tabular endpoint. Also checks both servers agree."""
import gzip, json, os, struct, sys, urllib.request
import numpy as np

out = sys.argv[1]
folder = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
with gzip.open(f"{folder}/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
image = images[0]
body = {"inputs": [{"name": "image", "shape": [1, 28, 28, 1], "datatype": "FP32", "data": [float(v) for v in image]}]}
open(f"{out}/image.json", "w").write(json.dumps(body))
header = json.dumps({"inputs": [{"name": "image", "shape": [1, 28, 28, 1], "datatype": "FP32",
                                 "parameters": {"binary_data_size": 784 * 4}}]}).encode()
open(f"{out}/image.bin", "wb").write(header + image.astype("<f4").tobytes())
open(f"{out}/image.bin.length", "w").write(str(len(header)))
open(f"{out}/iris.json", "w").write(json.dumps(
    {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}))


def agree(ours, theirs, key, n=200):
    """Fraction of n test images both servers label the same."""
    batch = images[:n]
    request = {"inputs": [{"name": "image", "shape": [n, 28, 28, 1], "datatype": "FP32", "data": batch.ravel().tolist()}]}
    def post(url, headers):
        r = urllib.request.Request(url, data=json.dumps(request).encode(), headers={"Content-Type": "application/json", **headers})
        return json.load(urllib.request.urlopen(r))["outputs"]
    a = post(ours, {"Authorization": f"Bearer {key}"})
    b = post(theirs, {})
    ours_labels = [int(x) for x in a[0]["data"]]
    theirs_labels = np.array(b[0]["data"]).reshape(n, 10).argmax(1).tolist()
    ours_p = np.array(a[1]["data"]).reshape(n, 10)
    theirs_p = np.array(b[0]["data"]).reshape(n, 10)
    return sum(x == y for x, y in zip(ours_labels, theirs_labels)) / n, float(np.abs(ours_p - theirs_p).max())


if len(sys.argv) > 2:
    fraction, difference = agree(sys.argv[2], sys.argv[3], sys.argv[4])
    print(f"agreement on 200 test images: {fraction:.3f}, largest probability difference {difference:.2e}")
    sys.exit(0 if fraction == 1.0 else 1)
