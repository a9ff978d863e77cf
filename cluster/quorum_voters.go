package cluster

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type voterOptions struct {
	IO       *cmdutil.IOStreams
	Admin    func() (*cmdutil.Admin, error)
	Context  func(context.Context) (context.Context, context.CancelFunc, error)
	Prompter cmdutil.Prompter

	Add         bool
	ID          int32
	DirectoryID [16]byte
	HasDirID    bool
	Endpoints   []kmsg.AddRaftVoterRequestListener
	DryRun      bool
	Yes         bool
}

// StaticQuorumMessage explains why a static quorum cannot change its voters, and what to do.
const StaticQuorumMessage = "this cluster's metadata quorum is static (kraft.version 0: the voters are fixed by controller.quorum.voters, as in the Bitnami chart): controllers cannot be added or removed at runtime. Change controller.quorum.voters on every node and restart them one at a time, or first move to a dynamic quorum (KIP-853: Kafka 4.1+, kafkit cluster features upgrade --feature kraft.version=1 --dry-run)"

const addControllerLong = `Add a controller to a dynamic KRaft quorum (KIP-853, kraft.version 1; AddRaftVoter, as
"kafka-metadata-quorum.sh add-controller" does). The new controller must already run as an
observer (formatted with "kafka-storage format --no-initial-controllers", fetching the
metadata log): give its node id, the directory id of its metadata log directory
(meta.properties "directory.id"; "kafkit cluster quorum" shows it for every observer) and its
controller listeners as the other controllers reach them.

kafkit sends the request to a broker (--brokers, as every command), which forwards it to the
quorum leader; the answer comes once the new voter set is committed. An id that is already a
voter is refused. On a static quorum (controller.quorum.voters, kraft.version 0: the Bitnami
chart) kafkit says so. In both cases nothing is sent. --dry-run checks and prints what it would
add (exit 3).`

const removeControllerLong = `Remove a controller from a dynamic KRaft quorum (KIP-853, kraft.version 1; RemoveRaftVoter,
as "kafka-metadata-quorum.sh remove-controller" does). The directory id defaults to the one
DescribeQuorum reports for the voter. kafkit refuses an id that is not a voter and a removal
that would leave fewer than two voters, and asks for --yes (or a "y" at the prompt). The
removed controller keeps running as an observer (a combined node keeps serving as a broker):
"add-controller" with the same directory id makes it a voter again.

kafkit sends the request to a broker, which forwards it to the quorum leader. On a static
quorum (controller.quorum.voters, kraft.version 0: the Bitnami chart) kafkit says so and sends
nothing. --dry-run checks and prints what it would remove (exit 3).`

func newCmdAddController(f *cmdutil.Factory, runF func(context.Context, *voterOptions) error) *cobra.Command {
	opts := &voterOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer(), Add: true}
	var dir string
	var eps []string
	cmd := &cobra.Command{
		Use:   "add-controller --id N --directory-id ID --endpoint NAME://HOST:PORT...",
		Short: "Add a controller to a dynamic quorum (KIP-853)",
		Long:  addControllerLong,
		Example: `  kafkit cluster quorum        # the new controller is listed as an observer, with its directory id
  kafkit cluster quorum add-controller --id 4 --directory-id pbvuBlaTTwKRxS5NLJwRFQ --endpoint CONTROLLER://kafka-controller-3:9093 --dry-run`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("id") || dir == "" || len(eps) == 0 {
				return cmdutil.UsageErrorf("give --id, --directory-id and at least one --endpoint")
			}
			if err := parseVoterFlags(opts, dir, eps); err != nil {
				return err
			}
			return runVoter(cmd.Context(), opts, runF)
		},
	}
	cmd.Flags().Int32Var(&opts.ID, "id", -1, "the new controller's node.id")
	cmd.Flags().StringVar(&dir, "directory-id", "", "the directory id of its metadata log directory (base64, 22 characters)")
	cmd.Flags().StringArrayVar(&eps, "endpoint", nil, "a controller listener, NAME://HOST:PORT (repeatable)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check and print what would be added; send nothing")
	return cmd
}

func newCmdRemoveController(f *cmdutil.Factory, runF func(context.Context, *voterOptions) error) *cobra.Command {
	opts := &voterOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Prompter: f.Confirmer()}
	var dir string
	cmd := &cobra.Command{
		Use:   "remove-controller ID [--directory-id ID]",
		Short: "Remove a controller from a dynamic quorum (KIP-853)",
		Long:  removeControllerLong,
		Example: `  kafkit cluster quorum remove-controller 3 --dry-run
  kafkit cluster quorum remove-controller 3 --yes`,
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 32)
			if err != nil || id < 0 {
				return cmdutil.UsageErrorf("%q is not a controller id (a number, 0 or more)", args[0])
			}
			opts.ID = int32(id)
			if err := parseVoterFlags(opts, dir, nil); err != nil {
				return err
			}
			return runVoter(cmd.Context(), opts, runF)
		},
	}
	cmd.Flags().StringVar(&dir, "directory-id", "", "the voter's directory id (default: the one DescribeQuorum reports)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check and print what would be removed; send nothing")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func runVoter(ctx context.Context, opts *voterOptions, runF func(context.Context, *voterOptions) error) error {
	if runF != nil {
		return runF(ctx, opts)
	}
	return voterRun(ctx, opts)
}

// parseVoterFlags checks the directory id and endpoints (usage errors, nothing sent).
func parseVoterFlags(opts *voterOptions, dir string, eps []string) error {
	if opts.Add && opts.ID < 0 {
		return cmdutil.UsageErrorf("--id %d: controller ids are 0 or more", opts.ID)
	}
	if dir != "" {
		id, err := ParseDirectoryID(dir)
		if err != nil {
			return cmdutil.UsageErrorf("--directory-id: %v", err)
		}
		opts.DirectoryID, opts.HasDirID = id, true
	}
	for _, e := range eps {
		l, err := ParseEndpoint(e)
		if err != nil {
			return cmdutil.UsageErrorf("--endpoint: %v", err)
		}
		opts.Endpoints = append(opts.Endpoints, l)
	}
	return nil
}

// ParseDirectoryID decodes a Kafka Uuid as printed (22 characters of URL-safe base64).
func ParseDirectoryID(s string) ([16]byte, error) {
	var id [16]byte
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 16 {
		return id, fmt.Errorf("%q is not a directory id (22 characters of base64, as meta.properties directory.id)", s)
	}
	copy(id[:], b)
	return id, nil
}

// ParseEndpoint parses NAME://HOST:PORT (an IPv6 host in brackets).
func ParseEndpoint(s string) (kmsg.AddRaftVoterRequestListener, error) {
	l := kmsg.NewAddRaftVoterRequestListener()
	name, addr, ok := strings.Cut(s, "://")
	if !ok || name == "" {
		return l, fmt.Errorf("%q: use LISTENER_NAME://HOST:PORT, such as CONTROLLER://kafka-controller-3:9093", s)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return l, fmt.Errorf("%q: use LISTENER_NAME://HOST:PORT, such as CONTROLLER://kafka-controller-3:9093", s)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return l, fmt.Errorf("%q: %q is not a port", s, port)
	}
	l.Name, l.Host, l.Port = name, host, uint16(p)
	return l, nil
}

func voterRun(ctx context.Context, opts *voterOptions) error {
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
	what, err := planVoterChange(opts, q)
	if err != nil {
		return err
	}
	if opts.DryRun {
		fmt.Fprintf(opts.IO.Out, "would %s (dry run)\n", what)
		return cmdutil.CheckFailed("")
	}
	if !opts.Add {
		if err := cmdutil.Confirm(opts.Prompter, opts.Yes, "Really "+what+"?"); err != nil {
			return err
		}
	}
	if err := sendVoterChange(ctx, adm, opts); err != nil {
		return err
	}
	verb := "added"
	if !opts.Add {
		verb = "removed"
	}
	fmt.Fprintf(opts.IO.Out, "%s controller %d\n", verb, opts.ID)
	return nil
}

// planVoterChange is the pure check of an add or remove against the quorum: a static quorum
// is refused with StaticQuorumMessage; it returns what would be done.
func planVoterChange(opts *voterOptions, q QuorumDescription) (string, error) {
	if !q.Dynamic {
		return "", fmt.Errorf("%s", StaticQuorumMessage)
	}
	voters := 0
	var found *QuorumMember
	for i, r := range q.Replicas {
		if r.Role != "observer" {
			voters++
		}
		if r.NodeID == opts.ID && r.Role != "observer" {
			found = &q.Replicas[i]
		}
	}
	if opts.Add {
		if found != nil {
			return "", fmt.Errorf("controller %d is already a voter", opts.ID)
		}
		var eps []string
		for _, e := range opts.Endpoints {
			eps = append(eps, fmt.Sprintf("%s://%s", e.Name, net.JoinHostPort(e.Host, strconv.Itoa(int(e.Port)))))
		}
		return fmt.Sprintf("add controller %d with directory id %s and endpoints %s", opts.ID, base64.RawURLEncoding.EncodeToString(opts.DirectoryID[:]), strings.Join(eps, ", ")), nil
	}
	if found == nil {
		return "", fmt.Errorf("controller %d is not a voter of the quorum", opts.ID)
	}
	if voters <= 2 {
		return "", fmt.Errorf("the quorum has %d voters: removing controller %d would leave it without a fault-tolerant majority; add a controller first", voters, opts.ID)
	}
	if !opts.HasDirID {
		id, err := ParseDirectoryID(found.DirectoryID)
		if err != nil {
			return "", fmt.Errorf("DescribeQuorum reports no directory id for controller %d: pass --directory-id", opts.ID)
		}
		opts.DirectoryID, opts.HasDirID = id, true
	}
	return fmt.Sprintf("remove controller %d with directory id %s", opts.ID, base64.RawURLEncoding.EncodeToString(opts.DirectoryID[:])), nil
}

// sendVoterChange sends AddRaftVoter or RemoveRaftVoter and checks the answer.
func sendVoterChange(ctx context.Context, adm *cmdutil.Admin, opts *voterOptions) error {
	var code int16
	var msg *string
	if opts.Add {
		req := kmsg.NewPtrAddRaftVoterRequest()
		req.TimeoutMillis = 30000
		req.VoterID, req.VoterDirectoryID, req.Listeners = opts.ID, opts.DirectoryID, opts.Endpoints
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return err
		}
		code, msg = resp.ErrorCode, resp.ErrorMessage
	} else {
		req := kmsg.NewPtrRemoveRaftVoterRequest()
		req.VoterID, req.VoterDirectoryID = opts.ID, opts.DirectoryID
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return err
		}
		code, msg = resp.ErrorCode, resp.ErrorMessage
	}
	if err := kerr.ErrorForCode(code); err != nil {
		if msg != nil && *msg != "" {
			return fmt.Errorf("the controller refused: %w: %s", err, *msg)
		}
		return fmt.Errorf("the controller refused: %w", err)
	}
	return nil
}
