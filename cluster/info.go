package cluster

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type infoOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
	Now     func() time.Time
}

// Info is what `cluster info` shows; -o json prints it as is.
type Info struct {
	ClusterID          string   `json:"cluster_id"`
	ActiveController   int32    `json:"active_controller"`
	MetadataController int32    `json:"metadata_controller"`
	Brokers            []Broker `json:"brokers"`
	Quorum             *Quorum  `json:"quorum"`
	QuorumError        string   `json:"quorum_error,omitempty"`
}

// Broker is one broker in the metadata.
type Broker struct {
	NodeID int32  `json:"node_id"`
	Host   string `json:"host"`
	Port   int32  `json:"port"`
	Rack   string `json:"rack"`
}

// Quorum is the KRaft metadata quorum (__cluster_metadata-0).
type Quorum struct {
	LeaderID      int32           `json:"leader_id"`
	LeaderEpoch   int32           `json:"leader_epoch"`
	HighWatermark int64           `json:"high_watermark"`
	Replicas      []QuorumReplica `json:"replicas"`
}

// QuorumReplica is a voter or an observer with its lag behind the leader.
type QuorumReplica struct {
	NodeID          int32  `json:"node_id"`
	Role            string `json:"role"` // leader, voter, observer
	LogEndOffset    int64  `json:"log_end_offset"`
	Lag             int64  `json:"lag"`
	LastCaughtUpAgo string `json:"last_caught_up_ago"` // "" when unknown or the leader
}

func newCmdInfo(f *cmdutil.Factory, runF func(context.Context, *infoOptions) error) *cobra.Command {
	opts := &infoOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Now: time.Now}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the cluster id, brokers and the KRaft metadata quorum",
		Long: `Show the cluster id, the brokers (id, host:port, rack) and, on KRaft clusters, the
metadata quorum: the active controller, every voter and observer with its log end offset and
lag behind the leader. Clusters that do not answer DescribeQuorum show "not available".`,
		Example: `  kafkit cluster info
  kafkit -b 127.0.0.1:19092 cluster info -o json`,
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
			return infoRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func infoRun(ctx context.Context, opts *infoOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	meta, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	p := kmsg.NewDescribeQuorumRequestTopicPartition()
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, qerr := req.RequestWith(ctx, adm)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	info := infoView(meta, resp, qerr, opts.Now())
	return opts.Printer.Print(opts.IO.Out, info, func(t *output.Text) error {
		t.Linef("Cluster ID:         %s", info.ClusterID)
		t.Linef("Active controller:  %s", nodeOrDash(info.ActiveController))
		t.Linef("")
		t.Linef("Brokers (%d):", len(info.Brokers))
		var rows [][]string
		for _, b := range info.Brokers {
			rows = append(rows, []string{strconv.Itoa(int(b.NodeID)), b.Host + ":" + strconv.Itoa(int(b.Port)), output.Dash(b.Rack)})
		}
		if err := t.Table([]string{"ID", "ADDRESS", "RACK"}, rows); err != nil {
			return err
		}
		t.Linef("")
		if info.Quorum == nil {
			t.Linef("Metadata quorum: not available (%s)", info.QuorumError)
			return nil
		}
		q := info.Quorum
		t.Linef("Metadata quorum: leader %d, epoch %d, high watermark %d", q.LeaderID, q.LeaderEpoch, q.HighWatermark)
		rows = nil
		for _, r := range q.Replicas {
			rows = append(rows, []string{strconv.Itoa(int(r.NodeID)), r.Role, strconv.FormatInt(r.LogEndOffset, 10), strconv.FormatInt(r.Lag, 10), output.Dash(r.LastCaughtUpAgo)})
		}
		return t.Table([]string{"NODE", "ROLE", "LOG-END-OFFSET", "LAG", "LAST-CAUGHT-UP"}, rows)
	})
}

func nodeOrDash(id int32) string {
	if id < 0 {
		return "-"
	}
	return strconv.Itoa(int(id))
}

// infoView builds the view from a metadata answer and a DescribeQuorum answer or its error.
func infoView(meta kadm.Metadata, resp *kmsg.DescribeQuorumResponse, qerr error, now time.Time) Info {
	info := Info{ClusterID: meta.Cluster, MetadataController: meta.Controller, ActiveController: meta.Controller, Brokers: []Broker{}}
	for _, b := range meta.Brokers {
		br := Broker{NodeID: b.NodeID, Host: b.Host, Port: b.Port}
		if b.Rack != nil {
			br.Rack = *b.Rack
		}
		info.Brokers = append(info.Brokers, br)
	}
	sort.Slice(info.Brokers, func(i, j int) bool { return info.Brokers[i].NodeID < info.Brokers[j].NodeID })
	q, err := quorumView(resp, qerr, now)
	if err != nil {
		info.QuorumError = err.Error()
		return info
	}
	info.Quorum = q
	info.ActiveController = q.LeaderID // in KRaft, metadata's controller id is just some broker
	return info
}

func quorumView(resp *kmsg.DescribeQuorumResponse, qerr error, now time.Time) (*Quorum, error) {
	if qerr != nil && strings.Contains(qerr.Error(), "broker is too old") { // kgo does not export this error
		return nil, fmt.Errorf("the cluster does not support DescribeQuorum (not KRaft, or older than Kafka 3.3)")
	}
	if qerr != nil {
		return nil, fmt.Errorf("the cluster did not answer DescribeQuorum: %v", qerr)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, err
	}
	if len(resp.Topics) == 0 || len(resp.Topics[0].Partitions) == 0 {
		return nil, fmt.Errorf("empty DescribeQuorum answer")
	}
	p := resp.Topics[0].Partitions[0]
	if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
		return nil, err
	}
	q := &Quorum{LeaderID: p.LeaderID, LeaderEpoch: p.LeaderEpoch, HighWatermark: p.HighWatermark}
	// Lag is behind the leader's log end offset, as in `cluster quorum` and kafka-metadata-quorum.sh.
	leaderLEO := p.HighWatermark
	for _, v := range p.CurrentVoters {
		if v.ReplicaID == p.LeaderID {
			leaderLEO = v.LogEndOffset
		}
	}
	add := func(rs []kmsg.DescribeQuorumResponseTopicPartitionReplicaState, role string) {
		for _, r := range rs {
			qr := QuorumReplica{NodeID: r.ReplicaID, Role: role, LogEndOffset: r.LogEndOffset}
			if r.ReplicaID == p.LeaderID {
				qr.Role = "leader"
			}
			if r.LogEndOffset >= 0 && leaderLEO > r.LogEndOffset {
				qr.Lag = leaderLEO - r.LogEndOffset
			}
			if r.LastCaughtUpTimestamp > 0 && qr.Role != "leader" {
				ago := now.Sub(time.UnixMilli(r.LastCaughtUpTimestamp))
				if ago < 0 {
					ago = 0
				}
				qr.LastCaughtUpAgo = ago.Round(time.Millisecond).String()
			}
			q.Replicas = append(q.Replicas, qr)
		}
	}
	add(p.CurrentVoters, "voter")
	add(p.Observers, "observer")
	sort.SliceStable(q.Replicas, func(i, j int) bool {
		if q.Replicas[i].Role == "observer" != (q.Replicas[j].Role == "observer") {
			return q.Replicas[j].Role == "observer"
		}
		return q.Replicas[i].NodeID < q.Replicas[j].NodeID
	})
	return q, nil
}
