//go:build e2e

package e2e

// Every group type (issue 16): share groups made by the Java share consumer, described and
// lagged while active and after it stops, against kafka-share-groups.sh; a streams group made
// by a tiny Kafka Streams app (Kafka 4.4+); group list --type for every type. Features are
// detected from the brokers' ApiVersions (APIs and finalized feature levels), not from a
// version string; a test skips only where the cluster lacks the feature, saying so.

import (
	"context"
	"encoding/json"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// groupsFeatures says whether the cluster has share groups (ShareGroupHeartbeat offered and
// share.version >= 1) and streams groups (StreamsGroupHeartbeat and streams.version >= 1), and
// whether DescribeShareGroupOffsets reports lag (v1, Kafka 4.2+).
type groupsFeatures struct{ share, streams, shareLag bool }

func groupsDetect(t testing.TB) groupsFeatures {
	t.Helper()
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName, req.ClientSoftwareVersion = "kafkit-e2e", "1"
	resp, err := req.RequestWith(context.Background(), Client(t))
	if err != nil {
		t.Fatalf("ApiVersions: %v", err)
	}
	apis := map[int16]int16{}
	for _, k := range resp.ApiKeys {
		apis[k.ApiKey] = k.MaxVersion
	}
	levels := map[string]int16{}
	for _, f := range resp.FinalizedFeatures {
		levels[f.Name] = f.MaxVersionLevel
	}
	_, hasShare := apis[kmsg.ShareGroupHeartbeat.Int16()]
	_, hasStreams := apis[kmsg.StreamsGroupHeartbeat.Int16()]
	offs, hasOffs := apis[kmsg.DescribeShareGroupOffsets.Int16()]
	return groupsFeatures{
		share:    hasShare && levels["share.version"] >= 1,
		streams:  hasStreams && levels["streams.version"] >= 1,
		shareLag: hasOffs && offs >= 1,
	}
}

// groupsCleanup deletes the groups when the test ends (their topics go with groupTopic).
func groupsCleanup(t testing.TB, groups ...string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		adm := Admin(t)
		for ctx.Err() == nil { // a member that just left may still be counted for a moment
			resp, err := adm.DeleteGroups(ctx, groups...)
			if err == nil && resp.Error() == nil {
				return
			}
			if err == nil && !strings.Contains(resp.Error().Error(), "NON_EMPTY_GROUP") {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
	})
}

func groupsNeedShare(t *testing.T) groupsFeatures {
	f := groupsDetect(t)
	if !f.share {
		t.Skipf("Kafka %s: the cluster has no share groups (no ShareGroupHeartbeat API or share.version=0)", envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1"))
	}
	return f
}

// groupsShareEarliest sets the share group's share.auto.offset.reset to earliest (a group
// config, IncrementalAlterConfigs on a GROUP resource), so that it reads what is already there.
func groupsShareEarliest(t testing.TB, group string) {
	t.Helper()
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeGroupConfig, group
	c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
	v := "earliest"
	c.Name, c.Value = "share.auto.offset.reset", &v
	r.Configs = append(r.Configs, c)
	req.Resources = append(req.Resources, r)
	resp, err := req.RequestWith(context.Background(), Client(t))
	if err != nil || len(resp.Resources) != 1 || resp.Resources[0].ErrorCode != 0 {
		t.Fatalf("set share.auto.offset.reset on %s: %v %+v", group, err, resp)
	}
}

// groupsShareDescribed is what the tests read of `group describe -o json` for a share group.
type groupsShareDescribed struct {
	Type       string `json:"type"`
	State      string `json:"state"`
	Members    []any  `json:"members"`
	TotalLag   int64  `json:"total_lag"`
	Partitions []struct {
		Partition     int32  `json:"partition"`
		CurrentOffset *int64 `json:"current_offset"`
		LogEndOffset  *int64 `json:"log_end_offset"`
		Lag           *int64 `json:"lag"`
		Note          string `json:"note"`
	} `json:"partitions"`
}

func groupsDescribeShare(t testing.TB, group string) groupsShareDescribed {
	t.Helper()
	r := MustKafkit(t, "", "group", "describe", group, "-o", "json")
	var out []groupsShareDescribed
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || len(out) != 1 {
		t.Fatalf("describe %s: %v\n%s", group, err, r.Stdout)
	}
	return out[0]
}

// groupsJavaStarts is kafka-share-groups.sh --describe's START-OFFSET per partition ("-" -1).
func groupsJavaStarts(t testing.TB, group string) map[int32]int64 {
	t.Helper()
	j := JavaTool(t, "", "org.apache.kafka.tools.consumer.group.ShareGroupCommand", "--bootstrap-server", Brokers(), "--describe", "--group", group)
	if j.Code != 0 {
		t.Fatalf("kafka-share-groups.sh: %s", j)
	}
	out := map[int32]int64{}
	row := regexp.MustCompile(`^` + regexp.QuoteMeta(group) + `\s+\S+\s+(\d+)\s+(\S+)`)
	for _, l := range strings.Split(j.Stdout, "\n") {
		if m := row.FindStringSubmatch(l); m != nil {
			p, _ := strconv.Atoi(m[1])
			o, err := strconv.ParseInt(m[2], 10, 64)
			if err != nil {
				o = -1
			}
			out[int32(p)] = o
		}
	}
	return out
}

// groupsCheckShare compares kafkit's describe of a share group with the Java tool's start
// offsets, and checks the lag: the broker's (Kafka 4.2+) or log end - start offset, noted.
func groupsCheckShare(t *testing.T, f groupsFeatures, group, when string, d groupsShareDescribed) {
	t.Helper()
	java := groupsJavaStarts(t, group)
	if len(java) != len(d.Partitions) {
		t.Errorf("%s: kafkit shows %d partitions, kafka-share-groups.sh %d: %v", when, len(d.Partitions), len(java), java)
	}
	for _, p := range d.Partitions {
		start := int64(-1)
		if p.CurrentOffset != nil {
			start = *p.CurrentOffset
		}
		if java[p.Partition] != start {
			t.Errorf("%s: partition %d start offset: kafkit %d, kafka-share-groups.sh %d", when, p.Partition, start, java[p.Partition])
		}
		switch {
		case p.CurrentOffset == nil:
			if p.Lag != nil {
				t.Errorf("%s: partition %d has no start offset but lag %d", when, p.Partition, *p.Lag)
			}
		case f.shareLag:
			if p.Lag == nil || *p.Lag < 0 || *p.Lag > *p.LogEndOffset-*p.CurrentOffset {
				t.Errorf("%s: partition %d: broker lag %v outside [0, end-start]", when, p.Partition, p.Lag)
			}
		default:
			if p.Lag == nil || *p.Lag != *p.LogEndOffset-*p.CurrentOffset || (*p.Lag > 0 && !strings.Contains(p.Note, "at most")) {
				t.Errorf("%s: partition %d: lag %v, note %q; want log end - start = %d, noted as an upper bound", when, p.Partition, p.Lag, p.Note, *p.LogEndOffset-*p.CurrentOffset)
			}
		}
	}
}

// A share group made by the Java share consumer: while it runs, kafkit sees it Stable with one
// member; after it stops, Empty; both times its start offsets are the Java tool's, and its lag
// is the broker's or log end - start offset.
func TestGroupsShareFromJavaConsumer(t *testing.T) {
	f := groupsNeedShare(t)
	topic, group := Unique(t, "groups-share"), Unique(t, "groups-share-g")
	groupTopic(t, Admin(t), topic, 3)
	groupsCleanup(t, group)
	groupsShareEarliest(t, group)
	var in strings.Builder
	for i := range 30 {
		in.WriteString("r" + strconv.Itoa(i) + "\n")
	}
	MustKafkit(t, in.String(), "produce", topic)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	java := exec.CommandContext(ctx, "java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", KafkaLib()+"/*",
		"org.apache.kafka.tools.consumer.ConsoleShareConsumer", "--bootstrap-server", Brokers(), "--topic", topic, "--group", group)
	var out strings.Builder
	java.Stdout = &out
	if err := java.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = java.Process.Kill(); _ = java.Wait() }()
	var d groupsShareDescribed
	for i := 0; ; i++ {
		r := Kafkit(t, "", "group", "describe", group, "-o", "json")
		if r.Code == 0 && strings.Contains(r.Stdout, `"state": "Stable"`) && strings.Count(out.String(), "\n") >= 30 {
			d = groupsDescribeShare(t, group)
			break
		}
		if i == 150 {
			t.Fatalf("the Java share consumer did not read the 30 records (%d lines) in a stable group: %s", strings.Count(out.String(), "\n"), r)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if d.Type != "share" || len(d.Members) != 1 {
		t.Errorf("active: type %q, %d members; want share with 1", d.Type, len(d.Members))
	}
	groupsCheckShare(t, f, group, "active", d)
	_ = java.Process.Signal(syscall.SIGTERM)
	_ = java.Wait()
	d = groupsDescribeShare(t, group)
	for i := 0; d.State != "Empty" && i < 100; i++ {
		time.Sleep(200 * time.Millisecond)
		d = groupsDescribeShare(t, group)
	}
	if d.State != "Empty" || len(d.Members) != 0 {
		t.Errorf("stopped: state %q, %d members; want Empty with none", d.State, len(d.Members))
	}
	groupsCheckShare(t, f, group, "stopped", d)
	lag := MustKafkit(t, "", "group", "lag", group, "--no-time-lag", "-o", "json")
	var rows []struct {
		Type     string `json:"type"`
		TotalLag int64  `json:"total_lag"`
	}
	if err := json.Unmarshal([]byte(lag.Stdout), &rows); err != nil || len(rows) != 1 || rows[0].Type != "share" || rows[0].TotalLag != d.TotalLag {
		t.Errorf("group lag: %v %s; want one share row with total lag %d", err, lag.Stdout, d.TotalLag)
	}
	// seek moves the start offsets where the broker implements AlterShareGroupOffsets (Kafka
	// 4.2+, the release that also reports share lag); Kafka 4.1 answers it with no partition
	// and changes nothing, which kafkit must say rather than report success.
	seek := Kafkit(t, "", "group", "seek", group, "--to", "start", "--all-topics", "--execute")
	switch {
	case f.shareLag && seek.Code != 0:
		t.Errorf("seek --execute: %s", seek)
	case f.shareLag:
		for _, p := range groupsDescribeShare(t, group).Partitions {
			if p.CurrentOffset != nil && *p.CurrentOffset != 0 {
				t.Errorf("after seek --to start: partition %d start offset %d", p.Partition, *p.CurrentOffset)
			}
		}
	case seek.Code != 1 || !strings.Contains(seek.Stderr, "not applied"):
		t.Errorf("seek on a broker without AlterShareGroupOffsets: want exit 1 naming it: %s", seek)
	}
}

// groups whose type the cluster has: classic always, consumer with KIP-848 (the
// ConsumerGroupHeartbeat API and group.version >= 1), share and streams as detected.
func TestGroupsListTypes(t *testing.T) {
	f := groupsDetect(t)
	topic := Unique(t, "groups-types")
	groupTopic(t, Admin(t), topic, 1)
	MustKafkit(t, "x\n", "produce", topic)
	made := map[string]string{"classic": topic + "-classic"}
	MustKafkit(t, "", "consume", topic, "-g", made["classic"], "-o", "start", "-n", "1")
	if groupsHasKIP848(t) {
		made["consumer"] = topic + "-consumer"
		MustKafkit(t, "", "consume", topic, "-g", made["consumer"], "--group-protocol", "consumer", "-o", "start", "-n", "1")
	}
	if f.share {
		made["share"] = topic + "-share"
		groupsShareEarliest(t, made["share"])
		MustKafkit(t, "", "consume", topic, "--share-group", made["share"], "-n", "1")
	}
	for _, typ := range []string{"classic", "consumer", "share", "streams"} {
		r := MustKafkit(t, "", "group", "list", "--type", typ, "-o", "json")
		var rows []struct{ Group, Type string }
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
			t.Fatalf("list --type %s: %v\n%s", typ, err, r.Stdout)
		}
		found := false
		for _, row := range rows {
			if row.Type != typ {
				t.Errorf("list --type %s shows %s, a %s group", typ, row.Group, row.Type)
			}
			found = found || row.Group == made[typ]
		}
		if made[typ] != "" && !found {
			t.Errorf("list --type %s does not show %s", typ, made[typ])
		}
	}
	for _, g := range made {
		groupsCleanup(t, g)
	}
	for typ, g := range made {
		if r := MustKafkit(t, "", "group", "describe", g, "-o", "json"); !strings.Contains(r.Stdout, `"type": "`+typ+`"`) {
			t.Errorf("describe %s: not a %s group:\n%s", g, typ, r.Stdout)
		}
	}
}

// groupsHasKIP848 says whether the cluster runs KIP-848 consumer groups.
func groupsHasKIP848(t testing.TB) bool {
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName, req.ClientSoftwareVersion = "kafkit-e2e", "1"
	resp, err := req.RequestWith(context.Background(), Client(t))
	if err != nil {
		t.Fatalf("ApiVersions: %v", err)
	}
	api := false
	for _, k := range resp.ApiKeys {
		api = api || k.ApiKey == kmsg.ConsumerGroupHeartbeat.Int16()
	}
	for _, f := range resp.FinalizedFeatures {
		if f.Name == "group.version" && f.MaxVersionLevel >= 1 {
			return api
		}
	}
	return false
}
