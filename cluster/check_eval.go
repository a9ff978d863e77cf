package cluster

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kafkit/kafkit/internal/text"
)

// Check ids, in the order they are reported; --only and --skip take these.
const (
	checkBrokers     = "brokers"
	checkQuorum      = "quorum"
	checkPartitions  = "partitions"
	checkRF          = "replication-factor"
	checkInternal    = "internal-topics"
	checkListeners   = "listeners"
	checkDisks       = "disks"
	checkProbe       = "probe"
	statusOK         = "ok"
	statusFailed     = "failed"
	statusError      = "error" // could not check
	statusSkipped    = "skipped"
	maxWorstTopics   = 5
	staleVoterBound  = 10 * time.Second
	internalMinRF    = 3
	internalMinNodes = 3
)

var checkIDs = []string{checkBrokers, checkQuorum, checkPartitions, checkRF, checkInternal, checkListeners, checkDisks, checkProbe}

// Finding is the outcome of one check; -o json prints every finding as is.
type Finding struct {
	ID      string         `json:"id"`
	Status  string         `json:"status"` // ok, failed, error (could not check), skipped
	Summary string         `json:"summary"`
	Fix     string         `json:"fix,omitempty"`
	Items   []string       `json:"items,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// checkLimits are the thresholds the flags set.
type checkLimits struct {
	ExpectBrokers int     // 0: as many as the quorum has voters
	MaxVoterLag   int64   // metadata records a voter may be behind the leader
	DiskWarn      float64 // percent of a log dir's volume in use
	ProbeTopic    string
}

// snapshot is everything fetched from the cluster for one check run; a nil part with its error
// set means the fetch failed, a nil part without one means it was not asked for.
type snapshot struct {
	MetaErr    error
	Brokers    []snapBroker // the metadata's brokers: the advertised addresses
	Registered []snapBroker // DescribeCluster with fenced brokers (Kafka 4.0+) or without
	RegErr     error
	Quorum     *Quorum
	QuorumErr  error
	Topics     []snapTopic
	ConfigErr  error
	Dirs       []snapDir
	DirErrs    map[int32]error // brokers whose log dirs could not be described
	Listeners  []snapListener
	Probe      *snapProbe
	Protocol   string // this client's security protocol: PLAINTEXT, SASL_PLAINTEXT, SSL, SASL_SSL
}

type snapBroker struct {
	ID     int32
	Host   string
	Port   int32
	Fenced bool
}

type snapTopic struct {
	Name       string
	Internal   bool
	MinISR     int // 0: unknown (its configs could not be described)
	Partitions []snapPartition
}

type snapPartition struct {
	ID       int32
	Leader   int32
	Replicas []int32
	ISR      []int32
	Offline  bool // no leader (LEADER_NOT_AVAILABLE or leader -1)
}

type snapDir struct {
	Broker        int32
	Dir           string
	Err           error // KAFKA_STORAGE_ERROR: an offline log dir
	Total, Usable int64 // -1 when the broker does not report them
}

type snapListener struct {
	Broker     int32
	Addr       string
	ResolveErr error
	ConnErr    error // nil: a Kafka request with this client's protocol was answered
	Cause      string
	Hint       string
}

type snapProbe struct {
	Topic     string
	Partition int32
	Offset    int64
	RoundTrip time.Duration
	Err       error
}

// evaluate turns a snapshot into one finding per selected check, in checkIDs order. It is pure:
// the same snapshot always gives the same findings.
func evaluate(s *snapshot, want map[string]bool, lim checkLimits) []Finding {
	eval := map[string]func(*snapshot, checkLimits) Finding{
		checkBrokers: evalBrokers, checkQuorum: evalQuorum, checkPartitions: evalPartitions,
		checkRF: evalRF, checkInternal: evalInternal, checkListeners: evalListeners,
		checkDisks: evalDisks, checkProbe: evalProbe,
	}
	var out []Finding
	for _, id := range checkIDs {
		if !want[id] {
			continue
		}
		f := eval[id](s, lim)
		f.ID = id
		out = append(out, f)
	}
	return out
}

func couldNot(what string, err error) Finding {
	return Finding{Status: statusError, Summary: fmt.Sprintf("could not %s: %v", what, err)}
}

func evalBrokers(s *snapshot, lim checkLimits) Finding {
	if s.MetaErr != nil {
		return couldNot("read the metadata", s.MetaErr)
	}
	reg := s.Registered
	if s.RegErr != nil || reg == nil {
		reg = s.Brokers // metadata lists the unfenced brokers only
	}
	up := map[int32]bool{}
	var fenced []string
	for _, b := range reg {
		if b.Fenced {
			fenced = append(fenced, fmt.Sprintf("broker %d is registered but fenced (not serving)", b.ID))
			continue
		}
		up[b.ID] = true
	}
	expectIDs, expect := expectedBrokers(s, lim)
	var items []string
	for _, id := range expectIDs {
		if !up[id] {
			items = append(items, fmt.Sprintf("broker %d (a voter) is not registered and unfenced", id))
		}
	}
	items = append(items, fenced...)
	f := Finding{Status: statusOK, Counts: map[string]int{"expected": expect, "unfenced": len(up), "fenced": len(fenced)}}
	f.Summary = fmt.Sprintf("%d of %d expected brokers registered and unfenced", len(up), expect)
	if len(up) < expect || len(items) > 0 {
		f.Status, f.Items = statusFailed, items
		f.Fix = "start the missing brokers or find why they are fenced (their logs, kubectl get pods; a broker unfences once it has caught up with the metadata log)"
	}
	return f
}

// expectedBrokers is the voters' ids (when --expect-brokers is not given and the quorum is
// known) and how many brokers must be up.
func expectedBrokers(s *snapshot, lim checkLimits) ([]int32, int) {
	if lim.ExpectBrokers > 0 {
		return nil, lim.ExpectBrokers
	}
	if s.Quorum == nil {
		return nil, len(s.Brokers)
	}
	var ids []int32
	for _, r := range s.Quorum.Replicas {
		if r.Role != "observer" {
			ids = append(ids, r.NodeID)
		}
	}
	return ids, len(ids)
}

func evalQuorum(s *snapshot, lim checkLimits) Finding {
	if s.Quorum == nil {
		return couldNot("describe the metadata quorum", s.QuorumErr)
	}
	q := s.Quorum
	if q.LeaderID < 0 {
		return Finding{Status: statusFailed, Summary: "the metadata quorum has no leader",
			Fix: "a majority of the controllers must be up and reach each other: check the controller pods and their listener (controller.quorum.voters)"}
	}
	voters := 0
	var items []string
	for _, r := range q.Replicas {
		if r.Role == "observer" {
			continue
		}
		voters++
		ago, _ := time.ParseDuration(r.LastCaughtUpAgo)
		switch {
		case r.Role == "leader":
		case r.Lag > lim.MaxVoterLag:
			items = append(items, fmt.Sprintf("voter %d is %d records behind the leader (bound %d)", r.NodeID, r.Lag, lim.MaxVoterLag))
		case ago > staleVoterBound:
			items = append(items, fmt.Sprintf("voter %d last caught up %s ago", r.NodeID, ago.Round(time.Second)))
		}
	}
	f := Finding{Status: statusOK, Summary: fmt.Sprintf("leader %d, epoch %d, %d voters within %d records", q.LeaderID, q.LeaderEpoch, voters, lim.MaxVoterLag)}
	if len(items) > 0 {
		f.Status, f.Items = statusFailed, items
		f.Summary = fmt.Sprintf("leader %d, %d of %d voters lagging", q.LeaderID, len(items), voters)
		f.Fix = "a lagging voter is down, slow or cut off from the leader: check that controller's pod and logs; the quorum survives while a majority keeps up"
	}
	return f
}

// topicHealth counts one topic's bad partitions.
type topicHealth struct {
	name                               string
	offline, under, underMin, atMinBad int
	atMin, total                       int
}

func (h topicHealth) bad() int { return h.offline + h.under + h.underMin + h.atMinBad }

func healthOf(t snapTopic) topicHealth {
	h := topicHealth{name: t.Name, total: len(t.Partitions)}
	for _, p := range t.Partitions {
		under := len(p.ISR) < len(p.Replicas)
		switch {
		case p.Offline:
			h.offline++
		case under:
			h.under++
		}
		if t.MinISR > 0 && len(p.ISR) < t.MinISR {
			h.underMin++
		}
		if t.MinISR > 0 && len(p.ISR) == t.MinISR {
			h.atMin++
			if under { // one more lost replica stops acks=all writes
				h.atMinBad++
			}
		}
	}
	return h
}

func evalPartitions(s *snapshot, _ checkLimits) Finding {
	if s.MetaErr != nil {
		return couldNot("read the metadata", s.MetaErr)
	}
	c := map[string]int{"partitions": 0, "offline": 0, "under_replicated": 0, "under_min_isr": 0, "at_min_isr": 0}
	var worst []topicHealth
	for _, t := range s.Topics {
		h := healthOf(t)
		c["partitions"] += h.total
		c["offline"] += h.offline
		c["under_replicated"] += h.under
		c["under_min_isr"] += h.underMin
		c["at_min_isr"] += h.atMin
		if h.bad() > 0 {
			worst = append(worst, h)
		}
	}
	f := Finding{Status: statusOK, Counts: c, Summary: fmt.Sprintf("%s in %s: none offline, under-replicated or under min.insync.replicas", text.Count(c["partitions"], "partition"), text.Count(len(s.Topics), "topic"))}
	if s.ConfigErr != nil {
		f.Summary += fmt.Sprintf(" (min.insync.replicas unknown: %v)", s.ConfigErr)
	}
	if len(worst) == 0 {
		return f
	}
	sort.Slice(worst, func(i, j int) bool {
		if worst[i].bad() != worst[j].bad() {
			return worst[i].bad() > worst[j].bad()
		}
		return worst[i].name < worst[j].name
	})
	f.Status = statusFailed
	f.Summary = fmt.Sprintf("%d offline, %d under-replicated, %d under min.insync.replicas, %d at min.insync.replicas (of %d partitions)",
		c["offline"], c["under_replicated"], c["under_min_isr"], c["at_min_isr"], c["partitions"])
	for i, h := range worst {
		if i == maxWorstTopics {
			f.Items = append(f.Items, fmt.Sprintf("... and %d more topics", len(worst)-i))
			break
		}
		f.Items = append(f.Items, fmt.Sprintf("%s: %d offline, %d under-replicated, %d under min ISR of %d partitions", h.name, h.offline, h.under, h.underMin, h.total))
	}
	f.Fix = "a replica's broker is down or behind: start it (kafkit cluster check names missing brokers); offline partitions lost every in-sync replica"
	if c["offline"] == 0 && c["under_min_isr"] == 0 {
		f.Fix = "a replica's broker is down or behind: start it or let it catch up; acks=all producers still work while the ISR holds min.insync.replicas"
	}
	return f
}

func replicationFactor(t snapTopic) int {
	rf := 0
	for _, p := range t.Partitions {
		rf = max(rf, len(p.Replicas))
	}
	return rf
}

func evalRF(s *snapshot, _ checkLimits) Finding {
	if s.MetaErr != nil {
		return couldNot("read the metadata", s.MetaErr)
	}
	if s.ConfigErr != nil {
		return couldNot("describe the topics' min.insync.replicas", s.ConfigErr)
	}
	var items []string
	for _, t := range s.Topics {
		if rf := replicationFactor(t); t.MinISR > 0 && rf < t.MinISR+1 {
			items = append(items, fmt.Sprintf("%s: replication factor %d, min.insync.replicas %d", t.Name, rf, t.MinISR))
		}
	}
	f := Finding{Status: statusOK, Counts: map[string]int{"topics": len(s.Topics), "failed": len(items)},
		Summary: fmt.Sprintf("%s can lose a broker and keep accepting acks=all writes (RF >= min.insync.replicas + 1)", text.Count(len(s.Topics), "topic"))}
	if len(items) > 0 {
		f.Status, f.Items = statusFailed, items
		f.Summary = fmt.Sprintf("%d of %d topics stop accepting acks=all writes when one broker is lost (RF < min.insync.replicas + 1)", len(items), len(s.Topics))
		f.Fix = "raise the topic's replication factor (a reassignment), or lower min.insync.replicas: kafkit topic alter TOPIC --config min.insync.replicas=N"
	}
	return f
}

// internalTopicNames are checked even when the metadata does not flag them internal.
var internalTopicNames = map[string]bool{"__consumer_offsets": true, "__transaction_state": true}

func evalInternal(s *snapshot, _ checkLimits) Finding {
	if s.MetaErr != nil {
		return couldNot("read the metadata", s.MetaErr)
	}
	nodes := max(len(s.Brokers), len(s.Registered))
	var names, items []string
	for _, t := range s.Topics {
		if !t.Internal && !internalTopicNames[t.Name] {
			continue
		}
		names = append(names, t.Name)
		if rf := replicationFactor(t); nodes >= internalMinNodes && rf < internalMinRF {
			items = append(items, fmt.Sprintf("%s: replication factor %d on a %d-broker cluster", t.Name, rf, nodes))
		}
	}
	f := Finding{Status: statusOK, Summary: fmt.Sprintf("%s at replication factor >= %d", orNone(names), internalMinRF)}
	if nodes < internalMinNodes {
		f.Summary = fmt.Sprintf("%d brokers: internal topics cannot have %d replicas (not checked)", nodes, internalMinRF)
	}
	if len(items) > 0 {
		f.Status, f.Items = statusFailed, items
		f.Summary = fmt.Sprintf("%d internal topics below replication factor %d", len(items), internalMinRF)
		f.Fix = "the broker created them with offsets.topic.replication.factor / transaction.state.log.replication.factor below 3 (often while fewer brokers were up): reassign them to 3 replicas"
	}
	return f
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "no internal topics yet, none"
	}
	return strings.Join(names, ", ")
}

func evalListeners(s *snapshot, _ checkLimits) Finding {
	if s.MetaErr != nil {
		return couldNot("read the metadata", s.MetaErr)
	}
	var items, fixes []string
	seen := map[string]bool{}
	for _, l := range s.Listeners {
		item, fix := listenerProblem(l, s.Protocol)
		if item == "" {
			continue
		}
		items = append(items, item)
		if !seen[fix] {
			seen[fix] = true
			fixes = append(fixes, fix)
		}
	}
	f := Finding{Status: statusOK, Summary: fmt.Sprintf("%d advertised listeners resolve and answer %s from here", len(s.Listeners), s.Protocol)}
	if len(items) > 0 {
		f.Status, f.Items, f.Fix = statusFailed, items, strings.Join(fixes, "; ")
		f.Summary = fmt.Sprintf("%d of %d advertised listeners do not work from here with %s", len(items), len(s.Listeners), s.Protocol)
	}
	return f
}

// listenerProblem says what is wrong with one advertised listener and what to do, or "" when
// it answered.
func listenerProblem(l snapListener, protocol string) (item, fix string) {
	head := fmt.Sprintf("broker %d advertises %s", l.Broker, l.Addr)
	switch {
	case l.ResolveErr != nil:
		return head + ": the name does not resolve from here (" + l.ResolveErr.Error() + ")",
			"advertised.listeners names hosts this machine cannot resolve: run kafkit where they resolve (inside the cluster: kubectl exec), or advertise names that resolve for outside clients"
	case l.ConnErr == nil:
		return "", ""
	case strings.Contains(l.Cause, "requires SASL"):
		return fmt.Sprintf("%s: this client speaks %s and the listener wants SASL (SASL_PLAINTEXT or SASL_SSL)", head, protocol),
			"the listener and this client disagree on the protocol: give kafkit the SASL settings (--sasl-user, --sasl-password-file; the Bitnami chart's CLIENT listener is SASL_PLAINTEXT by default), or make the listener PLAINTEXT (listeners.client.protocol=PLAINTEXT in the chart)"
	case strings.Contains(l.Cause, "does not expect SASL") || strings.Contains(l.Cause, "during SASL"):
		return fmt.Sprintf("%s: this client speaks %s and the listener is not a SASL listener (%s)", head, protocol, l.Cause),
			"the listener and this client disagree on the protocol: drop the --sasl-* settings for a PLAINTEXT listener, or point kafkit at the SASL listener's port"
	}
	cause := l.Cause
	if cause == "" {
		cause = l.ConnErr.Error()
	}
	fix = l.Hint
	if fix == "" {
		fix = "check that the broker is up and that advertised.listeners names an address reachable from here"
	}
	return fmt.Sprintf("%s: %s with %s", head, cause, protocol), fix
}

func evalDisks(s *snapshot, lim checkLimits) Finding {
	var items, unknown []string
	offline := 0
	for _, d := range s.Dirs {
		switch {
		case d.Err != nil:
			offline++
			items = append(items, fmt.Sprintf("broker %d log dir %s is offline (%v)", d.Broker, d.Dir, d.Err))
		case d.Total <= 0 || d.Usable < 0:
			unknown = append(unknown, fmt.Sprintf("broker %d %s", d.Broker, d.Dir))
		default:
			if used := diskUsed(d); used >= lim.DiskWarn {
				items = append(items, fmt.Sprintf("broker %d log dir %s is %.1f%% full (%s free of %s; --disk-warn %g%%)", d.Broker, d.Dir, used, bytesIEC(d.Usable), bytesIEC(d.Total), lim.DiskWarn))
			}
		}
	}
	for _, id := range sortedIDs(s.DirErrs) {
		items = append(items, fmt.Sprintf("broker %d: could not describe its log dirs: %v", id, s.DirErrs[id]))
	}
	f := Finding{Status: statusOK, Counts: map[string]int{"log_dirs": len(s.Dirs), "offline": offline},
		Summary: fmt.Sprintf("%s online, all under %g%% full", text.Count(len(s.Dirs), "log dir"), lim.DiskWarn)}
	if len(unknown) > 0 {
		f.Summary += fmt.Sprintf(" (%d do not report their size: %s)", len(unknown), strings.Join(unknown, ", "))
	}
	switch {
	case len(items) > len(s.DirErrs):
		f.Status, f.Items = statusFailed, items
		f.Summary = fmt.Sprintf("%d of %d log dirs offline or over %g%% full", len(items)-len(s.DirErrs), len(s.Dirs), lim.DiskWarn)
		f.Fix = "free space (retention.ms / retention.bytes, delete unused topics) or grow the volume (the chart's persistence.size); an offline log dir needs its disk checked and the broker restarted"
	case len(items) > 0:
		f.Status, f.Items = statusError, items
		f.Summary = fmt.Sprintf("could not describe the log dirs of %d brokers", len(s.DirErrs))
	}
	return f
}

func diskUsed(d snapDir) float64 { return float64(d.Total-d.Usable) * 100 / float64(d.Total) }

func sortedIDs(m map[int32]error) []int32 {
	var ids []int32
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// bytesIEC prints a size as 1.5GiB.
func bytesIEC(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func evalProbe(s *snapshot, lim checkLimits) Finding {
	if lim.ProbeTopic == "" || s.Probe == nil {
		return Finding{Status: statusSkipped, Summary: "no --probe-topic given"}
	}
	p := s.Probe
	if p.Err != nil {
		return Finding{Status: statusFailed, Summary: fmt.Sprintf("could not write and read back a record on %s: %v", p.Topic, p.Err),
			Fix: "the topic must exist and accept acks=all writes: kafkit topic create " + p.Topic + " (replication factor 3), and check the partitions finding"}
	}
	return Finding{Status: statusOK, Summary: fmt.Sprintf("wrote a record to %s/%d at offset %d with acks=all and read it back in %s", p.Topic, p.Partition, p.Offset, p.RoundTrip.Round(10*time.Microsecond))}
}
