package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/text"
)

// describeProduceErr words the client's errors for a person; last is the last error seen
// while retrying, the reason a record timed out; within names the bound ("--timeout 10s").
func describeProduceErr(err error, last, within string) error {
	switch {
	case isTimeout(err):
		msg := "not acknowledged within " + within
		if _, l, ok := strings.Cut(err.Error(), "last err: "); ok {
			last = l
		}
		if last != "" {
			msg += " (last error: " + last + ")"
		}
		return errors.New(msg)
	case errors.Is(err, kgo.ErrClientClosed), errors.Is(err, context.Canceled):
		return errors.New("not acknowledged before kafkit stopped")
	}
	return err
}

// isTimeout reports whether a record failed for want of an acknowledgement in time.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrRecordTimeout)
}

func hint(err error, last, topic string) string {
	timedOut := isTimeout(err)
	switch {
	case errors.Is(err, kerr.NotEnoughReplicas), errors.Is(err, kerr.NotEnoughReplicasAfterAppend),
		timedOut && strings.HasPrefix(last, "NOT_ENOUGH_REPLICAS"):
		return fmt.Sprintf("fewer in-sync replicas than min.insync.replicas of %s are up: check the brokers (kafkit cluster info), or produce with --acks 1 if losing records is acceptable", topic)
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return fmt.Sprintf("the broker refused a batch as too large: lower --batch-max-bytes or raise max.message.bytes of %s", topic)
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return fmt.Sprintf("this user may not write to %s: ask for a WRITE ACL on the topic", topic)
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		// InitProducerId of the idempotent producer: the broker wants WRITE on some topic or
		// IDEMPOTENT_WRITE on the cluster, and the user has neither.
		return fmt.Sprintf("this user may write to no topic, so the broker gave the (idempotent) producer no producer id: ask for a WRITE ACL on %s", topic)
	case timedOut:
		return "records time out when brokers are down or overloaded: check the brokers (kafkit cluster info), or give each record longer with --delivery-timeout (e.g. 2m)"
	}
	return ""
}

// writeSummary prints the one-line summary: records, bytes, partitions, time, rates.
func writeSummary(w io.Writer, topic string, res result, interrupted bool) {
	secs := res.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	verb := "produced"
	if interrupted {
		verb = "delivered before the interrupt:"
	}
	fmt.Fprintf(w, "%s %d %s (%s) to %s: %d %s, %s, %.0f records/s, %.1f MB/s",
		verb, res.Delivered, text.Plural(int(res.Delivered), "record"), humanBytes(res.Bytes), topic, res.Partitions, text.Plural(res.Partitions, "partition"),
		res.Elapsed.Round(time.Millisecond), float64(res.Delivered)/secs, float64(res.Bytes)/1e6/secs)
	if res.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", res.Failed)
	}
	fmt.Fprintln(w)
}

// writeFailures names failed records (the first few, with their lines) and hints; it returns
// whether any record failed.
func writeFailures(w io.Writer, topic string, res result) bool {
	if res.Failed == 0 {
		return false
	}
	fmt.Fprintf(w, "error: %d of %d records were not delivered to %s (%d delivered):\n", res.Failed, res.Sent, topic, res.Delivered)
	for _, f := range res.Failures {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if more := res.Failed - int64(len(res.Failures)); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
	for _, h := range res.Hints {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
	return true
}

// writeSkipped reports lines skipped under --skip-invalid.
func writeSkipped(w io.Writer, r *runner) {
	r.skipMu.Lock()
	defer r.skipMu.Unlock()
	if r.skipped == 0 {
		return
	}
	fmt.Fprintf(w, "warning: skipped %d invalid %s (--skip-invalid):\n", r.skipped, text.Plural(int(r.skipped), "line"))
	for _, s := range r.skipFirst {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if more := r.skipped - int64(len(r.skipFirst)); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
