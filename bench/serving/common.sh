# Shared by the serving benchmarks (grpc.sh, tracing.sh), sourced from the repository root:
# ports, the Fashion-MNIST CNN they serve, and a SwiftMaaS server that serves it.
MAAS=${MAAS:-.build/release/maas}
FASHION=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
KEY="bench-admin-key-000000000000000000"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The seed CNN trained for one epoch into OUT/cnn (once), and the request bodies in OUT.
prepare_cnn() {
  local out=$1
  [ -f "$out/cnn/model.json" ] || $MAAS train --spec examples/fashion_cnn.json --data "$FASHION" --epochs 1 --json --output "$out/cnn" > /dev/null
  $PYTHON bench/serving/make_bodies.py "$out"
}

wait_for() {
  for _ in $(seq 600); do python3 -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null && return; sleep 0.2; done
  echo "$1 never came up"; exit 1
}

# Waits for the maas server on PORT, then registers OUT/cnn and deploys it as endpoint "cnn".
deploy_cnn() {
  local port=$1 out=$2
  wait_for "http://127.0.0.1:$port/v2/health/ready"
  curl -sf -H "Authorization: Bearer $KEY" -d "{\"path\": \"$(pwd)/$out/cnn\"}" "http://127.0.0.1:$port/v1/models/cnn/versions" > /dev/null
  curl -sf -H "Authorization: Bearer $KEY" -d '{"name": "cnn", "model": "cnn"}' "http://127.0.0.1:$port/v1/deployments" > /dev/null
}
