package broker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

func sampleDirs() kadm.DescribedAllLogDirs {
	p := func(t string, n int32, size, lag int64, future bool) kadm.DescribedLogDirPartition {
		return kadm.DescribedLogDirPartition{Broker: 1, Dir: "/data", Topic: t, Partition: n, Size: size, OffsetLag: lag, IsFuture: future}
	}
	return kadm.DescribedAllLogDirs{
		1: {
			"/data": {Broker: 1, Dir: "/data", TotalBytes: 100e9, UsableBytes: 40e9, Topics: kadm.DescribedLogDirTopics{
				"a": {0: p("a", 0, 10, 0, false), 1: p("a", 1, 3000, 0, false)},
				"b": {0: p("b", 0, 2500, 7, true)},
			}},
			"/bad": {Broker: 1, Dir: "/bad", TotalBytes: -1, UsableBytes: -1, Err: errors.New("KAFKA_STORAGE_ERROR")},
		},
	}
}

func TestLogDirsView(t *testing.T) {
	view := logDirsView(sampleDirs(), map[int32]error{2: errors.New("i/o timeout")}, nil)
	if len(view) != 2 || view[0].Broker != 1 || view[0].SizeBytes != 5510 || view[0].Replicas != 3 || view[0].OfflineDirs != 1 || view[1].Error != "i/o timeout" {
		t.Fatalf("%+v", view)
	}
	d := view[0].Dirs[1]
	if d.Dir != "/data" || d.Replicas[0].Topic != "a" || d.Replicas[0].Partition != 1 || d.Replicas[1].Topic != "b" || !d.Replicas[1].IsFuture || d.Replicas[2].SizeBytes != 10 {
		t.Errorf("sorted by size: %+v", d.Replicas)
	}
	only := logDirsView(sampleDirs(), nil, []string{"b"})
	if only[0].SizeBytes != 2500 || only[0].Replicas != 1 {
		t.Errorf("--topic b: %+v", only)
	}
}

func TestLogDirsTable(t *testing.T) {
	var b strings.Builder
	view := logDirsView(sampleDirs(), map[int32]error{2: errors.New("i/o timeout")}, nil)
	if err := (output.Printer{Format: output.Table}).Print(&b, view, func(tx *output.Text) error { return logDirsTable(tx, view, false) }); err != nil {
		t.Fatal(err)
	}
	want := `BROKER   DIR     STATUS                         TOTAL      USABLE    DATA     REPLICAS
1        /bad    offline: KAFKA_STORAGE_ERROR   -          -         0 B      0
1        /data   online                         100.0 GB   40.0 GB   5.5 kB   3
2        -       no answer                      -          -         -        -

BROKER   DIR     TOPIC   PARTITION   SIZE     OFFSET-LAG   FUTURE
1        /data   a       1           3.0 kB   0            no
1        /data   b       0           2.5 kB   7            yes
1        /data   a       0           10 B     0            no
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := (output.Printer{Format: output.Table}).Print(&b, view, func(tx *output.Text) error { return logDirsTable(tx, view, true) }); err != nil {
		t.Fatal(err)
	}
	summary := `BROKER   DIRS   OFFLINE   DATA        REPLICAS
1        2      1         5.5 kB      3
2        -      -         no answer   -

BROKER   DIR     STATUS                         TOTAL      USABLE    DATA     REPLICAS
1        /bad    offline: KAFKA_STORAGE_ERROR   -          -         0 B      0
1        /data   online                         100.0 GB   40.0 GB   5.5 kB   3
2        -       no answer                      -          -         -        -
`
	if b.String() != summary {
		t.Errorf("summary:\n%s", b.String())
	}
	ios, _, _, errOut := cmdutil.Test()
	if err := logDirsFailures(ios, view); cmdutil.ExitCode(err) != 1 || !strings.Contains(errOut.String(), "broker 2 did not answer") || !strings.Contains(errOut.String(), "/bad is offline") {
		t.Errorf("%v %q", err, errOut)
	}
}

func TestLogDirsRunUnknownBroker(t *testing.T) {
	env := testkit.Factory(t, testkit.Cluster(t))
	opts := &logDirsOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Brokers: []int32{9}}
	err := logDirsRun(context.Background(), opts)
	if !cmdutil.IsUsage(err) || err.Error() != "broker 9 is not in the cluster (brokers: 0, 1, 2)" || env.Out.Len() != 0 {
		t.Errorf("%v / %q", err, env.Out)
	}
}
