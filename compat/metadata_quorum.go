package compat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func metadataQuorumScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "status", Help: "describe --status: the quorum's leader, high watermark, follower lag and voters"},
		Option{Name: "replication", Help: "describe --replication: every voter and observer with its log end offset and lag"},
		Option{Name: "human-readable", Help: "with --replication: times as 'N ms ago'"},
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit talks to brokers, which forward DescribeQuorum, AddRaftVoter and RemoveRaftVoter to the quorum leader: use --bootstrap-server"},
		Option{Name: "controller-id", Arg: RequiredArg, Help: "remove-controller (-i): the controller's node id"},
		Option{Name: "controller-directory-id", Arg: RequiredArg, Help: "remove-controller (-d): its metadata directory id"},
		Option{Name: "dry-run", Help: "add-controller/remove-controller: print what would be done, send nothing"},
	)
	for i := range opts {
		if opts[i].Name == "command-config" {
			opts[i].Help = "a client .properties file; for add-controller, the new controller's server properties (node.id, metadata log dir, controller listeners), read as client settings too"
		}
	}
	return &Script{
		Name:    "kafka-metadata-quorum.sh",
		Summary: "This tool describes kraft metadata quorum status.",
		Native:  "kafkit cluster quorum",
		Options: opts,
		Expand:  expandQuorumShortOptions,
		Run:     metadataQuorumRun,
	}
}

func metadataQuorumRun(ctx context.Context, e *Env, p *Parsed) error {
	if len(p.Args) == 0 || p.Args[0] != "describe" {
		if len(p.Args) > 0 && (p.Args[0] == "add-controller" || p.Args[0] == "remove-controller") {
			return quorumVoterRun(ctx, e, p)
		}
		return usageError(e, "kafka-metadata-quorum.sh", "usage: kafka-metadata-quorum [-h] [--command-config COMMAND_CONFIG] (--bootstrap-server BOOTSTRAP_SERVER | --bootstrap-controller BOOTSTRAP_CONTROLLER) {describe,add-controller,remove-controller} ...")
	}
	fail := func(err error) error {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	switch {
	case p.Has("status") == p.Has("replication"):
		return fail(fmt.Errorf("One of --status or --replication must be specified with describe sub-command"))
	case p.Has("status") && p.Has("human-readable"):
		return fail(fmt.Errorf("The option --human-readable is only supported along with --replication"))
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	q, clusterID, err := describeQuorum(ctx, e, p.Has("status"))
	if err != nil {
		return fail(e.Explain(err))
	}
	if p.Has("status") {
		fmt.Fprintln(e.IO.Out, quorumStatus(q, clusterID))
		return nil
	}
	fmt.Fprint(e.IO.Out, quorumReplication(q, p.Has("human-readable"), time.Now()))
	return nil
}

// quorum is the one partition of __cluster_metadata that DescribeQuorum describes.
type quorum struct {
	part  kmsg.DescribeQuorumResponseTopicPartition
	nodes map[int32][]kmsg.DescribeQuorumResponseNodeListener
}

func describeQuorum(ctx context.Context, e *Env, withClusterID bool) (quorum, string, error) {
	adm, err := e.Admin()
	if err != nil {
		return quorum{}, "", err
	}
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	t.Partitions = []kmsg.DescribeQuorumRequestTopicPartition{kmsg.NewDescribeQuorumRequestTopicPartition()}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return quorum{}, "", err
	}
	if err := brokerError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return quorum{}, "", err
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return quorum{}, "", fmt.Errorf("DescribeQuorum answered without the metadata partition")
	}
	q := quorum{part: resp.Topics[0].Partitions[0], nodes: map[int32][]kmsg.DescribeQuorumResponseNodeListener{}}
	if err := brokerError(q.part.ErrorCode, q.part.ErrorMessage); err != nil {
		return quorum{}, "", err
	}
	for _, n := range resp.Nodes {
		q.nodes[n.NodeID] = n.Listeners
	}
	clusterID := ""
	if withClusterID {
		meta, err := adm.BrokerMetadata(ctx)
		if err != nil {
			return quorum{}, "", err
		}
		clusterID = meta.Cluster
	}
	return q, clusterID, nil
}

func (q quorum) leader() kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
	for _, v := range q.part.CurrentVoters {
		if v.ReplicaID == q.part.LeaderID {
			return v
		}
	}
	return kmsg.DescribeQuorumResponseTopicPartitionReplicaState{ReplicaID: q.part.LeaderID, LastFetchTimestamp: -1, LastCaughtUpTimestamp: -1}
}

// quorumStatus is describe --status, line for line as MetadataQuorumCommand prints it.
func quorumStatus(q quorum, clusterID string) string {
	leader := q.leader()
	slowest := leader
	for _, v := range q.part.CurrentVoters {
		if v.LogEndOffset < slowest.LogEndOffset {
			slowest = v
		}
	}
	lagMs := int64(0)
	switch {
	case slowest.ReplicaID == leader.ReplicaID:
	case leader.LastCaughtUpTimestamp >= 0 && slowest.LastCaughtUpTimestamp >= 0:
		lagMs = leader.LastCaughtUpTimestamp - slowest.LastCaughtUpTimestamp
	default:
		lagMs = -1
	}
	return strings.Join([]string{
		"ClusterId:              " + clusterID,
		fmt.Sprintf("LeaderId:               %d", q.part.LeaderID),
		fmt.Sprintf("LeaderEpoch:            %d", q.part.LeaderEpoch),
		fmt.Sprintf("HighWatermark:          %d", q.part.HighWatermark),
		fmt.Sprintf("MaxFollowerLag:         %d", leader.LogEndOffset-slowest.LogEndOffset),
		fmt.Sprintf("MaxFollowerLagTimeMs:   %d", lagMs),
		"CurrentVoters:          " + q.replicas(q.part.CurrentVoters),
		"CurrentObservers:       " + q.replicas(q.part.Observers),
	}, "\n")
}

// replicas is Java's list of Node.toString: {"id": 1, "endpoints": ["CONTROLLER://h:p"]}, with
// "directoryId" only when the replica has one.
func (q quorum) replicas(rs []kmsg.DescribeQuorumResponseTopicPartitionReplicaState) string {
	var parts []string
	for _, r := range rs {
		s := fmt.Sprintf(`{"id": %d`, r.ReplicaID)
		if r.ReplicaDirectoryID != [16]byte{} {
			s += fmt.Sprintf(`, "directoryId": "%s"`, javaUUID(r.ReplicaDirectoryID))
		}
		var eps []string
		for _, l := range q.nodes[r.ReplicaID] {
			eps = append(eps, fmt.Sprintf(`"%s://%s:%d"`, l.Name, l.Host, l.Port))
		}
		if len(eps) > 0 {
			s += `, "endpoints": [` + strings.Join(eps, ", ") + `]`
		}
		parts = append(parts, s+"}")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// quorumReplication is describe --replication: ToolsUtils.prettyPrintTable, each cell padded to
// its column and followed by a tab.
func quorumReplication(q quorum, human bool, now time.Time) string {
	leader := q.leader()
	rows := [][]string{{"NodeId", "DirectoryId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"}}
	add := func(r kmsg.DescribeQuorumResponseTopicPartitionReplicaState, status string) {
		rows = append(rows, []string{fmt.Sprint(r.ReplicaID), javaUUID(r.ReplicaDirectoryID), fmt.Sprint(r.LogEndOffset),
			fmt.Sprint(leader.LogEndOffset - r.LogEndOffset), quorumTime(r.LastFetchTimestamp, human, now), quorumTime(r.LastCaughtUpTimestamp, human, now), status})
	}
	add(leader, "Leader")
	for _, v := range q.part.CurrentVoters {
		if v.ReplicaID != leader.ReplicaID {
			add(v, "Follower")
		}
	}
	for _, o := range q.part.Observers {
		add(o, "Observer")
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			fmt.Fprintf(&b, "%-*s\t", widths[i], c)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func quorumTime(ms int64, human bool, now time.Time) string {
	switch {
	case ms < 0:
		return "-1"
	case human:
		return fmt.Sprintf("%d ms ago", now.UnixMilli()-ms)
	}
	return fmt.Sprint(ms)
}
