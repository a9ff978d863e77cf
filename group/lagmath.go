package group

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/txnstate"
)

// PartitionLag is one partition of one group: the kafka-consumer-groups --describe row plus what
// kafkit adds (log start, time lag, a note on anything unusual). Pointers are null when there is
// no value (no commit, offsets not available).
type PartitionLag struct {
	Topic          string `json:"topic"`
	Partition      int32  `json:"partition"`
	CurrentOffset  *int64 `json:"current_offset"`
	LogStartOffset *int64 `json:"log_start_offset"`
	LogEndOffset   *int64 `json:"log_end_offset"`
	Lag            *int64 `json:"lag"`
	ConsumerID     string `json:"consumer_id,omitempty"`
	Host           string `json:"host,omitempty"`
	ClientID       string `json:"client_id,omitempty"`
	// TimeLagMs is now minus the timestamp of the first record the group has not consumed
	// (lag command only); null when caught up or unknown.
	TimeLagMs *int64 `json:"time_lag_ms,omitempty"`
	// HeldByTxn: the group has read up to the last stable offset and an open transaction holds
	// it below the log end (lag command only).
	HeldByTxn *txnstate.Hold `json:"held_by_txn,omitempty"`
	Note      string         `json:"note,omitempty"`
	Error     string         `json:"error,omitempty"`
}

// assignment is who consumes a partition now.
type assignment struct {
	MemberID, ClientID, Host string
}

// tp is a topic partition.
type tp struct {
	Topic     string
	Partition int32
}

// lagInput is everything one group's partition rows are computed from. Commits and the listed
// offsets are kadm results; OffsetErrs holds per-partition failures of the offset listings (a
// partition without a leader), TopicErrs topic-level ones (a deleted topic).
type lagInput struct {
	Commits    kadm.OffsetResponses
	Assigned   map[tp]assignment
	Start, End kadm.ListedOffsets
	OffsetErrs map[tp]error
	TopicErrs  map[string]error
	// Topics, when not nil, keeps only these topics (--topic).
	Topics map[string]bool
	// ExcludeUncommitted leaves the lag of partitions without a commit unknown (null, not
	// counted) instead of log end - log start (--exclude-uncommitted).
	ExcludeUncommitted bool
}

// partitionLags turns one group's commits and the partitions' start and end offsets into rows,
// sorted by topic and partition. Every partition of every topic the group consumes (has a
// commit on, or is assigned) is shown, so records on a partition the group never committed
// are accounted for (issue 17 #4). Rules (tested in lagmath_test.go):
//   - lag = end - max(commit, log start): records deleted by retention before being consumed
//     cannot be consumed any more, so they are not lag (a note says how many were lost);
//   - a commit beyond the log end (the topic was recreated or truncated) is lag 0 with a note;
//   - no commit: lag = end - log start, what a consumer reset to earliest reads, with a note
//     (ExcludeUncommitted: unknown, shown as "-", not counted);
//   - a missing end offset (deleted topic, no leader) leaves lag unknown with the reason.
func partitionLags(in lagInput) []PartitionLag {
	set := map[tp]bool{}
	for t, ps := range in.Commits {
		for p := range ps {
			set[tp{t, p}] = true
		}
	}
	for k := range in.Assigned {
		set[k] = true
	}
	for _, t := range topicsOf(set) {
		for _, l := range []kadm.ListedOffsets{in.Start, in.End} {
			for p := range l[t] {
				if p >= 0 {
					set[tp{t, p}] = true
				}
			}
		}
	}
	keys := make([]tp, 0, len(set))
	for k := range set {
		if in.Topics == nil || in.Topics[k.Topic] {
			keys = append(keys, k)
		}
	}
	sortTPs(keys)
	rows := make([]PartitionLag, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, partitionLag(in, k))
	}
	return rows
}

// topicsOf is the topics of a set of partitions, sorted.
func topicsOf(set map[tp]bool) []string {
	seen := map[string]bool{}
	var out []string
	for k := range set {
		if !seen[k.Topic] {
			seen[k.Topic] = true
			out = append(out, k.Topic)
		}
	}
	sort.Strings(out)
	return out
}

func partitionLag(in lagInput, k tp) PartitionLag {
	r := PartitionLag{Topic: k.Topic, Partition: k.Partition}
	if a, ok := in.Assigned[k]; ok {
		r.ConsumerID, r.ClientID, r.Host = a.MemberID, a.ClientID, a.Host
	}
	var problems []string
	commitErr := false
	if c, ok := in.Commits.Lookup(k.Topic, k.Partition); ok {
		if c.Err != nil {
			problems = append(problems, "committed offset: "+errText(c.Err))
			commitErr = true
		} else if c.At >= 0 {
			r.CurrentOffset = ptr(c.At)
		}
	}
	if err := in.TopicErrs[k.Topic]; err != nil {
		if isUnknownTopic(err) {
			r.Note = "topic does not exist (deleted?)"
		} else {
			problems = append(problems, "topic: "+errText(err))
		}
		r.Error = strings.Join(problems, "; ")
		return r
	}
	start, serr := listed(in.Start, in.OffsetErrs, k)
	end, eerr := listed(in.End, in.OffsetErrs, k)
	if serr == nil {
		r.LogStartOffset = ptr(start)
	}
	if eerr != nil {
		problems = append(problems, "log end offset: "+errText(eerr))
	} else {
		r.LogEndOffset = ptr(end)
	}
	switch {
	case eerr != nil:
	case r.CurrentOffset != nil:
		r.Lag, r.Note = committedLag(*r.CurrentOffset, start, end, serr == nil)
	case commitErr:
	case in.ExcludeUncommitted:
		r.Note = "no commit: not counted (--exclude-uncommitted)"
	case serr != nil:
		problems = append(problems, "log start offset: "+errText(serr))
	default:
		r.Lag = ptr(max(end-start, 0))
		if *r.Lag > 0 {
			r.Note = fmt.Sprintf("no commit: %d records from the log start (what a consumer reset to earliest reads)", *r.Lag)
		} else {
			r.Note = "no commit (no records)"
		}
	}
	r.Error = strings.Join(problems, "; ")
	return r
}

// committedLag is the lag from a commit and a note when it needs explaining.
func committedLag(commit, start, end int64, haveStart bool) (*int64, string) {
	from, note := commit, ""
	switch {
	case commit > end:
		note = fmt.Sprintf("commit is %d past the log end (topic recreated or truncated?)", commit-end)
	case haveStart && commit < start:
		from = start
		note = fmt.Sprintf("%d records deleted before being consumed", start-commit)
	}
	return ptr(max(end-from, 0)), note
}

// position is where the group resumes on r's partition: its commit, or the log start when
// retention deleted past it or it has no commit (the lag rule above). ok is false when the
// partition has no counted lag.
func position(r PartitionLag) (int64, bool) {
	if r.Lag == nil || *r.Lag == 0 {
		return 0, false
	}
	switch {
	case r.CurrentOffset == nil && r.LogStartOffset == nil:
		return 0, false
	case r.CurrentOffset == nil:
		return *r.LogStartOffset, true
	case r.LogStartOffset != nil && *r.CurrentOffset < *r.LogStartOffset:
		return *r.LogStartOffset, true
	}
	return *r.CurrentOffset, true
}

// listed finds a partition's offset in a listing; a partition missing from it gets the shard
// error that explains why, or a generic one.
func listed(l kadm.ListedOffsets, errs map[tp]error, k tp) (int64, error) {
	if o, ok := l.Lookup(k.Topic, k.Partition); ok {
		if o.Err != nil {
			return -1, o.Err
		}
		return o.Offset, nil
	}
	if err := errs[k]; err != nil {
		return -1, err
	}
	if o, ok := l.Lookup(k.Topic, -1); ok && o.Err != nil {
		return -1, o.Err
	}
	return -1, errors.New("partition not in the cluster's metadata")
}

func isUnknownTopic(err error) bool {
	return errors.Is(err, kerr.UnknownTopicOrPartition) || errors.Is(err, kerr.UnknownTopicID)
}

// lagSummary sums the rows of one group and topic.
type lagSummary struct {
	Partitions      int
	Lagging         int
	Unknown         int
	Uncommitted     int // partitions with no commit (their lag counts from the log start)
	TotalLag        int64
	MaxLag          int64
	MaxLagPartition int32
	MaxTimeLagMs    *int64
}

func summarize(rows []PartitionLag) lagSummary {
	s := lagSummary{MaxLagPartition: -1}
	for _, r := range rows {
		s.Partitions++
		if r.CurrentOffset == nil && r.LogEndOffset != nil {
			s.Uncommitted++
		}
		if r.Lag == nil {
			s.Unknown++
		} else {
			s.TotalLag += *r.Lag
			if *r.Lag > 0 {
				s.Lagging++
			}
			if *r.Lag > s.MaxLag || (*r.Lag == s.MaxLag && *r.Lag > 0 && r.Partition < s.MaxLagPartition) {
				s.MaxLag, s.MaxLagPartition = *r.Lag, r.Partition
			}
		}
		if r.TimeLagMs != nil && (s.MaxTimeLagMs == nil || *r.TimeLagMs > *s.MaxTimeLagMs) {
			s.MaxTimeLagMs = ptr(*r.TimeLagMs)
		}
	}
	return s
}

// applyTimeLag sets TimeLagMs on lagging rows from the timestamps of the first unconsumed
// records (keyed by topic, partition and committed offset); a lagging row whose record could
// not be read keeps a null time lag.
func applyTimeLag(rows []PartitionLag, ts map[tpo]int64, now time.Time) {
	for i := range rows {
		r := &rows[i]
		from, ok := position(*r)
		if !ok {
			continue
		}
		t, ok := ts[tpo{r.Topic, r.Partition, from}]
		switch {
		case !ok:
		case t == noRecord:
			// Only transaction markers are left (the offset lag counts them): nothing to wait for.
			r.TimeLagMs = ptr[int64](0)
		default:
			r.TimeLagMs = ptr(timeLag(t, now))
		}
	}
}

// tpo is a position: a topic, partition and offset.
type tpo struct {
	Topic     string
	Partition int32
	Offset    int64
}

// timeLag is now minus a record timestamp (unix ms), never negative (clocks disagree).
func timeLag(tsMillis int64, now time.Time) int64 {
	d := now.UnixMilli() - tsMillis
	if d < 0 {
		return 0
	}
	return d
}

// formatAge renders a time lag for a table: "-" for none, then 850ms, 12.3s, 4m05s, 2h07m,
// 3d04h.
func formatAge(ms *int64) string {
	if ms == nil {
		return "-"
	}
	d := time.Duration(*ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", *ms)
	case d < time.Minute:
		return fmt.Sprintf("%d.%ds", *ms/1000, *ms%1000/100) // truncated: 59.99s is not 60.0s
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
}
