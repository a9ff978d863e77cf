package partition

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

const reassignLong = `Move partition replicas between brokers: plan a reassignment from what you want (drain a
broker, spread topics over brokers, change a replication factor), run it with a throttle, watch
it, cancel it. What kafka-reassign-partitions.sh does, without hand-written JSON, and with the
throttles removed when the reassignment ends.

The plan files are the Java tool's JSON ({"version":1,"partitions":[...]}), so a kafkit plan runs
with kafka-reassign-partitions.sh --execute and a Java plan with kafkit.`

func newCmdReassign(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reassign",
		Short: "Plan, run, watch and cancel replica moves",
		Long:  reassignLong,
		Example: `  kafkit partition reassign plan --drain 4 -o json > drain-4.json
  kafkit partition reassign execute -f drain-4.json --throttle 50MB --wait
  kafkit partition reassign status
  kafkit partition reassign cancel --all`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdPlan(f, nil), newCmdExecute(f, nil), newCmdStatus(f, nil), newCmdCancel(f, nil))
	return cmd
}
