package cluster

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type quorumOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
	Now     func() time.Time
}

// QuorumDescription is `cluster quorum`: the KRaft metadata quorum as DescribeQuorum tells it.
type QuorumDescription struct {
	LeaderID             int32          `json:"leader_id"`
	LeaderEpoch          int32          `json:"leader_epoch"`
	HighWatermark        int64          `json:"high_watermark"`
	KRaftVersion         int16          `json:"kraft_version"` // 0: static voters (controller.quorum.voters)
	Dynamic              bool           `json:"dynamic"`       // KIP-853 dynamic quorum: controllers can be added and removed
	MaxFollowerLag       int64          `json:"max_follower_lag"`
	MaxFollowerLagTimeMs int64          `json:"max_follower_lag_time_ms"` // -1: unknown
	Replicas             []QuorumMember `json:"replicas"`
}

// QuorumMember is a voter or an observer; times are Unix milliseconds (-1: unknown).
type QuorumMember struct {
	NodeID                int32    `json:"node_id"`
	Role                  string   `json:"role"` // leader, voter, observer
	DirectoryID           string   `json:"directory_id"`
	Endpoints             []string `json:"endpoints"`
	LogEndOffset          int64    `json:"log_end_offset"`
	Lag                   int64    `json:"lag"` // behind the leader's log end offset
	LastFetchTimestamp    int64    `json:"last_fetch_timestamp"`
	LastCaughtUpTimestamp int64    `json:"last_caught_up_timestamp"`
}

const quorumLong = `Describe the KRaft metadata quorum (DescribeQuorum, as kafka-metadata-quorum.sh describe
--status and --replication do): the leader, its epoch and high watermark, the largest follower
lag, and every voter and observer with its log end offset, its lag behind the leader, when it
last fetched and when it was last caught up. The first line shows kraft.version: 0 is a static quorum
(controller.quorum.voters, as the Bitnami chart and kafkit's test cluster run), 1 a dynamic one
(KIP-853) where "add-controller" and "remove-controller" change the voters.`

func newCmdQuorum(f *cmdutil.Factory, runF func(context.Context, *quorumOptions) error) *cobra.Command {
	opts := &quorumOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Now: time.Now}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "quorum",
		Short: "Describe the KRaft metadata quorum; add or remove controllers (kafka-metadata-quorum.sh)",
		Long:  quorumLong,
		Example: `  kafkit cluster quorum
  kafkit cluster quorum -o json | jq '.replicas[] | select(.lag > 0)'
  kafkit cluster quorum remove-controller 3 --dry-run`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return quorumRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	cmd.AddCommand(newCmdAddController(f, nil), newCmdRemoveController(f, nil))
	return cmd
}

func quorumRun(ctx context.Context, opts *quorumOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	q, err := fetchQuorum(ctx, adm)
	if err != nil {
		return err
	}
	now := opts.Now()
	return opts.Printer.Print(opts.IO.Out, q, func(t *output.Text) error {
		mode := "static voters"
		if q.Dynamic {
			mode = "dynamic quorum"
		}
		t.Linef("Leader %d, epoch %d, high watermark %d, kraft.version %d (%s)", q.LeaderID, q.LeaderEpoch, q.HighWatermark, q.KRaftVersion, mode)
		t.Linef("Max follower lag %d (%s)", q.MaxFollowerLag, msText(q.MaxFollowerLagTimeMs))
		t.Linef("")
		rows := make([][]string, 0, len(q.Replicas))
		for _, r := range q.Replicas {
			rows = append(rows, []string{strconv.Itoa(int(r.NodeID)), r.Role, output.Dash(r.DirectoryID), output.Dash(strings.Join(r.Endpoints, ",")),
				strconv.FormatInt(r.LogEndOffset, 10), strconv.FormatInt(r.Lag, 10), agoText(r.LastFetchTimestamp, now), agoText(r.LastCaughtUpTimestamp, now)})
		}
		return t.Table([]string{"NODE", "ROLE", "DIRECTORY-ID", "ENDPOINTS", "LOG-END-OFFSET", "LAG", "LAST-FETCH", "LAST-CAUGHT-UP"}, rows)
	})
}

// fetchQuorum asks DescribeQuorum and the finalized kraft.version (ApiVersions).
func fetchQuorum(ctx context.Context, adm *cmdutil.Admin) (QuorumDescription, error) {
	resp, err := requestQuorum(ctx, adm)
	if err != nil {
		return QuorumDescription{}, err
	}
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return QuorumDescription{}, err
	}
	kv := int16(0)
	for _, f := range FeatureView(vs).Features {
		if f.Name == "kraft.version" {
			kv = f.Finalized
		}
	}
	return QuorumView(resp, kv)
}

// requestQuorum sends DescribeQuorum for __cluster_metadata-0 and checks its errors.
func requestQuorum(ctx context.Context, adm kmsg.Requestor) (*kmsg.DescribeQuorumResponse, error) {
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	t.Partitions = append(t.Partitions, kmsg.NewDescribeQuorumRequestTopicPartition())
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		if strings.Contains(err.Error(), "broker is too old") {
			return nil, fmt.Errorf("the cluster does not support DescribeQuorum (not KRaft, or older than Kafka 3.3)")
		}
		return nil, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("DescribeQuorum: %w", err)
	}
	if len(resp.Topics) == 0 || len(resp.Topics[0].Partitions) == 0 {
		return nil, fmt.Errorf("DescribeQuorum answered without the metadata partition")
	}
	if err := kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode); err != nil {
		return nil, fmt.Errorf("DescribeQuorum: %w", err)
	}
	return resp, nil
}

// QuorumView is the pure view: the leader first, then the other voters by id, then observers
// by id; lag is behind the leader's log end offset, as kafka-metadata-quorum.sh computes it.
func QuorumView(resp *kmsg.DescribeQuorumResponse, kraftVersion int16) (QuorumDescription, error) {
	p := resp.Topics[0].Partitions[0]
	q := QuorumDescription{LeaderID: p.LeaderID, LeaderEpoch: p.LeaderEpoch, HighWatermark: p.HighWatermark, KRaftVersion: kraftVersion, Dynamic: kraftVersion >= 1, Replicas: []QuorumMember{}}
	endpoints := map[int32][]string{}
	for _, n := range resp.Nodes {
		for _, l := range n.Listeners {
			endpoints[n.NodeID] = append(endpoints[n.NodeID], fmt.Sprintf("%s://%s:%d", l.Name, l.Host, l.Port))
		}
	}
	leader := kmsg.DescribeQuorumResponseTopicPartitionReplicaState{ReplicaID: p.LeaderID, LastFetchTimestamp: -1, LastCaughtUpTimestamp: -1}
	for _, v := range p.CurrentVoters {
		if v.ReplicaID == p.LeaderID {
			leader = v
		}
	}
	member := func(r kmsg.DescribeQuorumResponseTopicPartitionReplicaState, role string) QuorumMember {
		m := QuorumMember{NodeID: r.ReplicaID, Role: role, Endpoints: endpoints[r.ReplicaID], LogEndOffset: r.LogEndOffset,
			Lag: leader.LogEndOffset - r.LogEndOffset, LastFetchTimestamp: r.LastFetchTimestamp, LastCaughtUpTimestamp: r.LastCaughtUpTimestamp}
		if r.ReplicaDirectoryID != [16]byte{} {
			m.DirectoryID = base64.RawURLEncoding.EncodeToString(r.ReplicaDirectoryID[:])
		}
		if m.Endpoints == nil {
			m.Endpoints = []string{}
		}
		return m
	}
	q.Replicas = append(q.Replicas, member(leader, "leader"))
	q.MaxFollowerLagTimeMs = 0
	for _, v := range sortedReplicas(p.CurrentVoters) {
		if v.ReplicaID == p.LeaderID {
			continue
		}
		m := member(v, "voter")
		q.Replicas = append(q.Replicas, m)
		if m.Lag > q.MaxFollowerLag {
			q.MaxFollowerLag = m.Lag
			q.MaxFollowerLagTimeMs = -1
			if leader.LastCaughtUpTimestamp >= 0 && v.LastCaughtUpTimestamp >= 0 {
				q.MaxFollowerLagTimeMs = leader.LastCaughtUpTimestamp - v.LastCaughtUpTimestamp
			}
		}
	}
	for _, o := range sortedReplicas(p.Observers) {
		q.Replicas = append(q.Replicas, member(o, "observer"))
	}
	return q, nil
}

func sortedReplicas(rs []kmsg.DescribeQuorumResponseTopicPartitionReplicaState) []kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
	out := append([]kmsg.DescribeQuorumResponseTopicPartitionReplicaState{}, rs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ReplicaID < out[j-1].ReplicaID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func agoText(ms int64, now time.Time) string {
	if ms < 0 {
		return "-"
	}
	ago := now.Sub(time.UnixMilli(ms))
	if ago < 0 {
		ago = 0
	}
	return ago.Round(time.Millisecond).String() + " ago"
}

func msText(ms int64) string {
	if ms < 0 {
		return "time unknown"
	}
	return fmt.Sprintf("%d ms behind", ms)
}
