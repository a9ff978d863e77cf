package produce

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// deadlines hands out the contexts that bound each record's delivery (--delivery-timeout):
// records produced within the same tenth of a second share one context, so the bound costs
// no allocation per record. The client fails a record whose context is done when that is
// safe (the record was never sent, or its request was answered), as with delivery.timeout.ms.
type deadlines struct {
	timeout time.Duration
	n       int
	since   time.Time
	ctx     context.Context
	cancels []context.CancelFunc
}

const deadlineBucket = 100 * time.Millisecond

func (d *deadlines) current() context.Context {
	if d.timeout <= 0 {
		return context.Background()
	}
	d.n++
	if d.ctx != nil && d.n%64 != 0 {
		return d.ctx
	}
	now := time.Now()
	if d.ctx == nil || now.Sub(d.since) > deadlineBucket {
		ctx, cancel := context.WithDeadline(context.Background(), now.Add(d.timeout))
		d.ctx, d.since = ctx, now
		d.cancels = append(d.cancels, cancel)
	}
	return d.ctx
}

func (d *deadlines) release() {
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
		"produce request failed with a retryable error, retrying without a metadata update":
		for i := 0; i+1 < len(keyvals); i += 2 {
			if err, ok := keyvals[i+1].(error); ok && keyvals[i] == "err" {
				l.set(err.Error())
			}
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
