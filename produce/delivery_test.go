package produce

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/testkit"
)

func TestDeadlinesShareABucket(t *testing.T) {
	var none deadlines
	if none.current().Done() != nil {
		t.Fatal("no delivery timeout: the context must never end")
	}
	d := &deadlines{timeout: 50 * time.Millisecond} // no ticker: the test advances gen
	defer d.release()
	first := d.current()
	for range 1000 {
		if d.current() != first {
			t.Fatal("records produced together must share one context")
		}
	}
	<-first.Done() // the deadline passes
	if d.current() != first {
		t.Fatal("a new context before the bucket ended")
	}
	d.gen.Add(1) // a tick: the next record gets a context of its own
	later := d.current()
	if later == first || later.Err() != nil {
		t.Fatalf("a new bucket was not started after the tick")
	}
	if len(d.cancels) != 2 {
		t.Errorf("%d contexts made, want 2", len(d.cancels))
	}
	// The ticker advances gen every deadlineBucket.
	ticking := newDeadlines(time.Second)
	defer ticking.release()
	time.Sleep(3 * deadlineBucket)
	if g := ticking.gen.Load(); g < 1 {
		t.Errorf("gen %d after 3 buckets", g)
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

// TestRetryErrorsReadsKgoItself pins the reason a timed-out record is reported with: it is read
// from kgo's debug log line for produce responses ("produced" ... "to" "t[0{retrying@...(ERR)}]")
// and from its "produce request failed" lines. This drives the real client against kfake, so a
// kgo upgrade that rewords those lines fails here instead of silently dropping the reason.
func TestRetryErrorsReadsKgoItself(t *testing.T) {
	t.Run("NOT_ENOUGH_REPLICAS from the broker", func(t *testing.T) {
		c := testkit.Cluster(t)
		if err := c.CreateTopic("t", 1, nil); err != nil {
			t.Fatal(err)
		}
		failProduce(c, kerr.NotEnoughReplicas.Code, true)
		l := produceOnce(t, c)
		if got, want := l.last(), kerr.NotEnoughReplicas.Error(); got != want {
			t.Errorf("reason read from kgo's log = %q, want %q", got, want)
		}
	})
	t.Run("COORDINATOR_LOAD_IN_PROGRESS for the producer ID", func(t *testing.T) {
		c := testkit.Cluster(t)
		if err := c.CreateTopic("t", 1, nil); err != nil {
			t.Fatal(err)
		}
		c.ControlKey(int16(kmsg.InitProducerID), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			resp := kreq.ResponseKind().(*kmsg.InitProducerIDResponse)
			resp.ErrorCode = kerr.CoordinatorLoadInProgress.Code
			return resp, nil, true
		})
		if got, want := produceOnce(t, c).last(), kerr.CoordinatorLoadInProgress.Error(); got != want {
			t.Errorf("reason read from kgo's log = %q, want %q", got, want)
		}
	})
	t.Run("connection dropped", func(t *testing.T) {
		c := testkit.Cluster(t)
		if err := c.CreateTopic("t", 1, nil); err != nil {
			t.Fatal(err)
		}
		c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			return nil, errors.New("gone"), true
		})
		if got := produceOnce(t, c).last(); got == "" || strings.Contains(got, "NOT_ENOUGH") {
			t.Errorf("reason read from kgo's log = %q, want the connection error", got)
		}
	})
}

// produceOnce produces one record through a kgo client logging into a retryErrors, until the
// logger has a reason (at most 5s), and returns the logger.
func produceOnce(t *testing.T, c *kfake.Cluster) *retryErrors {
	t.Helper()
	var inner bytes.Buffer
	var mu sync.Mutex
	l := &retryErrors{inner: kgo.BasicLogger(lockedWriter{&mu, &inner}, kgo.LogLevelDebug, nil)}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("t"), kgo.WithLogger(l))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cl.Produce(context.Background(), &kgo.Record{Value: []byte("v")}, nil)
	for deadline := time.Now().Add(5 * time.Second); l.last() == "" && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(inner.String(), "produce") {
		t.Errorf("the -v logger saw no produce lines:\n%s", inner.String())
	}
	return l
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
