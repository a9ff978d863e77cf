package group

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// The batched collection behind list, describe and lag. Whatever the number of groups, it sends
// one ListGroups per broker, one DescribeGroups and one ConsumerGroupDescribe per coordinator,
// one OffsetFetch per coordinator (all groups in one request, KIP-709) and, for the start and
// end offsets of every topic involved, one Metadata and one ListOffsets per partition leader.
// Per-group round trips are what make kafka-consumer-groups --all-groups slow. Coordinator
// errors are retried within the timeout (retry.go).

// collectOptions says what to collect.
type collectOptions struct {
	Names   []string // groups named by the user; ignored with All
	All     bool
	Offsets bool            // also commits and start/end offsets
	Topics  map[string]bool // with Offsets: only these topics (nil: all)
	Types   []string        // with All: ask the brokers for these group types only (ListGroups v5)
}

// groupInfo is one group as collected.
type groupInfo struct {
	Name            string
	Type            string // classic, consumer, share, streams ("classic" when the broker does not say)
	ProtocolType    string // classic groups: "consumer", "connect", ...
	State           string
	Assignor        string
	Coordinator     int32
	CoordinatorAddr string
	Members         []memberInfo
	Err             error                // the group could not be described
	Commits         kadm.OffsetResponses // share groups: the share-partition start offsets
	CommitErr       error
	// Share groups: the lag the broker reports per partition (DescribeShareGroupOffsets v1+,
	// Kafka 4.2+); nil on older brokers, where lag is computed from the start offset.
	ShareLag map[tp]int64
	// Streams groups: the topology and the members' tasks (streams.go).
	Streams *streamsInfo
}

// memberInfo is one member and its current assignment.
type memberInfo struct {
	MemberID   string             `json:"consumer_id"`
	InstanceID string             `json:"instance_id,omitempty"`
	ClientID   string             `json:"client_id"`
	Host       string             `json:"host"`
	Assigned   map[string][]int32 `json:"assignment"`
	// Streams group members: their tasks (subtopology id -> partitions).
	Tasks *memberTasks `json:"tasks,omitempty"`
}

// snapshot is one collection: the groups, sorted by name, and the offsets of their topics.
type snapshot struct {
	At         time.Time
	Groups     []*groupInfo
	NotFound   []string
	Start, End kadm.ListedOffsets
	OffsetErrs map[tp]error
	TopicErrs  map[string]error
	Warnings   []string
}

// assignedMap is who consumes each partition of g.
func (g *groupInfo) assignedMap() map[tp]assignment {
	m := map[tp]assignment{}
	for _, mem := range g.Members {
		for t, ps := range mem.Assigned {
			for _, p := range ps {
				m[tp{t, p}] = assignment{MemberID: mem.MemberID, ClientID: mem.ClientID, Host: mem.Host}
			}
		}
	}
	return m
}

// lagInput assembles the pure lag computation's input for g from a snapshot.
func (s *snapshot) lagInput(g *groupInfo, topics map[string]bool, excludeUncommitted bool) lagInput {
	return lagInput{Commits: g.Commits, Assigned: g.assignedMap(), Start: s.Start, End: s.End,
		OffsetErrs: s.OffsetErrs, TopicErrs: s.TopicErrs, Topics: topics, ExcludeUncommitted: excludeUncommitted}
}

// collect gathers groups (and with Offsets their offsets) in a constant number of round trips.
// Named groups that do not exist are listed in NotFound; partial failures (a broker down) are
// kept per item or as warnings; only a failure that leaves nothing to show is returned.
func collect(ctx context.Context, adm *cmdutil.Admin, o collectOptions) (*snapshot, error) {
	snap := &snapshot{At: time.Now(), OffsetErrs: map[tp]error{}, TopicErrs: map[string]error{}}
	listed, complete, err := listAllGroups(ctx, adm, snap, o.Types)
	if err != nil {
		return nil, err
	}
	sel := selectGroups(listed, complete, o, snap)
	d := describeAll(ctx, adm, sel)
	d.resolveUnlisted(sel, snap)
	for n, g := range sel.byName {
		d.apply(n, g)
	}
	keepFound(snap, sel.byName, o)
	if !o.Offsets || len(snap.Groups) == 0 {
		return snap, nil
	}
	fetchCommits(ctx, adm, snap.Groups)
	fetchShareOffsets(ctx, adm, snap.Groups)
	topics := consumedTopics(snap.Groups, o.Topics)
	if len(topics) == 0 {
		return snap, nil
	}
	if err := listTopicOffsets(ctx, adm, snap, topics); err != nil {
		return nil, err
	}
	return snap, nil
}

// listAllGroups lists the groups of every broker; complete is false when some broker did not
// answer (a warning names it).
func listAllGroups(ctx context.Context, adm *cmdutil.Admin, snap *snapshot, types []string) (kadm.ListedGroups, bool, error) {
	var listed kadm.ListedGroups
	err := retryCoordinatorErr(ctx, func() error {
		var err error
		listed, err = adm.ListGroupsByType(ctx, types)
		return err
	})
	if err == nil {
		return listed, true, nil
	}
	var se *kadm.ShardErrors
	if !errors.As(err, &se) || se.AllFailed {
		return nil, false, fmt.Errorf("cannot list groups: %w", err)
	}
	for _, e := range se.Errs {
		snap.Warnings = append(snap.Warnings, fmt.Sprintf("broker %d did not list its groups (%s): groups it coordinates may be missing", e.Broker.NodeID, errText(e.Err)))
	}
	return listed, false, nil
}

// selection is the groups to describe: those listed, by type, and those named but not listed
// by a broker that did not answer (unlisted: their type is unknown, both describes are tried).
type selection struct {
	byName                                      map[string]*groupInfo
	classic, consumer, share, streams, unlisted []string
}

func selectGroups(listed kadm.ListedGroups, complete bool, o collectOptions, snap *snapshot) selection {
	names := text.Unique(o.Names)
	if o.All {
		names = listed.Groups()
	}
	sel := selection{byName: map[string]*groupInfo{}}
	for _, n := range names {
		l, ok := listed[n]
		if !ok {
			if complete {
				snap.NotFound = append(snap.NotFound, n)
			} else {
				sel.unlisted = append(sel.unlisted, n)
			}
			continue
		}
		g := &groupInfo{Name: n, Type: l.GroupType, ProtocolType: l.ProtocolType, State: l.State, Coordinator: l.Coordinator}
		if g.Type == "" {
			g.Type = "classic"
		}
		sel.byName[n] = g
		switch g.Type {
		case "classic":
			sel.classic = append(sel.classic, n)
		case "consumer":
			sel.consumer = append(sel.consumer, n)
		case "share":
			sel.share = append(sel.share, n)
		case "streams":
			sel.streams = append(sel.streams, n)
		}
	}
	return sel
}

// described holds the answers of DescribeGroups (classic) and ConsumerGroupDescribe (KIP-848).
type described struct {
	classic  kadm.DescribedGroups
	consumer kadm.DescribedConsumerGroups
	share    kadm.DescribedShareGroups
	streams  map[string]streamsDescribed
	// missing explains each group absent from its describe answer (the shard error of the
	// request that carried it).
	missing map[string]error
}

// describeAll sends both describes concurrently; groups whose coordinator is not ready are
// described again (only those), within the timeout.
func describeAll(ctx context.Context, adm *cmdutil.Admin, sel selection) described {
	classic := append(append([]string{}, sel.classic...), sel.unlisted...)
	consumer := append(append([]string{}, sel.consumer...), sel.unlisted...)
	d := described{classic: kadm.DescribedGroups{}, consumer: kadm.DescribedConsumerGroups{}, share: kadm.DescribedShareGroups{},
		streams: map[string]streamsDescribed{}, missing: map[string]error{}}
	share, streams := sel.share, sel.streams
	retryCoordinator(ctx, func() bool {
		var c kadm.DescribedGroups
		var k kadm.DescribedConsumerGroups
		var s kadm.DescribedShareGroups
		var st map[string]streamsDescribed
		var cerr, kerr, serr, sterr error
		var wg sync.WaitGroup
		if len(classic) > 0 {
			wg.Add(1)
			go func() { defer wg.Done(); c, cerr = adm.DescribeGroups(ctx, classic...) }()
		}
		if len(consumer) > 0 {
			wg.Add(1)
			go func() { defer wg.Done(); k, kerr = adm.DescribeConsumerGroups(ctx, consumer...) }()
		}
		if len(share) > 0 {
			wg.Add(1)
			go func() { defer wg.Done(); s, serr = adm.DescribeShareGroups(ctx, share...) }()
		}
		if len(streams) > 0 {
			wg.Add(1)
			go func() { defer wg.Done(); st, sterr = describeStreams(ctx, adm, streams) }()
		}
		wg.Wait()
		classic = mergeDescribed(d.classic, c, classic, d.missing, "DescribeGroups", cerr, func(g kadm.DescribedGroup) error { return g.Err })
		consumer = mergeDescribed(d.consumer, k, consumer, d.missing, "ConsumerGroupDescribe", kerr, func(g kadm.DescribedConsumerGroup) error { return g.Err })
		share = mergeDescribed(d.share, s, share, d.missing, "ShareGroupDescribe", serr, func(g kadm.DescribedShareGroup) error { return g.Err })
		streams = mergeDescribed(d.streams, st, streams, d.missing, "StreamsGroupDescribe", sterr, func(g streamsDescribed) error { return g.Err })
		return len(classic)+len(consumer)+len(share)+len(streams) > 0
	})
	return d
}

// mergeDescribed copies the answers of one attempt into all and returns the groups to ask
// again: those whose answer, or whose request, failed on a coordinator error.
func mergeDescribed[G any](all, got map[string]G, asked []string, missing map[string]error, which string, reqErr error, errOf func(G) error) []string {
	var again []string
	for _, n := range asked {
		g, ok := got[n]
		var err error
		if ok {
			all[n], err = g, errOf(g)
			delete(missing, n)
		} else {
			err = missingDescribe(which, reqErr, n)
			missing[n] = err
		}
		if isCoordinatorErr(err) {
			again = append(again, n)
		}
	}
	return again
}

// resolveUnlisted finds the type of each unlisted group from the describes, or calls it not found.
func (d *described) resolveUnlisted(sel selection, snap *snapshot) {
	exists := func(state string, err error) bool { return err == nil && state != "Dead" && state != "" }
	for _, n := range sel.unlisted {
		if g, ok := d.classic[n]; ok && exists(g.State, g.Err) {
			sel.byName[n] = &groupInfo{Name: n, Type: "classic"}
		} else if g, ok := d.consumer[n]; ok && exists(g.State, g.Err) {
			sel.byName[n] = &groupInfo{Name: n, Type: "consumer"}
		} else {
			snap.NotFound = append(snap.NotFound, n)
		}
	}
}

// apply fills g from its describe answer, or sets g.Err.
func (d *described) apply(n string, g *groupInfo) {
	switch g.Type {
	case "classic":
		dg, ok := d.classic[n]
		switch {
		case !ok:
			g.Err = d.missing[n]
		case dg.Err != nil || dg.State == "Dead":
			g.Err = describedErr(dg.Err, dg.ErrMessage)
		default:
			applyClassic(g, dg)
		}
	case "consumer":
		dg, ok := d.consumer[n]
		switch {
		case !ok:
			g.Err = d.missing[n]
		case dg.Err != nil || dg.State == "Dead":
			g.Err = describedErr(dg.Err, "")
		default:
			applyConsumer(g, dg)
		}
	case "share", "streams":
		d.applyNew(n, g)
	}
}

func applyClassic(g *groupInfo, d kadm.DescribedGroup) {
	g.State, g.ProtocolType, g.Assignor = d.State, d.ProtocolType, d.Protocol
	g.Coordinator, g.CoordinatorAddr = d.Coordinator.NodeID, fmt.Sprintf("%s:%d", d.Coordinator.Host, d.Coordinator.Port)
	for _, m := range d.Members {
		mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
		if m.InstanceID != nil {
			mi.InstanceID = *m.InstanceID
		}
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range a.Topics {
				mi.Assigned[t.Topic] = sortedPartitions(append(mi.Assigned[t.Topic], t.Partitions...))
			}
		}
		g.Members = append(g.Members, mi)
	}
}

func applyConsumer(g *groupInfo, d kadm.DescribedConsumerGroup) {
	g.State, g.Assignor, g.ProtocolType = d.State, d.AssignorName, "consumer"
	g.Coordinator, g.CoordinatorAddr = d.Coordinator.NodeID, fmt.Sprintf("%s:%d", d.Coordinator.Host, d.Coordinator.Port)
	for _, m := range d.Members {
		mi := memberInfo{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assigned: map[string][]int32{}}
		if m.InstanceID != nil {
			mi.InstanceID = *m.InstanceID
		}
		for t, ps := range m.Assignment {
			if t == "" {
				continue // Kafka always names the topic; kfake sends only its ID
			}
			for p := range ps {
				mi.Assigned[t] = append(mi.Assigned[t], p)
			}
			mi.Assigned[t] = sortedPartitions(mi.Assigned[t])
		}
		g.Members = append(g.Members, mi)
	}
}

// missingDescribe explains a group absent from a describe answer: the shard error of the
// request that carried it, or a generic one.
func missingDescribe(which string, err error, group string) error {
	var se *kadm.ShardErrors
	switch {
	case err == nil:
	case errors.As(err, &se):
		for _, e := range se.Errs {
			if req, ok := e.Req.(*kmsg.DescribeGroupsRequest); ok && contains(req.Groups, group) {
				return e.Err
			}
			if req, ok := e.Req.(*kmsg.ConsumerGroupDescribeRequest); ok && contains(req.Groups, group) {
				return e.Err
			}
			if req, ok := e.Req.(*kmsg.ShareGroupDescribeRequest); ok && contains(req.GroupIDs, group) {
				return e.Err
			}
		}
	default:
		return fmt.Errorf("%s: %w", which, err)
	}
	return errors.New("the coordinator did not describe the group")
}

// keepFound puts the described groups in snap, sorted; a group deleted between ListGroups and
// the describe is gone, like a group never listed.
func keepFound(snap *snapshot, byName map[string]*groupInfo, o collectOptions) {
	named := map[string]bool{}
	for _, n := range o.Names {
		named[n] = true
	}
	for n, g := range byName {
		if errors.Is(g.Err, errGone) {
			if !o.All && named[n] {
				snap.NotFound = append(snap.NotFound, n)
			}
			continue
		}
		snap.Groups = append(snap.Groups, g)
	}
	sort.Slice(snap.Groups, func(i, j int) bool { return snap.Groups[i].Name < snap.Groups[j].Name })
	sort.Strings(snap.NotFound)
}

// fetchCommits reads the committed offsets of every group that has them, in one OffsetFetch per
// coordinator; groups whose coordinator is not ready are asked again.
func fetchCommits(ctx context.Context, adm *cmdutil.Admin, groups []*groupInfo) {
	var pending []string
	for _, g := range groups {
		if hasOffsets(g) {
			pending = append(pending, g.Name)
		}
	}
	fetched := kadm.FetchOffsetsResponses{}
	retryCoordinator(ctx, func() bool {
		got := adm.FetchManyOffsets(ctx, pending...)
		var again []string
		for _, n := range pending {
			if r, ok := got[n]; ok {
				fetched[n] = r
				if isCoordinatorErr(r.Err) {
					again = append(again, n)
				}
			}
		}
		pending = again
		return len(pending) > 0
	})
	for _, g := range groups {
		if !hasOffsets(g) {
			continue
		}
		f, ok := fetched[g.Name]
		switch {
		case !ok:
			g.CommitErr = errors.New("the coordinator did not answer OffsetFetch")
		case f.Err != nil:
			g.CommitErr = f.Err
		default:
			g.Commits = f.Fetched
		}
	}
}

// consumedTopics is every topic a group has commits for or is assigned, sorted; with filter,
// only those.
func consumedTopics(groups []*groupInfo, filter map[string]bool) []string {
	set := map[string]bool{}
	for _, g := range groups {
		for t := range g.Commits {
			set[t] = true
		}
		for _, m := range g.Members {
			for t := range m.Assigned {
				set[t] = true
			}
		}
	}
	var topics []string
	for t := range set {
		if filter == nil || filter[t] {
			topics = append(topics, t)
		}
	}
	sort.Strings(topics)
	return topics
}

// listTopicOffsets lists the start and end offsets of every partition of topics into snap;
// partitions or topics that could not be listed get their error in OffsetErrs / TopicErrs.
func listTopicOffsets(ctx context.Context, adm *cmdutil.Admin, snap *snapshot, topics []string) error {
	var startErr, endErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); snap.Start, startErr = adm.ListStartOffsets(ctx, topics...) }()
	go func() { defer wg.Done(); snap.End, endErr = adm.ListEndOffsets(ctx, topics...) }()
	wg.Wait()
	for _, err := range []error{startErr, endErr} {
		if err == nil {
			continue
		}
		var se *kadm.ShardErrors
		if !errors.As(err, &se) {
			return fmt.Errorf("cannot list the offsets of %s: %w", strings.Join(topics, ", "), err)
		}
		for _, e := range se.Errs {
			if req, ok := e.Req.(*kmsg.ListOffsetsRequest); ok {
				for _, t := range req.Topics {
					for _, p := range t.Partitions {
						snap.OffsetErrs[tp{t.Topic, p.Partition}] = e.Err
					}
				}
			}
		}
	}
	for t, ps := range snap.End {
		if o, ok := ps[-1]; ok && o.Err != nil {
			snap.TopicErrs[t] = o.Err
		}
	}
	return nil
}

// errGone marks a group that no longer exists.
var errGone = errors.New("group not found")

func describedErr(err error, msg string) error {
	if err == nil || errors.Is(err, kerr.GroupIDNotFound) {
		return errGone
	}
	if msg != "" {
		return fmt.Errorf("%s (%s)", errText(err), msg)
	}
	return errors.New(errText(err))
}

// hasOffsets says whether a group keeps committed offsets (OffsetFetch): classic, KIP-848
// consumer and streams groups do; share groups keep share-partition start offsets instead
// (fetchShareOffsets), other types nothing kafkit can read.
func hasOffsets(g *groupInfo) bool {
	return g.Err == nil && (g.Type == "classic" || g.Type == "consumer" || g.Type == "streams")
}
