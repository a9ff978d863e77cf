package broker

import (
	"context"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// CompleteIDs completes broker ids from the cluster's metadata.
func CompleteIDs(f *cmdutil.Factory) cobra.CompletionFunc {
	ids := completeIDs(f)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return ids(cmd, args, toComplete)
	}
}

func completeIDs(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteWith(f, func(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
		meta, err := adm.BrokerMetadata(ctx)
		if err != nil {
			return nil, err
		}
		var ids []int
		for _, b := range meta.Brokers {
			ids = append(ids, int(b.NodeID))
		}
		sort.Ints(ids)
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = strconv.Itoa(id)
		}
		return out, nil
	})
}

// parseID checks a broker id argument (exit 2 when it is not a number).
func parseID(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return 0, cmdutil.UsageErrorf("broker id %q is not a number: kafkit broker list shows the ids", s)
	}
	return int32(n), nil
}
