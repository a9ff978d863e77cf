package group

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// Share groups (KIP-932): described with ShareGroupDescribe, their offsets are the
// share-partition start offsets of DescribeShareGroupOffsets (one request per coordinator for
// every share group), not commits. Lag is what the broker reports (v1, Kafka 4.2+) or, on
// older brokers, the log end offset minus the start offset: every record at or after the start
// offset that the group has not acknowledged yet is counted, plus the acknowledged ones above
// it not yet passed (an upper bound; the start offset moves when the records below are done).

// applyNew fills a share or streams group from its describe answer, or sets g.Err.
func (d *described) applyNew(n string, g *groupInfo) {
	switch g.Type {
	case "share":
		dg, ok := d.share[n]
		switch {
		case !ok:
			g.Err = d.missing[n]
		case dg.Err != nil || dg.GroupState == "Dead":
			g.Err = describedErr(dg.Err, "")
		default:
			applyShare(g, dg)
		}
	case "streams":
		dg, ok := d.streams[n]
		switch {
		case !ok:
			g.Err = d.missing[n]
		case dg.Err != nil || dg.State == "Dead":
			g.Err = describedErr(dg.Err, dg.ErrMessage)
		default:
			applyStreams(g, dg)
		}
	}
}

func applyShare(g *groupInfo, d kadm.DescribedShareGroup) {
	g.State, g.Assignor, g.ProtocolType = d.GroupState, d.Assignor, "share"
	g.Coordinator, g.CoordinatorAddr = d.Coordinator.NodeID, fmt.Sprintf("%s:%d", d.Coordinator.Host, d.Coordinator.Port)
	for _, m := range d.Members {
		mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
		for t, ps := range m.Assignment {
			if t == "" {
				continue
			}
			for p := range ps {
				mi.Assigned[t] = append(mi.Assigned[t], p)
			}
			mi.Assigned[t] = sortedPartitions(mi.Assigned[t])
		}
		g.Members = append(g.Members, mi)
	}
}

// fetchShareOffsets reads the start offsets of every share group in groups (one
// DescribeShareGroupOffsets per coordinator), retrying groups whose coordinator is not ready.
func fetchShareOffsets(ctx context.Context, adm *cmdutil.Admin, groups []*groupInfo) {
	var pending []string
	for _, g := range groups {
		if g.Err == nil && g.Type == "share" {
			pending = append(pending, g.Name)
		}
	}
	if len(pending) == 0 {
		return
	}
	fetched := kadm.DescribedShareGroupsOffsets{}
	var reqErr error
	retryCoordinator(ctx, func() bool {
		var got kadm.DescribedShareGroupsOffsets
		got, reqErr = adm.DescribeShareGroupOffsets(ctx, pending...)
		var again []string
		for _, n := range pending {
			r, ok := got[n]
			if ok {
				fetched[n] = r
			}
			if (ok && isCoordinatorErr(r.Err)) || (!ok && isCoordinatorErr(reqErr)) {
				again = append(again, n)
			}
		}
		pending = again
		return len(pending) > 0
	})
	for _, g := range groups {
		if g.Err == nil && g.Type == "share" {
			applyShareOffsets(g, fetched, reqErr)
		}
	}
}

// applyShareOffsets turns a group's share offsets into g.Commits (the start offsets; -1 when
// the partition has no share state yet) and g.ShareLag.
func applyShareOffsets(g *groupInfo, fetched kadm.DescribedShareGroupsOffsets, reqErr error) {
	f, ok := fetched[g.Name]
	switch {
	case !ok && reqErr != nil:
		g.CommitErr = fmt.Errorf("DescribeShareGroupOffsets: %w", reqErr)
		return
	case !ok:
		g.CommitErr = errors.New("the coordinator did not answer DescribeShareGroupOffsets")
		return
	case f.Err != nil:
		g.CommitErr = f.Err
		return
	}
	g.Commits = kadm.OffsetResponses{}
	for t, ps := range f.Offsets {
		for p, o := range ps {
			g.Commits.Add(kadm.OffsetResponse{Offset: kadm.Offset{Topic: t, Partition: p, At: o.StartOffset, LeaderEpoch: o.LeaderEpoch}, Err: o.Err})
			if o.Lag >= 0 && o.Err == nil && o.StartOffset >= 0 {
				if g.ShareLag == nil {
					g.ShareLag = map[tp]int64{}
				}
				g.ShareLag[tp{t, p}] = o.Lag
			}
		}
	}
}

// shareLags adjusts the rows partitionLags computed for a share group: the broker's lag where
// it reports one, and notes that speak of share-partition state rather than commits.
func shareLags(g *groupInfo, rows []PartitionLag) []PartitionLag {
	for i := range rows {
		r := &rows[i]
		if l, ok := g.ShareLag[tp{r.Topic, r.Partition}]; ok {
			r.Lag = ptr(l)
		} else if r.Lag != nil && *r.Lag > 0 && r.CurrentOffset != nil && r.Note == "" {
			r.Note = shareUpperBound
		}
		if r.CurrentOffset == nil && r.Error == "" && r.LogEndOffset != nil {
			// Where the group will start is share.auto.offset.reset's (latest by default), not
			// the log start: the lag is unknown, as kafka-share-groups.sh shows it ("-").
			r.Lag = nil
			r.Note = "no share-partition start offset yet (the group starts at share.auto.offset.reset, latest by default)"
		}
	}
	return rows
}

// groupLags is the partition rows of g: partitionLags, adjusted for share groups (shareLags;
// a share partition is read by several members at once, so no single consumer is named).
func (s *snapshot) groupLags(g *groupInfo, topics map[string]bool, excludeUncommitted bool) []PartitionLag {
	rows := partitionLags(s.lagInput(g, topics, excludeUncommitted))
	if g.Type != "share" {
		return rows
	}
	for i := range rows {
		rows[i].ConsumerID, rows[i].Host, rows[i].ClientID = "", "", ""
	}
	return shareLags(g, rows)
}

// shareUpperBound notes a share lag computed by kafkit: Kafka before 4.2 reports none, and its
// start offset does not always advance when every record above it is acknowledged.
const shareUpperBound = "at most: log end - start offset (the broker reports no share lag before Kafka 4.2; acknowledged records above the start offset are counted)"

// warnShareUpperBound says once per group when its share lag is only an upper bound.
func warnShareUpperBound(w io.Writer, per map[string][]PartitionLag) {
	var names []string
	for g, rows := range per {
		for _, r := range rows {
			if r.Note == shareUpperBound {
				names = append(names, g)
				break
			}
		}
	}
	sort.Strings(names)
	for _, g := range names {
		fmt.Fprintf(w, "warning: share group %q: its lag is an upper bound (log end - start offset): brokers before Kafka 4.2 do not report share-group lag\n", text.Safe(g))
	}
}
