package compat

import (
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func TestParseElection(t *testing.T) {
	for _, c := range []struct {
		args, want string
	}{
		{"--bootstrap-server b --election-type preferred --topic t --partition 2", "PREFERRED [t-2]"},
		{"--bootstrap-server b --election-type UNCLEAN --all-topic-partitions", "UNCLEAN []"},
		{"--topic t --partition 0", "Missing required option(s): bootstrap-server, election-type"},
		{"--bootstrap-server b --election-type x --all-topic-partitions", "Cannot parse argument 'x' of option election-type"},
		{"--bootstrap-server b --election-type preferred", "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file"},
		{"--bootstrap-server b --election-type preferred --topic t", "Missing required option(s): partition"},
		{"--bootstrap-server b --election-type preferred --all-topic-partitions --partition 1", "Option partition is only allowed if topic is used"},
	} {
		p, err := Parse(leaderElectionScript().Options, strings.Fields(c.args))
		if err != nil {
			t.Fatal(err)
		}
		r, err := parseElection(p)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			var tps []string
			for _, tp := range r.parts {
				tps = append(tps, tp.String())
			}
			got = r.name + " [" + strings.Join(tps, " ") + "]"
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.args, got, c.want)
		}
	}
}

func TestParseElectionJSON(t *testing.T) {
	tps, err := parseElectionJSON([]byte(`{"partitions": [{"topic": "a", "partition": 1}, {"topic": "b", "partition": 0}]}`))
	if err != nil || len(tps) != 2 || tps[1].String() != "b-0" {
		t.Errorf("%v %v", tps, err)
	}
	for in, want := range map[string]string{
		`{}`: `Replica election data is missing "partitions" field`,
		`{"partitions": [{"topic": "a", "partition": 1}, {"topic": "a", "partition": 1}]}`: "Replica election data contains duplicate partitions: [a-1]",
		`[`: "the JSON file is not valid JSON",
	} {
		if _, err := parseElectionJSON([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func FuzzParseElectionJSON(f *testing.F) {
	f.Add(`{"partitions": [{"topic": "a", "partition": 1}]}`)
	f.Add(`{"partitions": null}`)
	f.Fuzz(func(t *testing.T, s string) {
		tps, err := parseElectionJSON([]byte(s))
		if err != nil {
			return
		}
		seen := map[topicPartition]bool{}
		for _, tp := range tps {
			if seen[tp] {
				t.Fatalf("duplicate %v accepted", tp)
			}
			seen[tp] = true
		}
	})
}

func TestJavaNameAndLevel(t *testing.T) {
	for in, want := range map[string]string{
		"a=1":  "a 1",
		"a":    "Can't parse feature=level string a: equals sign not found.",
		"a=x":  "Can't parse feature=level string a=x: unable to parse x as a short.",
		"a= 2": "a 2",
	} {
		n, l, err := javaNameAndLevel(in)
		got := n + " " + strconv.Itoa(int(l))
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestFeatureUpdateLine(t *testing.T) {
	u := featureUpdate{"group.version", 1}
	for _, c := range []struct {
		op, err string
		dry     bool
		want    string
	}{
		{"upgrade", "", true, "group.version can be upgraded to 1."},
		{"upgrade", "", false, "group.version was upgraded to 1."},
		{"downgrade", "boom", true, "Can not downgrade group.version to 1. boom"},
		{"disable", "boom", false, "Could not disable group.version. boom"},
		{"disable", "", false, "group.version was disabled."},
	} {
		if got := featureUpdateLine(c.op, u, c.err, c.dry); got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
	}
}

func TestDescribeFeatureLines(t *testing.T) {
	raw := kmsg.NewPtrApiVersionsResponse()
	raw.SupportedFeatures = []kmsg.ApiVersionsResponseSupportedFeature{{Name: "metadata.version", MinVersion: 7, MaxVersion: 27}, {Name: "group.version", MinVersion: 0, MaxVersion: 1}}
	raw.FinalizedFeatures = []kmsg.ApiVersionsResponseFinalizedFeature{{Name: "metadata.version", MaxVersionLevel: 27}}
	raw.FinalizedFeaturesEpoch = 42
	want := "Feature: group.version\tSupportedMinVersion: 0\tSupportedMaxVersion: 1\tFinalizedVersionLevel: 0\tEpoch: 42\n" +
		"Feature: metadata.version\tSupportedMinVersion: 3.3-IV3\tSupportedMaxVersion: 4.1-IV1\tFinalizedVersionLevel: 4.1-IV1\tEpoch: 42\n"
	if got := describeFeatureLines(raw); got != want {
		t.Errorf("got\n%s", got)
	}
}

func TestVersionMappingAndDependencies(t *testing.T) {
	for _, c := range []struct {
		args, out, err string
	}{
		{"version-mapping --release-version 4.0-IV3", "metadata.version=25 (4.0-IV3)\nkraft.version=1\ntransaction.version=2\ngroup.version=1\neligible.leader.replicas.version=0\nshare.version=0\nstreams.version=0\n", ""},
		{"version-mapping --release-version 4.2", "", "Unknown release version '4.2'. Supported versions are: 3.3-IV3 to 4.1-IV1\n"},
		{"feature-dependencies --feature eligible.leader.replicas.version=1", "eligible.leader.replicas.version=1 requires:\n    metadata.version=23 (4.0-IV1)\n", ""},
		{"feature-dependencies --feature group.version=2", "", "No feature:group.version with feature level 2\n"},
	} {
		ios, _, out, errOut := cmdutil.Test()
		p, _ := Parse(featuresScript().Options, strings.Fields(c.args))
		err := featuresRun(t.Context(), &Env{IO: ios}, p)
		if out.String() != c.out || errOut.String() != c.err || (c.err != "") != (err != nil) {
			t.Errorf("%s: %v\nstdout %q\nstderr %q", c.args, err, out, errOut)
		}
	}
}

func TestListEndpoints(t *testing.T) {
	rack := "r1"
	got := listEndpoints([]kmsg.DescribeClusterResponseBroker{
		{NodeID: 2, Host: "kafka-controller-1.example", Port: 9092, Rack: &rack, IsFenced: true},
		{NodeID: 1, Host: "127.0.0.1", Port: 19092},
	})
	want := "ID         HOST                       PORT       RACK       STATE      ENDPOINT_TYPE  \n" +
		"1          127.0.0.1                  19092      null       unfenced   broker         \n" +
		"2          kafka-controller-1.example 9092       r1         fenced     broker         \n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestLogDirsJSON(t *testing.T) {
	d := kmsg.NewDescribeLogDirsResponseDir()
	d.Dir = "/data"
	tp := kmsg.NewDescribeLogDirsResponseDirTopic()
	tp.Topic = "__consumer_offsets"
	for p := int32(0); p < 6; p++ {
		pp := kmsg.NewDescribeLogDirsResponseDirTopicPartition()
		pp.Partition, pp.Size = p, int64(p*10)
		tp.Partitions = append(tp.Partitions, pp)
	}
	other := kmsg.NewDescribeLogDirsResponseDirTopic()
	other.Topic = "x"
	other.Partitions = []kmsg.DescribeLogDirsResponseDirTopicPartition{{Partition: 0, OffsetLag: 3, IsFuture: true}}
	d.Topics = []kmsg.DescribeLogDirsResponseDirTopic{tp, other}
	bad := kmsg.NewDescribeLogDirsResponseDir()
	bad.Dir, bad.ErrorCode = "/bad", 56 // KAFKA_STORAGE_ERROR
	resp := kmsg.NewPtrDescribeLogDirsResponse()
	resp.Dirs = []kmsg.DescribeLogDirsResponseDir{d, bad}
	got, err := logDirsJSON([]int32{1}, map[int32]*kmsg.DescribeLogDirsResponse{1: resp}, []string{"__consumer_offsets"})
	if err != nil {
		t.Fatal(err)
	}
	// Partition order as kafka-log-dirs.sh printed it for this topic on the real cluster.
	want := `{"brokers":[{"broker":1,"logDirs":[{"partitions":[],"error":"org.apache.kafka.common.errors.KafkaStorageException","logDir":"/bad"},` +
		`{"partitions":[{"partition":"__consumer_offsets-0","size":0,"offsetLag":0,"isFuture":false},{"partition":"__consumer_offsets-5","size":50,"offsetLag":0,"isFuture":false},` +
		`{"partition":"__consumer_offsets-3","size":30,"offsetLag":0,"isFuture":false},{"partition":"__consumer_offsets-4","size":40,"offsetLag":0,"isFuture":false},` +
		`{"partition":"__consumer_offsets-1","size":10,"offsetLag":0,"isFuture":false},{"partition":"__consumer_offsets-2","size":20,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/data"}]}],"version":1}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := logDirsBrokers(nil, []int32{9}); err == nil || err.Error() != "ERROR: The given brokers do not exist from --broker-list: 9. Current existent brokers: " {
		t.Errorf("%v", err)
	}
}
