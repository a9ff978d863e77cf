package broker

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type listOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
}

// Broker is one row of `broker list`.
type Broker struct {
	ID     int32    `json:"id"`
	Host   string   `json:"host"`
	Port   int32    `json:"port"`
	Rack   string   `json:"rack"`
	Roles  []string `json:"roles"`  // broker, voter, leader (the active controller)
	Fenced *bool    `json:"fenced"` // nil: the cluster does not say (DescribeCluster < v2, Kafka < 4.0)
}

func newCmdList(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the brokers: id, address, rack, controller role, fenced state",
		Long: `List the brokers with their id, address, rack, their role in the KRaft metadata quorum
(voter; leader for the active controller) and whether they are fenced (Kafka 4.0+ reports fenced
brokers; older clusters show "-").`,
		Example: `  kafkit broker list
  kafkit broker list -o json`,
		Aliases: []string{"ls"},
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func listRun(ctx context.Context, opts *listOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	dc := kmsg.NewPtrDescribeClusterRequest()
	dc.IncludeFencedBrokers = true
	cluster, err := dc.RequestWith(ctx, adm)
	if err == nil {
		err = kerr.ErrorForCode(cluster.ErrorCode)
	}
	if err != nil {
		return err
	}
	dq := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	t.Partitions = append(t.Partitions, kmsg.NewDescribeQuorumRequestTopicPartition())
	dq.Topics = append(dq.Topics, t)
	quorum, _ := dq.RequestWith(ctx, adm) // no quorum (ZooKeeper, old Kafka): no roles beyond broker
	rows := listView(cluster, quorum)
	return opts.Printer.Print(opts.IO.Out, rows, func(t *output.Text) error {
		var cells [][]string
		for _, b := range rows {
			fenced := "-"
			if b.Fenced != nil {
				fenced = strconv.FormatBool(*b.Fenced)
			}
			cells = append(cells, []string{strconv.Itoa(int(b.ID)), b.Host + ":" + strconv.Itoa(int(b.Port)), output.Dash(b.Rack), strings.Join(b.Roles, ","), fenced})
		}
		return t.Table([]string{"ID", "ADDRESS", "RACK", "ROLES", "FENCED"}, cells)
	})
}

// listView joins DescribeCluster's brokers with the quorum's voters, sorted by id.
func listView(c *kmsg.DescribeClusterResponse, q *kmsg.DescribeQuorumResponse) []Broker {
	voters, leader := map[int32]bool{}, int32(-1)
	if q != nil && q.ErrorCode == 0 && len(q.Topics) == 1 && len(q.Topics[0].Partitions) == 1 {
		p := q.Topics[0].Partitions[0]
		leader = p.LeaderID
		for _, v := range p.CurrentVoters {
			voters[v.ReplicaID] = true
		}
	}
	rows := []Broker{}
	for _, b := range c.Brokers {
		r := Broker{ID: b.NodeID, Host: b.Host, Port: b.Port, Roles: []string{"broker"}}
		if b.Rack != nil {
			r.Rack = *b.Rack
		}
		if c.Version >= 2 {
			fenced := b.IsFenced
			r.Fenced = &fenced
		}
		if voters[b.NodeID] {
			r.Roles = append(r.Roles, "voter")
		}
		if b.NodeID == leader {
			r.Roles = append(r.Roles, "leader")
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	return rows
}
