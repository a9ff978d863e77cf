//go:build e2e

package e2e

// The first thing a freshly formatted cluster sees (issue 17 #2): a new user creates a topic,
// produces a few records and reads them with a group, before anything has created
// __consumer_offsets. `make test` runs this right after cluster-up (KAFKIT_E2E_FRESH=1), on
// every Kafka version of the matrix, before any other e2e test warms the cluster.

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// firstrunRequireFresh fails unless the cluster has no __consumer_offsets yet, so that the test
// really is the first group command the cluster sees. Without KAFKIT_E2E_FRESH=1 (an e2e run on
// a warm cluster) the test is skipped: it cannot test a first run there.
func firstrunRequireFresh(t *testing.T, adm *kadm.Client) {
	t.Helper()
	if envOr("KAFKIT_E2E_FRESH", "") != "1" {
		t.Skip("needs a freshly formatted cluster: make test runs it with KAFKIT_E2E_FRESH=1 right after cluster-up")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if topics.Has("__consumer_offsets") {
		t.Fatal("KAFKIT_E2E_FRESH=1 but __consumer_offsets already exists: run this test first on a new cluster (make test does)")
	}
}

func TestFirstRunGroupConsume(t *testing.T) {
	v, _, _ := matrixVersion(t)
	firstrunRequireFresh(t, Admin(t))
	topic, group := Unique(t, "firstrun-topic"), Unique(t, "firstrun-group")
	MustKafkit(t, "", "topic", "create", topic)
	MustKafkit(t, "one\ntwo\nthree\n", "produce", topic, "-q")
	// The seed's first group command, as a new user types it.
	r := Kafkit(t, "", "consume", topic, "-g", group, "--from-beginning", "-e")
	if r.Code != 0 {
		t.Fatalf("Kafka %s: the first group consume on a fresh cluster: %s", v, r)
	}
	got := strings.Fields(r.Stdout)
	sort.Strings(got)
	if strings.Join(got, " ") != "one three two" {
		t.Errorf("Kafka %s: first group consume printed %q, want one, two, three", v, r.Stdout)
	}
	// It committed: the group has no lag and the next run reads nothing.
	if l := matrixLag(t, group); l.TotalLag != 0 {
		t.Errorf("Kafka %s: lag after the first run: %+v", v, l)
	}
}
