# ksnn: build, test, run and benchmark. `make run` and `make test` work on a fresh Debian
# machine that has only the Swift toolchain: missing Debian packages are installed first.

SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the build, the tests and the recipes need.
DEBIAN_PACKAGES := pkg-config libopenblas-dev libfftw3-dev libsndfile1-dev libopenmpi-dev openmpi-bin time libfst-tools gzip sox espeak-ng flac perl jq \
  festival festvox-kallpc16k festvox-kdlpc16k flite
RELEASE_BIN := .build/release/ksnn

.PHONY: all deps build server links test test-recipes test-fast run demo bench clean

all: build

# Installs whatever is missing (apt-get waits for a held dpkg lock instead of failing).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi

# The Swift runtime linked in statically: every tool is a new process (Kaldi's pipelines), and
# binding the shared runtime's symbols cost about 5 ms of each start (8.5 -> 7.0 ms CPU,
# 15.6 -> 10.4 ms wall for `lattice-copy --help`, 2026-12-01).
build: deps
	$(SWIFT) build -c release --product ksnn --static-swift-stdlib
	@$(MAKE) --no-print-directory links

# The WebSocket server and client of on-line recognition, with their network packages (a few
# minutes to build the first time; `make build` does not need them).
server: deps
	$(SWIFT) build -c release --product ksnn-server
	$(SWIFT) build -c release --product ksnn-client
	@mkdir -p bin && ln -sf ../.build/release/ksnn-server bin/ksnn-server && ln -sf ../.build/release/ksnn-client bin/ksnn-client

# bin/<kaldi-tool-name> -> ksnn, so `export PATH=$$PWD/bin:$$PATH` is all a Kaldi path.sh needs.
links:
	@mkdir -p bin
	@ln -sf ../$(RELEASE_BIN) bin/ksnn
	@for t in $$($(RELEASE_BIN) --list-tools); do ln -sf ksnn bin/$$t; done
	@echo "bin/: ksnn and $$($(RELEASE_BIN) --list-tools | wc -l) tool links"

# The suite runs inside a local single-node Slurm cluster for the slurm.pl tests (started here,
# not by the tests, and stopped afterwards; the tests say they are skipped where it cannot start).
test: deps
	$(SWIFT) build --build-tests
	bash recipes/utils/slurm/local_cluster.sh run $(SWIFT) test --skip-build

# The suites tagged `.recipe` (whole recipes and their steps, minutes each) alone, or the rest
# (seconds each). Swift 6.3's `swift test` cannot filter by tag yet, so they go by suite name.
RECIPE_SUITES = RecipeTests|RecipeScriptTests|DataParallelTrainingTests|JobDispatchTests
test-recipes: deps
	$(SWIFT) build --build-tests
	bash recipes/utils/slurm/local_cluster.sh run $(SWIFT) test --skip-build --filter '$(RECIPE_SUITES)'
test-fast: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(RECIPE_SUITES)'

# The embedded default: corpora synthesized in TIMIT's and LibriSpeech's layouts, through
# egs/timit/s5 and egs/librispeech/s5 unchanged. The two recipes run side by side (each line
# names its recipe): each spends minutes training one network on one core.
run: build
	@set -o pipefail; status=0; \
	(cd egs/mini_timit/s5 && ./run.sh 2>&1 | sed -u 's/^/mini_timit: /') & timit=$$!; \
	(cd egs/mini_librispeech/s5 && ./run.sh 2>&1 | sed -u 's/^/mini_librispeech: /') & libri=$$!; \
	wait $$timit || { echo "egs/mini_timit/s5/run.sh failed" >&2; status=1; }; \
	wait $$libri || { echo "egs/mini_librispeech/s5/run.sh failed" >&2; status=1; }; \
	[ $$status = 0 ]
	@echo; echo "== egs/mini_timit/s5/RESULTS"; cat egs/mini_timit/s5/RESULTS
	@echo; echo "== egs/mini_librispeech/s5/RESULTS"; cat egs/mini_librispeech/s5/RESULTS

# The short espeak-ng pipeline (features to PER with one SNN v2), in seconds.
demo: build
	PATH=$$PWD/bin:$$PATH bash recipes/demo/run.sh

# The on-line speed of trained models runs on `make run`'s TIMIT models (made first when
# missing) and on every further recipe run in STREAMING_RUNS, e.g.
# `make bench STREAMING_RUNS=egs/timit/s5` after a 2x550 run of that recipe.
STREAMING_RUNS ?=
bench: build
	bash recipes/bench/tables.sh
	bash recipes/bench/scoring.sh
	bash recipes/bench/features.sh
	bash recipes/bench/decode.sh
	bash recipes/bench/decode_stage.sh
	bash recipes/bench/models.sh
	bash recipes/bench/data_parallel.sh
	bash recipes/bench/training_memory.sh
	@[ -f egs/mini_timit/s5/exp/v2/final.mdl ] || $(MAKE) --no-print-directory run
	bash recipes/bench/streaming.sh --splice 3 egs/mini_timit/s5
	@for d in $(STREAMING_RUNS); do bash recipes/bench/streaming.sh --splice 3 $$d || exit 1; done

clean:
	rm -rf .build bin bench
