#!/usr/bin/env bash
# Generates the Swift protobuf messages and the grpc-swift 2 service code for
# proto/inference.proto into Sources/HTTPAPI/GRPC/Generated. Run by hand after changing the
# proto; the output is committed, since protoc plugins add minutes to every clean build.
# Needs protoc (Debian protobuf-compiler); builds protoc-gen-swift and protoc-gen-grpc-swift-2
# from grpc-swift-protobuf 2.4.1 (the versions the package resolves) in .build-protoc-plugins.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PLUGINS=${PROTOC_PLUGINS:-$ROOT/.build-protoc-plugins}
command -v protoc > /dev/null || { echo "protoc is missing: apt-get install protobuf-compiler" >&2; exit 1; }
if [ ! -x "$PLUGINS/bin/protoc-gen-grpc-swift-2" ] || [ ! -x "$PLUGINS/bin/protoc-gen-swift" ]; then
    rm -rf "$PLUGINS/src"
    git clone -q --branch 2.4.1 https://github.com/grpc/grpc-swift-protobuf "$PLUGINS/src"
    (cd "$PLUGINS/src" && swift build -c release --product protoc-gen-grpc-swift-2 && swift build -c release --product protoc-gen-swift)
    mkdir -p "$PLUGINS/bin"
    cp "$PLUGINS/src/.build/release/protoc-gen-grpc-swift-2" "$PLUGINS/src/.build/release/protoc-gen-swift" "$PLUGINS/bin/"
fi
OUT=$ROOT/Sources/HTTPAPI/GRPC/Generated
mkdir -p "$OUT"
protoc --proto_path="$ROOT/proto" \
    --plugin=protoc-gen-swift="$PLUGINS/bin/protoc-gen-swift" --swift_out="$OUT" --swift_opt=Visibility=Internal \
    --plugin=protoc-gen-grpc-swift="$PLUGINS/bin/protoc-gen-grpc-swift-2" --grpc-swift_out="$OUT" \
    --grpc-swift_opt=Visibility=Internal,Client=false,Server=true \
    inference.proto
echo "wrote $(ls "$OUT" | tr '\n' ' ')"
