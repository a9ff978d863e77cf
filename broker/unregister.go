package broker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type unregisterOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Prompter cmdutil.Prompter

	ID     int32
	Yes    bool
	DryRun bool
}

// Registration is a broker the controller has registered, fenced or not.
type Registration struct {
	NodeID int32
	Host   string
	Port   int32
	Fenced bool
}

const unregisterLong = `Remove a broker's registration from the KRaft controller (UnregisterBroker, as
"kafka-cluster.sh unregister" does). Use it after a broker was removed for good (a pod deleted
when the StatefulSet was scaled down) and left a fenced registration behind, which keeps
features from being finalized and shows up in kafka-cluster.sh list-endpoints.

kafkit refuses a live (unfenced) broker: the Java tool unregisters it, and the running broker
then stays without a registration (its heartbeats fail with STALE_BROKER_EPOCH) until it is
restarted. Stop the broker first; once the controller has fenced it, unregister it.

Needs --yes (or a "y" at the prompt); --dry-run checks the registration and changes nothing
(exit 3 when it would unregister). On clusters older than Kafka 4.0, which do not list fenced
brokers, kafkit can only tell that the id is not among the live brokers.`

func newCmdUnregister(f *cmdutil.Factory, runF func(context.Context, *unregisterOptions) error) *cobra.Command {
	opts := &unregisterOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	cmd := &cobra.Command{
		Use:   "unregister ID",
		Short: "Remove a removed broker's fenced registration (kafka-cluster.sh unregister)",
		Long:  unregisterLong,
		Example: `  kafkit broker unregister 4 --dry-run
  kafkit broker unregister 4 --yes`,
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 32)
			if err != nil || id < 0 {
				return cmdutil.UsageErrorf("%q is not a broker id (a number, 0 or more)", args[0])
			}
			opts.ID = int32(id)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unregisterRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check the registration; unregister nothing")
	return cmd
}

func unregisterRun(ctx context.Context, opts *unregisterOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	regs, listsFenced, err := Registrations(ctx, adm)
	if err != nil {
		return err
	}
	what, err := checkUnregister(opts.ID, regs, listsFenced)
	if err != nil {
		return err
	}
	if opts.DryRun {
		fmt.Fprintf(opts.IO.Out, "would unregister broker %d (%s) (dry run)\n", opts.ID, what)
		return cmdutil.CheckFailed("")
	}
	if err := cmdutil.Confirm(opts.Prompter, opts.Yes, fmt.Sprintf("Unregister broker %d (%s)?", opts.ID, what)); err != nil {
		return err
	}
	if err := Unregister(ctx, adm, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "unregistered broker %d\n", opts.ID)
	return nil
}

// checkUnregister is the pure check: a live broker is refused, an unknown id is an error when
// the cluster lists fenced brokers (nothing would be unregistered); it returns what is about
// to be unregistered.
func checkUnregister(id int32, regs []Registration, listsFenced bool) (string, error) {
	var ids []string
	for _, r := range regs {
		ids = append(ids, strconv.Itoa(int(r.NodeID)))
		if r.NodeID != id {
			continue
		}
		if !r.Fenced {
			return "", fmt.Errorf("broker %d is live (unfenced, %s:%d): refusing to unregister it, the running broker would stay without a registration until restarted; stop it first and unregister it once it is fenced", id, r.Host, r.Port)
		}
		return fmt.Sprintf("fenced, last at %s:%d", r.Host, r.Port), nil
	}
	if listsFenced {
		return "", fmt.Errorf("broker %d is not registered (registered brokers: %s): nothing to unregister", id, strings.Join(ids, ", "))
	}
	return "not among the live brokers; this cluster does not list fenced ones", nil
}

// Registrations lists the registered brokers with DescribeCluster v2 (Kafka 4.0+), fenced ones
// included; listsFenced is false when the cluster only answers an older version, which lists
// unfenced brokers only.
func Registrations(ctx context.Context, adm *cmdutil.Admin) ([]Registration, bool, error) {
	req := kmsg.NewPtrDescribeClusterRequest()
	req.IncludeFencedBrokers = true
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return nil, false, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, false, fmt.Errorf("DescribeCluster: %w", err)
	}
	regs := make([]Registration, 0, len(resp.Brokers))
	for _, b := range resp.Brokers {
		regs = append(regs, Registration{NodeID: b.NodeID, Host: b.Host, Port: b.Port, Fenced: b.IsFenced})
	}
	return regs, resp.Version >= 2, nil
}

// Unregister sends UnregisterBroker; the error says what the controller answered.
func Unregister(ctx context.Context, adm *cmdutil.Admin, id int32) error {
	req := kmsg.NewPtrUnregisterBrokerRequest()
	req.BrokerID = id
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		if resp.ErrorMessage != nil && *resp.ErrorMessage != "" {
			err = fmt.Errorf("%w: %s", err, *resp.ErrorMessage)
		}
		if errors.Is(err, kerr.BrokerIDNotRegistered) {
			return fmt.Errorf("broker %d is not registered: %w", id, err)
		}
		return fmt.Errorf("unregistering broker %d failed: %w", id, err)
	}
	return nil
}
