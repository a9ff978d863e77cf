package compat

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func clusterToolScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "config", Arg: RequiredArg, Alias: "command-config", Help: "a client .properties file (the tool's name for --command-config)"},
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit talks to brokers: use --bootstrap-server"},
		Option{Name: "id", Arg: RequiredArg, Help: "unregister: the broker id"},
		Option{Name: "include-fenced-brokers", Help: "list-endpoints: fenced brokers too"},
	)
	return &Script{
		Name:    "kafka-cluster.sh",
		Summary: "The Kafka cluster tool.",
		Native:  "kafkit broker unregister, kafkit cluster info",
		Options: opts,
		Run:     clusterToolRun,
	}
}

func clusterToolRun(ctx context.Context, e *Env, p *Parsed) error {
	cmd := ""
	if len(p.Args) > 0 {
		cmd = p.Args[0]
	}
	id := int64(-1)
	switch {
	case cmd != "cluster-id" && cmd != "unregister" && cmd != "list-endpoints":
		return usageError(e, "kafka-cluster.sh", "usage: kafka-cluster [-h] {cluster-id,unregister,list-endpoints} ...")
	case !p.Has("bootstrap-server"):
		return usageError(e, "kafka-cluster.sh", "one of the arguments --bootstrap-server --bootstrap-controller is required")
	case cmd == "unregister":
		var err error
		if id, err = strconv.ParseInt(p.Value("id"), 10, 32); err != nil {
			return usageError(e, "kafka-cluster.sh", "argument --id/-i is required and must be an integer")
		}
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	req := kmsg.NewPtrDescribeClusterRequest()
	req.IncludeFencedBrokers = cmd != "list-endpoints" || p.Has("include-fenced-brokers")
	resp, err := req.RequestWith(ctx, adm)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	switch cmd {
	case "cluster-id":
		fmt.Fprintln(e.IO.Out, "Cluster ID: "+resp.ClusterID)
		return nil
	case "list-endpoints":
		fmt.Fprint(e.IO.Out, listEndpoints(resp.Brokers))
		return nil
	}
	return clusterUnregister(ctx, e, adm, int32(id), resp)
}

// clusterUnregister refuses a live broker (the Java tool unregisters it, and the running broker
// then stays unregistered until restarted), else sends UnregisterBroker.
func clusterUnregister(ctx context.Context, e *Env, adm *cmdutil.Admin, id int32, resp *kmsg.DescribeClusterResponse) error {
	for _, b := range resp.Brokers {
		if b.NodeID == id && !b.IsFenced {
			return terse(e, "Broker %d is live (unfenced, %s:%d): kafkit refuses to unregister it, as the running broker would stay unregistered until restarted. Stop it first (kafkit broker unregister %d --dry-run checks).", id, b.Host, b.Port, id)
		}
	}
	req := kmsg.NewPtrUnregisterBrokerRequest()
	req.BrokerID = id
	r, err := req.RequestWith(ctx, adm)
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
		msg := ""
		if r.ErrorMessage != nil {
			msg = *r.ErrorMessage
		}
		if err == kerr.UnsupportedVersion {
			fmt.Fprintln(e.IO.Out, "The target cluster does not support the broker unregistration API.")
			return nil
		}
		return terse(e, "%s", javaAdminException(err, msg))
	}
	fmt.Fprintf(e.IO.Out, "Broker %d is no longer registered.\n", id)
	return nil
}

// listEndpoints is ClusterTool's list-endpoints table: fixed-width columns, the host column as
// wide as the longest host, brokers by id.
func listEndpoints(bs []kmsg.DescribeClusterResponseBroker) string {
	bs = append([]kmsg.DescribeClusterResponseBroker{}, bs...)
	sort.Slice(bs, func(i, j int) bool { return bs[i].NodeID < bs[j].NodeID })
	w := len("HOST")
	for _, b := range bs {
		w = max(w, len(b.Host))
	}
	format := "%-10s %-" + strconv.Itoa(w) + "s %-10s %-10s %-10s %-15s\n"
	var s strings.Builder
	fmt.Fprintf(&s, format, "ID", "HOST", "PORT", "RACK", "STATE", "ENDPOINT_TYPE")
	for _, b := range bs {
		rack, state := "null", "unfenced"
		if b.Rack != nil {
			rack = *b.Rack
		}
		if b.IsFenced {
			state = "fenced"
		}
		fmt.Fprintf(&s, format, strconv.Itoa(int(b.NodeID)), b.Host, strconv.Itoa(int(b.Port)), rack, state, "broker")
	}
	return s.String()
}
