package produce

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestDeadlinesShareABucket(t *testing.T) {
	var none deadlines
	if none.current().Done() != nil {
		t.Fatal("no --delivery-timeout: the context must never end")
	}
	d := &deadlines{timeout: 50 * time.Millisecond}
	defer d.release()
	first := d.current()
	for range 1000 {
		if d.current() != first {
			t.Fatal("records produced together must share one context")
		}
	}
	<-first.Done() // the deadline passes
	time.Sleep(deadlineBucket)
	var later = first
	for range 64 {
		later = d.current()
	}
	if later == first || later.Err() != nil {
		t.Fatalf("a new bucket was not started after the old one expired")
	}
	if len(d.cancels) != 2 {
		t.Errorf("%d contexts made, want 2", len(d.cancels))
	}
}

func TestRetryErrorsReadsTheProduceLog(t *testing.T) {
	l := &retryErrors{}
	l.Log(kgo.LogLevelDebug, "produced", "broker", "1", "to", "t[0{retrying@-1,5(NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required.)}]")
	if got := l.last(); got != "NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required." {
		t.Errorf("last = %q", got)
	}
	l.Log(kgo.LogLevelDebug, "produced", "broker", "1", "to", "t[0{0=>5}]") // a success keeps the last error
	l.Log(kgo.LogLevelInfo, "produce request failed, triggering metadata update", "broker", "2", "err", errString("dial tcp 127.0.0.1:29092: connect: connection refused"))
	if got := l.last(); got != "dial tcp 127.0.0.1:29092: connect: connection refused" {
		t.Errorf("last = %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestBufPool(t *testing.T) {
	b := getBuf(100_000)
	if cap(b) != 1<<17 || len(b) != 0 {
		t.Fatalf("cap %d len %d", cap(b), len(b))
	}
	putBuf(append(b, 1, 2, 3))
	putBuf(make([]byte, 100)) // not from the pool's classes: ignored
	if c := getBuf(70_000); cap(c) != 1<<17 {
		t.Errorf("cap %d", cap(c))
	}
}
