package root

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/brokerversion"
	"github.com/kafkit/kafkit/internal/build"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type versionOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Broker bool
}

// VersionInfo is what `kafkit version -o json` prints.
type VersionInfo struct {
	Version   string          `json:"version"`
	Commit    string          `json:"commit"`
	GoVersion string          `json:"go_version"`
	Kafka     string          `json:"kafka_version,omitempty"`
	Brokers   []BrokerVersion `json:"brokers,omitempty"`
}

// BrokerVersion is one broker's guessed Kafka version.
type BrokerVersion struct {
	NodeID  int32  `json:"node_id"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error,omitempty"`
}

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	opts := &versionOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print kafkit's version, and with --broker the cluster's Kafka version",
		Long: `Print kafkit's version, the commit it was built from and the Go version.

With --broker, also ask every broker for its API versions and print the Kafka version they
match (a guess: Kafka does not report its release directly).`,
		Example: `  kafkit version
  kafkit version --broker
  kafkit version --broker -o json`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			return versionRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Broker, "broker", false, "also ask the cluster and print its guessed Kafka version")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

func versionRun(ctx context.Context, opts *versionOptions) error {
	info := VersionInfo{Version: build.Version, Commit: build.Commit, GoVersion: build.GoVersion()}
	var failed error
	if opts.Broker {
		ctx, cancel, err := opts.Context(ctx)
		if err != nil {
			return err
		}
		defer cancel()
		adm, err := opts.Admin()
		if err != nil {
			return err
		}
		vs, err := adm.ApiVersions(ctx)
		if err != nil {
			return err
		}
		info.Brokers, info.Kafka, failed = brokerVersions(vs)
	}
	err := opts.Printer.Print(opts.IO.Out, info, func(t *output.Text) error {
		t.Linef("kafkit %s", info.Version)
		t.Linef("commit: %s", info.Commit)
		t.Linef("go: %s", info.GoVersion)
		if opts.Broker {
			t.Linef("kafka: %s", info.Kafka)
			for _, b := range info.Brokers {
				if b.Error != "" {
					t.Linef("  broker %d: error: %s", b.NodeID, b.Error)
				} else {
					t.Linef("  broker %d: %s", b.NodeID, b.Version)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return failed
}

// brokerVersions turns API-version answers into per-broker guesses and one summary: the common
// guess, or a list when brokers differ (a rolling upgrade). Unreachable brokers are an error.
func brokerVersions(vs kadm.BrokersApiVersions) ([]BrokerVersion, string, error) {
	guesses, summary, failed := brokerversion.Of(vs)
	var out []BrokerVersion
	for _, g := range guesses {
		bv := BrokerVersion{NodeID: g.NodeID, Version: g.Version}
		if g.Err != nil {
			bv.Error = g.Err.Error()
		}
		out = append(out, bv)
	}
	if len(failed) > 0 {
		return out, summary, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("could not ask broker(s) %s for their versions", brokerversion.IDs(failed))}
	}
	return out, summary, nil
}
