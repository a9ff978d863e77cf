# kafkit: `make demo` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X github.com/kafkit/kafkit/internal/build.Version=$(VERSION) -X github.com/kafkit/kafkit/internal/build.Commit=$(COMMIT)
export CGO_ENABLED := 0
CLUSTER := e2e/cluster/cluster.sh
# The Kafka version of the full e2e run (cluster.sh reads KAFKA_VERSION), and the other versions
# on which make test runs the first-run test and the core subset (TestMatrix*), one cluster after
# another: the last 3.x line and the newest 4.x on Maven Central.
KAFKA_VERSION ?= 4.1.1
MATRIX_VERSIONS ?= 3.9.2 4.4.0
export KAFKA_VERSION
export KAFKIT_E2E_KAFKA_VERSION = $(KAFKA_VERSION)
# The real test cluster's plaintext and SASL listeners (see e2e/cluster/README.md).
export KAFKIT_E2E_BROKERS ?= 127.0.0.1:19092,127.0.0.1:29092,127.0.0.1:31092
export KAFKIT_E2E_SASL_BROKERS ?= 127.0.0.1:19093,127.0.0.1:29093,127.0.0.1:31093

.PHONY: all build demo test unit shape e2e e2e-only e2e-disruptive e2e-firstrun e2e-core e2e-quorum e2e-matrix e2e-chart cluster-up cluster-down cluster-logs bench fuzz vet clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/kafkit ./cmd/kafkit
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/kafkit-demo-cluster ./cmd/kafkit-demo-cluster

# A walkthrough of the seed's workflow against an in-process fake cluster on 127.0.0.1:9092.
demo: build
	bash scripts/demo.sh

vet:
	$(GO) vet ./...
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	@tidy=$$($(GO) mod tidy -diff 2>&1) || { echo "go.mod/go.sum are not tidy (run go mod tidy):"; echo "$$tidy"; exit 1; }

# Unit tests (kfake, in-process), then the real 3-node cluster of KAFKA_VERSION: first the
# first-run test (the first thing the fresh cluster sees), then the full e2e, the failover tests
# and the image test; then the dynamic-quorum tests on a fresh dynamic-quorum cluster
# (e2e-quorum), the core subset on each of MATRIX_VERSIONS, and the chart's network
# shape. One cluster at a time; each is stopped whatever happens. The image test (SCRAM-SHA-512
# as the format-time user) runs before the failover tests: on Kafka 4.1.1 a broker restarted after
# another user's SCRAM-SHA-512 credential was created and deleted no longer knows that user's
# SCRAM-SHA-512 credential (reproduced by hand: create and delete a user, stop-node 2, start-node 2).
test: vet unit
	$(MAKE) cluster-up
	status=0; first=0; $(MAKE) e2e-firstrun || first=$$?; \
	  $(MAKE) e2e-only || status=$$?; \
	  if [ $$status -eq 0 ]; then $(MAKE) image-test || status=$$?; fi; \
	  if [ $$status -eq 0 ]; then $(MAKE) e2e-disruptive || status=$$?; fi; \
	  if [ $$status -ne 0 ] || [ $$first -ne 0 ]; then bash $(CLUSTER) logs || true; fi; \
	  $(MAKE) cluster-down; [ $$status -eq 0 ] && [ $$first -eq 0 ]
	$(MAKE) e2e-quorum
	$(MAKE) e2e-matrix
	$(MAKE) e2e-chart
	$(MAKE) kube-test
	$(MAKE) kube-pod-test

unit:
	$(GO) test -count=1 ./...
	$(MAKE) manifest-test

# e2e against a cluster you started with `make cluster-up` (or any cluster: set KAFKIT_E2E_BROKERS).
e2e: e2e-only

e2e-only: build
	$(GO) test -count=1 -tags e2e -timeout 20m ./e2e/...

# The first-run test: on a cluster fresh from cluster-up, before any other test (issue 17 #2).
FIRSTRUN_TEST = KAFKIT_E2E_FRESH=1 $(GO) test -count=1 -tags e2e -timeout 5m -run '^TestFirstRun' ./e2e/...
e2e-firstrun: build
	$(FIRSTRUN_TEST)

# The core subset (connect, topics, produce/consume, group lag, both group protocols) against
# the running cluster of KAFKA_VERSION.
CORE_TEST = $(GO) test -count=1 -tags e2e -timeout 10m -run '^(TestMatrix|$(CORE_ALSO))' ./e2e/...
# Tests of the newer families that also run on every matrix version (each skips with the reason
# where the version lacks the feature: share groups before 4.1, streams groups before 4.2).
CORE_ALSO = TestApplyTenant|TestApplyBadFileSendsNothing|TestHealthCheckHealthy|TestReassignReplicationFactor|TestAccessSCRAMUserACLs|TestGroupsListTypes|TestGroupsShareFromJavaConsumer|TestGroupsStreams|TestGroupsStreamsCompat|TestTxnHangingLifecycle
e2e-core: build
	$(CORE_TEST)

# For each of MATRIX_VERSIONS: a fresh cluster, the first-run test, the core subset, cluster-down.
# (No $(MAKE) in the loop, so that `make -n e2e-matrix` starts nothing.)
e2e-matrix: build
	@status=0; for v in $(MATRIX_VERSIONS); do \
	  t0=$$SECONDS; echo "== Kafka $$v: cluster-up, first run, core subset"; \
	  if KAFKA_VERSION=$$v bash $(CLUSTER) up; then \
	    s=0; KAFKA_VERSION=$$v KAFKIT_E2E_KAFKA_VERSION=$$v $(FIRSTRUN_TEST) || s=1; \
	    KAFKA_VERSION=$$v KAFKIT_E2E_KAFKA_VERSION=$$v $(CORE_TEST) || s=1; \
	    if [ $$s -ne 0 ]; then status=1; KAFKA_VERSION=$$v bash $(CLUSTER) logs || true; fi; \
	  else status=1; fi; \
	  KAFKA_VERSION=$$v bash $(CLUSTER) down; \
	  echo "== Kafka $$v: done in $$((SECONDS - t0))s"; \
	done; exit $$status

# The dynamic KRaft quorum (KIP-853) of KAFKA_VERSION: a fresh cluster formatted with
# --initial-controllers (KAFKIT_CLUSTER_QUORUM=dynamic), the TestQuorumDynamic* tests (they add
# and remove controllers, among them node 5 of cluster.sh add-controller-node; with
# KAFKIT_E2E_QUORUM=dynamic they fail instead of skipping), then cluster-down whatever happens.
QUORUM_TEST = KAFKIT_E2E_QUORUM=dynamic $(GO) test -count=1 -tags e2e -timeout 5m -run '^TestQuorumDynamic' ./e2e/...
e2e-quorum: build
	@t0=$$SECONDS; status=0; echo "== Kafka $(KAFKA_VERSION), dynamic quorum: cluster-up, TestQuorumDynamic*"; \
	  if KAFKIT_CLUSTER_QUORUM=dynamic bash $(CLUSTER) up; then \
	    $(QUORUM_TEST) || { status=1; bash $(CLUSTER) logs || true; }; \
	  else status=1; fi; \
	  bash $(CLUSTER) down; echo "== dynamic quorum: done in $$((SECONDS - t0))s"; exit $$status

# The chart's network shape on loopback (scripts/chart-e2e.sh): its own fresh cluster, in a
# private mount namespace; needs root. No other cluster may run meanwhile.
e2e-chart: build
	bash scripts/chart-e2e.sh

# Failover tests: they stop and restart brokers of the running cluster (cluster.sh stop-node /
# start-node), so they run alone, after the other e2e tests.
e2e-disruptive: build
	KAFKIT_E2E_DISRUPTIVE=1 $(GO) test -count=1 -tags e2e -timeout 15m -run 'Disruptive|LeaderStopped|LeaderFailover' ./e2e/...

cluster-up:
	bash $(CLUSTER) up

cluster-down:
	bash $(CLUSTER) down

cluster-logs:
	bash $(CLUSTER) logs

# Benchmarks against the real cluster, side by side with kcat and the Java tools.
bench: build
	$(MAKE) cluster-up
	status=0; $(GO) test -count=1 -tags e2e -run '^$$' -bench . -benchtime 1x -timeout 60m ./e2e/... || status=$$?; \
	  $(MAKE) cluster-down; exit $$status

# Every parser's fuzz target, FUZZTIME each (go test -fuzz takes one target per run).
FUZZTIME ?= 10s
FUZZ_TARGETS := internal/config:FuzzParseProperties internal/offsetspec:FuzzParse \
  topic:FuzzParseSpec topic:FuzzParseConfigPairs topic:FuzzParseReplicaAssignment \
  produce:FuzzLineFormat produce:FuzzParseJSONLine produce:FuzzLineReader \
  consume:FuzzParseTemplate consume:FuzzJSONString consume:FuzzResolveStart \
  group:FuzzResetCSV group:FuzzParseTopicSel group:FuzzTablesEscapeNames \
  internal/text:FuzzUnescape internal/text:FuzzSafe compat:FuzzParse \
  internal/config:FuzzLoadCommandConfig internal/output:FuzzWriteTable \
  acl:FuzzSpec apply:FuzzParse cluster:FuzzParsePercent compat:FuzzHeadersReader \
  compat:FuzzJavaDuration compat:FuzzParseElectionJSON compat:FuzzPerfProps \
  configs:FuzzConfigsParseChange internal/features:FuzzParseLevel partition:FuzzDecodeJSON \
  partition:FuzzParseRate partition:FuzzParseTopicSpec quota:FuzzQuotaParseValues txn:FuzzParseTopicArg \
  compat:FuzzReadControllerConfig
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$pkg $$fn"; $(GO) test ./$$pkg -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME); done

# The code-shape limits (issue 10): no non-test function over 80 lines or cyclomatic complexity 25.
GOCYCLO ?= github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0
shape:
	$(GO) run ./scripts/funclen -max 80 $$(git ls-files '*.go')
	$(GO) run $(GOCYCLO) -over 25 $$(git ls-files '*.go' | grep -v _test.go)

clean:
	rm -rf bin

# Extra targets (e.g. the container image) live in mk/*.mk.
-include mk/*.mk
