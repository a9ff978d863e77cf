//go:build e2e

package e2e

// The Bitnami chart's network shape, as the client pod sees it (issue 11 part 2):
// scripts/chart-e2e.sh starts cluster.sh's chart shape (node ids 0-2 on 127.0.1.1-3, CLIENT 9092,
// CONTROLLER 9093, INTERNAL 9094, EXTERNAL 9095 with SASL) in a private mount namespace whose
// /etc/hosts resolves the chart's names, and runs these tests there with KAFKIT_E2E_CHART=1.
// kafkit runs with no connection flag, no KAFKIT_* variable and no profile file: the built-in
// default address must reach the cluster.

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const (
	chartHeadless = "kafka-controller-headless.kafka.svc.cluster.local"
	chartSASL     = chartHeadless + ":9095" // the EXTERNAL listener: SASL_PLAINTEXT, PLAIN and SCRAM
)

func chartSkip(t *testing.T) {
	t.Helper()
	if envOr("KAFKIT_E2E_CHART", "") != "1" {
		t.Skip("runs in the chart's network shape only: scripts/chart-e2e.sh (make e2e-chart)")
	}
}

// chartKafkit runs kafkit as in the client pod: the environment without any KAFKIT_* variable
// (cleanEnv), plus env, and HOME/XDG_CONFIG_HOME in an empty dir so that no profile file applies.
func chartKafkit(t *testing.T, env []string, stdin string, args ...string) Result {
	t.Helper()
	home := t.TempDir()
	env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}, env...)
	for _, kv := range env {
		if strings.HasPrefix(kv, "KAFKIT_") && !strings.HasPrefix(kv, "KAFKIT_SASL_") && !strings.HasPrefix(kv, "KAFKIT_BROKERS=") {
			t.Fatalf("chart tests pass no %s", kv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return run(ctx, env, stdin, binPath, args...)
}

func chartMust(t *testing.T, env []string, stdin string, args ...string) Result {
	t.Helper()
	r := chartKafkit(t, env, stdin, args...)
	if r.Code != 0 {
		t.Fatalf("kafkit %s: %s", strings.Join(args, " "), r)
	}
	return r
}

func chartLines(s string) []string {
	l := strings.Fields(s)
	sort.Strings(l)
	return l
}

func chartLag(t *testing.T, env []string, args ...string) matrixLagRow {
	t.Helper()
	r := chartMust(t, env, "", append(append([]string{}, args...), "-o", "json")...)
	var rows []matrixLagRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("lag JSON (%v): want one row:\n%s", err, r.Stdout)
	}
	return rows[0]
}

// TestChartDefaultAddress is the seed's walkthrough on a fresh chart-shaped cluster. Its first
// group command is the first one the cluster sees (no __consumer_offsets yet).
func TestChartDefaultAddress(t *testing.T) {
	chartSkip(t)
	adm := Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if topics, err := adm.ListTopicsWithInternal(ctx); err != nil || topics.Has("__consumer_offsets") {
		t.Fatalf("want a fresh cluster without __consumer_offsets (err %v): scripts/chart-e2e.sh starts one", err)
	}

	r := chartMust(t, nil, "", "topic", "create", "test-topic")
	if !strings.Contains(r.Stdout+r.Stderr, "test-topic") {
		t.Errorf("create said nothing about test-topic: %s", r)
	}
	// One partition for all records, so the group commits where the later ones go (partitions a
	// group never committed are issue 17 #4's business, not this walkthrough's).
	chartMust(t, nil, "one\ntwo\nthree\n", "produce", "test-topic", "-p", "0")
	// The first group command on the fresh cluster (issue 17 #2).
	r = chartKafkit(t, nil, "", "consume", "test-topic", "-g", "test-group", "--from-beginning", "-e")
	if r.Code != 0 || strings.Join(chartLines(r.Stdout), " ") != "one three two" {
		t.Errorf("the first group consume on a fresh cluster: want one, two, three and exit 0: %s", r)
		// Go on with the rest of the walkthrough: trying again is what a user would do.
		for i := 0; r.Code != 0 && i < 20; i++ {
			time.Sleep(500 * time.Millisecond)
			r = chartKafkit(t, nil, "", "consume", "test-topic", "-g", "test-group", "--from-beginning", "-e")
		}
		if r.Code != 0 {
			t.Fatalf("the group consume still fails 10 s later: %s", r)
		}
		t.Logf("a later try: %s", r)
	}

	// The cluster as the chart lays it out: node ids 0-2 advertising the per-pod names.
	r = chartMust(t, nil, "", "cluster", "info")
	for i := 0; i < 3; i++ {
		if want := fmt.Sprintf("kafka-controller-%d.%s:9092", i, chartHeadless); !strings.Contains(r.Stdout, want) {
			t.Errorf("cluster info lacks %s:\n%s", want, r.Stdout)
		}
	}
	if r := chartMust(t, nil, "", "topic", "list", "-o", "name"); !strings.Contains("\n"+r.Stdout, "\ntest-topic\n") {
		t.Errorf("topic list:\n%s", r.Stdout)
	}
	d := chartMust(t, nil, "", "topic", "describe", "test-topic", "-o", "json")
	var ds []matrixTopic
	if err := json.Unmarshal([]byte(d.Stdout), &ds); err != nil || len(ds) != 1 || ds[0].Partitions != 6 || ds[0].ReplicationFactor != 3 {
		t.Errorf("test-topic wants the chart's num.partitions=6 and RF 3 (%v):\n%s", err, d.Stdout)
	}

	// The group and its lag.
	if l := chartLag(t, nil, "group", "lag", "test-group"); l.TotalLag != 0 || l.Topic != "test-topic" {
		t.Errorf("lag after the first run: %+v", l)
	}
	chartMust(t, nil, "four\nfive\n", "produce", "test-topic", "-p", "0")
	if l := chartLag(t, nil, "group", "lag", "test-group"); l.TotalLag != 2 || l.State != "Empty" {
		t.Errorf("lag with 2 new records: %+v", l)
	}
	if r := chartMust(t, nil, "", "group", "list"); !strings.Contains(r.Stdout, "test-group") {
		t.Errorf("group list:\n%s", r.Stdout)
	}
	if r := chartMust(t, nil, "", "group", "lag", "test-group"); !strings.Contains(r.Stdout, "test-group") {
		t.Errorf("group lag table:\n%s", r.Stdout)
	}
	r = chartMust(t, nil, "", "consume", "test-topic", "-g", "test-group", "-e")
	if strings.Join(chartLines(r.Stdout), " ") != "five four" {
		t.Errorf("the group resumed with %q, want four, five", r.Stdout)
	}
	// The chart's min.insync.replicas=2, as the broker reports it for the topic.
	d = chartMust(t, nil, "", "topic", "describe", "test-topic", "--configs", "-o", "json")
	if err := json.Unmarshal([]byte(d.Stdout), &ds); err != nil || len(ds) != 1 || ds[0].config("min.insync.replicas") != "2" {
		t.Errorf("test-topic wants min.insync.replicas=2 (%v):\n%s", err, d.Stdout)
	}
}
