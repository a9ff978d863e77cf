// Command kafkit: only wiring and the exit code; everything else lives in the packages.
package main

import (
	"context"
	"github.com/kafkit/kafkit/apply"
	"os"

	"github.com/kafkit/kafkit/acl"
	"github.com/kafkit/kafkit/broker"
	"github.com/kafkit/kafkit/cluster"
	"github.com/kafkit/kafkit/compat"
	"github.com/kafkit/kafkit/configs"
	"github.com/kafkit/kafkit/consume"
	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/root"
	"github.com/kafkit/kafkit/partition"
	"github.com/kafkit/kafkit/perf"
	"github.com/kafkit/kafkit/produce"
	"github.com/kafkit/kafkit/quota"
	"github.com/kafkit/kafkit/topic"
	"github.com/kafkit/kafkit/txn"
	"github.com/kafkit/kafkit/user"
)

func main() {
	f := &cmdutil.Factory{IO: cmdutil.System()}
	cmd := root.New(f, cluster.NewCmdCluster, topic.NewCmdTopic, partition.NewCmdPartition, broker.NewCmdBroker, produce.NewCmdProduce, consume.NewCmdConsume, group.NewCmdGroup, perf.NewCmdPerf, txn.NewCmdTxn, acl.NewCmdACL, user.NewCmdUser, quota.NewCmdQuota, configs.NewCmdConfig, apply.NewCmdApply, apply.NewCmdExport, compat.NewCmdCompat)
	// Invoked as kafka-topics.sh (a link): behave as that tool.
	if s, ok := compat.Lookup(os.Args[0]); ok {
		cmd.SetArgs(append([]string{"compat", s.Name}, os.Args[1:]...))
	}
	ctx, stop := cmdutil.SignalContext(context.Background())
	ran, err := cmd.ExecuteContextC(ctx)
	f.Close()
	code := cmdutil.Report(f.IO.ErrOut, f, ctx, ran, err)
	stop()
	os.Exit(code)
}
