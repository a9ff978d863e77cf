package consume

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// A share-group member accepts the records it wrote and releases those it fetched past -n:
// the next member gets exactly the rest, and nothing twice.
func TestShareGroupAcceptsWrittenReleasesRest(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	pr := producer(t, c)
	env := testkit.Factory(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- consume(ctx, env, "t", "--share-group", "s", "-n", "5") }()
	// The group starts at the latest offset (share.auto.offset.reset): produce once joined.
	time.Sleep(1500 * time.Millisecond)
	fill(t, pr, "t", map[int32]int{0: 8})
	if err := <-done; err != nil {
		t.Fatalf("first member: %v\n%s", err, env.ErrOut)
	}
	first := env.Out.String()
	if n := strings.Count(first, "\n"); n != 5 {
		t.Fatalf("first member wrote %d records:\n%s", n, first)
	}
	env.Out.Reset()
	if err := consume(ctx, env, "t", "--share-group", "s", "--idle-timeout", "2s"); err != nil {
		t.Fatalf("second member: %v\n%s", err, env.ErrOut)
	}
	got := append(sortedLines(first), sortedLines(env.Out.String())...)
	want := []string{"p0-0", "p0-1", "p0-2", "p0-3", "p0-4", "p0-5", "p0-6", "p0-7"}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("records across both members: %v, want each of %v once", got, want)
	}
}

func TestShareGroupFlagConflicts(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	env := testkit.Factory(t, c)
	for _, args := range [][]string{
		{"t", "--share-group", "s", "-o", "start"},
		{"t", "--share-group", "s", "--from-beginning"},
		{"t", "--share-group", "s", "-g", "g"},
		{"t", "--share-group", "s", "-p", "0"},
		{"t", "--share-group", "s", "-e"},
	} {
		err := consume(context.Background(), env, args...)
		var ue *cmdutil.ExitError
		if !errors.As(err, &ue) || ue.Code != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--share-group") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestShareSupportError(t *testing.T) {
	key := func(k int16) kmsg.ApiVersionsResponseApiKey {
		return kmsg.ApiVersionsResponseApiKey{ApiKey: k, MaxVersion: 1}
	}
	old := &kmsg.ApiVersionsResponse{ApiKeys: []kmsg.ApiVersionsResponseApiKey{key(0), key(1)}}
	if err := shareSupportError(old); err == nil || !strings.Contains(err.Error(), "no ShareGroupHeartbeat") {
		t.Errorf("3.9: %v", err)
	}
	off := &kmsg.ApiVersionsResponse{ApiKeys: []kmsg.ApiVersionsResponseApiKey{key(76)}}
	if err := shareSupportError(off); err == nil || !strings.Contains(err.Error(), "share.version is 0") {
		t.Errorf("off: %v", err)
	}
	on := &kmsg.ApiVersionsResponse{ApiKeys: []kmsg.ApiVersionsResponseApiKey{key(76)},
		FinalizedFeatures: []kmsg.ApiVersionsResponseFinalizedFeature{{Name: "share.version", MaxVersionLevel: 1}}}
	if err := shareSupportError(on); err != nil {
		t.Errorf("on: %v", err)
	}
}
