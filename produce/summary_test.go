package produce

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestProgressLine(t *testing.T) {
	got := progressLine(50e6, 100e6, 400000, 2*time.Second)
	want := " 50% [===============>              ] 50.0 MB / 100.0 MB  400000 records  200000 records/s"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := progressLine(100, 100, 1, time.Second); got != "100% [==============================] 100 B / 100 B  1 records  1 records/s" {
		t.Errorf("full: %q", got)
	}
}

func TestWriteSummaryAndFailures(t *testing.T) {
	var b bytes.Buffer
	res := result{Sent: 10, Delivered: 8, Failed: 2, Bytes: 2_500_000, Partitions: 1, Elapsed: 2 * time.Second,
		Failures: []string{"line 3: X", "line 9: Y"}, Hints: []string{"do this"}}
	writeSummary(&b, "orders", res, false)
	if failed := writeFailures(&b, "orders", res); !failed {
		t.Error("writeFailures said no failure")
	}
	want := `produced 8 records (2.5 MB) to orders: 1 partition, 2s, 4 records/s, 1.2 MB/s, 2 failed
error: 2 of 10 records were not delivered to orders (8 delivered):
  line 3: X
  line 9: Y
hint: do this
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestDescribeProduceErr(t *testing.T) {
	tests := []struct {
		err  error
		last string
		want string
		hint string
	}{
		{kgo.ErrRecordTimeout, "NOT_ENOUGH_REPLICAS: few", "not acknowledged within --timeout 5s (last error: NOT_ENOUGH_REPLICAS: few)", "fewer in-sync replicas"},
		{errors.New("ctx: " + "context deadline exceeded"), "", "ctx: context deadline exceeded", ""},
		{kgo.ErrClientClosed, "", "not acknowledged before kafkit stopped", ""},
		{kerr.MessageTooLarge, "", kerr.MessageTooLarge.Error(), "the broker refused a batch as too large"},
		{kerr.ClusterAuthorizationFailed, "", kerr.ClusterAuthorizationFailed.Error(), "ask for a WRITE ACL on t"},
	}
	for _, tt := range tests {
		if got := describeProduceErr(tt.err, tt.last, "--timeout 5s").Error(); got != tt.want {
			t.Errorf("describe(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if h := hint(tt.err, tt.last, "t"); (tt.hint == "") != (h == "") || !bytes.Contains([]byte(h), []byte(tt.hint)) {
			t.Errorf("hint(%v) = %q, want %q...", tt.err, h, tt.hint)
		}
	}
}
