package produce

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// deadlines hands out the contexts that bound each record's delivery (--timeout, or
// --delivery-timeout): records produced within the same tenth of a second share one context,
// so the bound costs no allocation and no clock read per record. A ticker advances gen every
// deadlineBucket; a record built after a long wait for buffer space therefore gets a fresh
// context, not one already close to its end. The client fails a record whose context is done
// when that is safe (the record was never sent, or its request was answered), as with
// delivery.timeout.ms.
type deadlines struct {
	timeout time.Duration
	gen     atomic.Uint32 // advanced every deadlineBucket
	seen    uint32        // the gen of ctx
	ctx     context.Context
	cancels []context.CancelFunc
	stop    chan struct{}
}

const deadlineBucket = 100 * time.Millisecond

// newDeadlines starts the ticker (none without a timeout); release stops it.
func newDeadlines(timeout time.Duration) *deadlines {
	d := &deadlines{timeout: timeout}
	if timeout > 0 {
		stop := make(chan struct{})
		d.stop = stop
		go func() {
			t := time.NewTicker(deadlineBucket)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					d.gen.Add(1)
				}
			}
		}()
	}
	return d
}

func (d *deadlines) current() context.Context {
	if d.timeout <= 0 {
		return context.Background()
	}
	if g := d.gen.Load(); d.ctx == nil || g != d.seen {
		ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
		d.ctx, d.seen = ctx, g
		d.cancels = append(d.cancels, cancel)
	}
	return d.ctx
}

func (d *deadlines) release() {
	if d.stop != nil {
		close(d.stop)
		d.stop = nil
	}
	for _, c := range d.cancels {
		c()
	}
}

// retryErrors is a kgo logger that remembers the last error the cluster answered a produce
// request with while the client retried, so that a record that times out can be reported
// with the reason. It reads the client's debug log line for produce responses (cheap: one
// line per request, not per record) and passes everything to inner (-v) when set.
type retryErrors struct {
	inner kgo.Logger
	mu    sync.Mutex
	err   string
}

func (l *retryErrors) Level() kgo.LogLevel { return kgo.LogLevelDebug }

func (l *retryErrors) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	if l.inner != nil {
		l.inner.Log(level, msg, keyvals...)
	}
	switch msg {
	case "produced": // "to": "topic[3{retrying@-1,5(NOT_ENOUGH_REPLICAS: Messages ...)}, ...]"
		for i := 0; i+1 < len(keyvals); i += 2 {
			s, ok := keyvals[i+1].(string)
			if keyvals[i] != "to" || !ok {
				continue
			}
			if j := strings.Index(s, "retrying@"); j >= 0 {
				s = s[j:]
				if a := strings.IndexByte(s, '('); a >= 0 {
					if b := strings.Index(s[a:], ")}"); b >= 0 {
						l.set(s[a+1 : a+b])
					}
				}
			}
		}
	case "produce request failed, triggering metadata update",
		"produce request failed with a retryable error, retrying without a metadata update",
		"producer id initialization resulted in retryable error, discarding initialization attempt",
		"producer id initialization failure, discarding initialization attempt":
		for i := 0; i+1 < len(keyvals); i += 2 {
			err, ok := keyvals[i+1].(error)
			if !ok || keyvals[i] != "err" || errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed) {
				continue // kafkit stopping the client is not the cluster's reason
			}
			l.set(err.Error())
		}
	}
}

func (l *retryErrors) set(s string) {
	l.mu.Lock()
	l.err = s
	l.mu.Unlock()
}

func (l *retryErrors) last() string {
	if l == nil {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}
