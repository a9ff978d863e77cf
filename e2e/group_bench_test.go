//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkGroupLagAll: G groups with commits on 10 topics × 6 partitions, then
// `kafkit group lag --all -o json`, `kafkit group describe --all` and the Java
// ConsumerGroupCommand --describe --all-groups, side by side. Requests sent by kafkit are
// counted from its -v log ("wrote <Request>" lines, ApiVersions and all). Sizes: 50, 200, 800
// groups, or KAFKIT_BENCH_GROUPS=200 (comma separated) to choose.
func BenchmarkGroupLagAll(b *testing.B) {
	sizes := []int{50, 200, 800}
	if s := envOr("KAFKIT_BENCH_GROUPS", ""); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("KAFKIT_BENCH_GROUPS=%q: want numbers like 50,200", s)
			}
			sizes = append(sizes, n)
		}
	}
	for _, g := range sizes {
		b.Run(fmt.Sprintf("groups=%d", g), func(b *testing.B) { groupBench(b, g) })
	}
}

const (
	groupBenchTopics     = 10
	groupBenchPartitions = 6
	groupBenchRecords    = 20 // per partition
)

func groupBench(b *testing.B, groups int) {
	cl := Client(b, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	prefix := strings.ReplaceAll(Unique(b, "gb"), "=", "") // b.Name() has "groups=N"; "=" is not legal in a topic
	var topics []string
	for i := 0; i < groupBenchTopics; i++ {
		topics = append(topics, fmt.Sprintf("%s-t%d", prefix, i))
	}
	var names []string
	for i := 0; i < groups; i++ {
		names = append(names, fmt.Sprintf("%s-g%04d", prefix, i))
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for i := 0; i < len(names); i += 200 {
			_, _ = adm.DeleteGroups(ctx, names[i:min(i+200, len(names))]...)
		}
		_, _ = adm.DeleteTopics(ctx, topics...)
	})
	created, err := adm.CreateTopics(ctx, groupBenchPartitions, -1, nil, topics...)
	if err == nil {
		err = created.Error()
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range topics {
		groupTopicReady(b, adm, t, groupBenchPartitions)
	}
	var recs []*kgo.Record
	now := time.Now()
	for _, t := range topics {
		for p := int32(0); p < groupBenchPartitions; p++ {
			for i := 0; i < groupBenchRecords; i++ {
				recs = append(recs, &kgo.Record{Topic: t, Partition: p, Value: []byte("v"), Timestamp: now.Add(time.Duration(i-groupBenchRecords) * time.Second)})
			}
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	// Each group commits on every partition, at different positions so that there is lag.
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for gi, g := range names {
		offs := make(kadm.Offsets)
		for _, t := range topics {
			for p := int32(0); p < groupBenchPartitions; p++ {
				offs.AddOffset(t, p, int64((gi+int(p))%(groupBenchRecords+1)), -1)
			}
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(g string, offs kadm.Offsets) {
			defer func() { <-sem; wg.Done() }()
			if err := adm.CommitAllOffsets(ctx, g, offs); err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		}(g, offs)
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lag := Kafkit(b, "", "-v", "--timeout", "60s", "group", "lag", "--all", "-o", "json")
		if lag.Code != 0 {
			b.Fatalf("group lag: %s", lag)
		}
		var rows []struct {
			Group string `json:"group"`
		}
		if err := json.Unmarshal([]byte(lag.Stdout), &rows); err != nil {
			b.Fatalf("lag JSON: %v", err)
		}
		mine := 0
		all := map[string]bool{}
		for _, r := range rows {
			all[r.Group] = true
			if strings.HasPrefix(r.Group, prefix) {
				mine++
			}
		}
		if mine != groups*groupBenchTopics {
			b.Fatalf("lag rows for the bench groups: %d, want %d", mine, groups*groupBenchTopics)
		}
		desc := Kafkit(b, "", "-v", "--timeout", "60s", "group", "describe", "--all")
		if desc.Code != 0 {
			b.Fatalf("group describe: %s", desc)
		}
		descJSON := Kafkit(b, "", "--timeout", "60s", "group", "describe", "--all", "-o", "json")
		if descJSON.Code != 0 {
			b.Fatalf("group describe -o json: %s", descJSON)
		}
		java := JavaTool(b, "", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
			"--bootstrap-server", Brokers(), "--describe", "--all-groups")
		if java.Code != 0 || !strings.Contains(java.Stdout, names[len(names)-1]) {
			b.Fatalf("java: %s", java)
		}
		lagReq, descReq := groupRequests(lag.Stderr), groupRequests(desc.Stderr)
		ratio := java.Elapsed.Seconds() / desc.Elapsed.Seconds()
		b.ReportMetric(lag.Elapsed.Seconds(), "kafkit_lag_s")
		b.ReportMetric(desc.Elapsed.Seconds(), "kafkit_describe_s")
		b.ReportMetric(descJSON.Elapsed.Seconds(), "kafkit_describe_json_s")
		b.ReportMetric(java.Elapsed.Seconds(), "java_s")
		b.ReportMetric(ratio, "ratio_java_over_kafkit")
		b.ReportMetric(java.Elapsed.Seconds()/lag.Elapsed.Seconds(), "ratio_java_over_kafkit_lag")
		b.ReportMetric(float64(lagReq), "kafkit_lag_requests")
		b.ReportMetric(float64(descReq), "kafkit_describe_requests")
		b.ReportMetric(float64(lag.MaxRSSKB)/1024, "kafkit_rss_MB")
		b.Logf("%d groups (%d groups in the cluster) × %d topics × %d partitions: kafkit group lag --all -o json %.2fs (%d requests, time lag included), "+
			"kafkit group describe --all %.2fs (%d requests; -o json %.2fs), java ConsumerGroupCommand --describe --all-groups %.2fs: java/kafkit %.0f× (describe), %.0f× (lag); kafkit RSS %.0f MB",
			groups, len(all), groupBenchTopics, groupBenchPartitions, lag.Elapsed.Seconds(), lagReq, desc.Elapsed.Seconds(), descReq, descJSON.Elapsed.Seconds(),
			java.Elapsed.Seconds(), ratio, java.Elapsed.Seconds()/lag.Elapsed.Seconds(), float64(lag.MaxRSSKB)/1024)
	}
}

// groupRequests counts the requests a -v run wrote (franz-go logs "wrote <Request> v<N>").
func groupRequests(stderr string) int {
	n := 0
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, " wrote ") {
			n++
		}
	}
	return n
}

func groupTopicReady(b testing.TB, adm *kadm.Client, name string, partitions int) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		end, err := adm.ListEndOffsets(ctx, name)
		if err == nil && end.Error() == nil && len(end[name]) == partitions {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("topic %s not ready", name)
}
