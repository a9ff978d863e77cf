package cluster

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/client"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/output"
)

type checkOptions struct {
	IO      *cmdutil.IOStreams
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Source  *checkSource
	Printer output.Printer

	Want     map[string]bool
	Limits   checkLimits
	Topics   *regexp.Regexp
	Watch    bool
	Interval time.Duration
}

// CheckReport is what `cluster check` prints: -o json prints it as is.
type CheckReport struct {
	Healthy   bool      `json:"healthy"`
	ElapsedMS float64   `json:"elapsed_ms"`
	Findings  []Finding `json:"findings"`
}

const checkLong = `Check the cluster's health in one command and answer with the exit code: 0 healthy, 3 a
check failed (each failed check is named on stderr with what to do), 1 kafkit could not check
(the cluster did not answer). A Helm test hook, a readiness probe or a script can use it as is.

Checks (ids for --only and --skip):
  brokers             every expected broker is registered and unfenced (--expect-brokers N,
                      default: the controller quorum's voters, as in the chart's combined nodes)
  quorum              the KRaft metadata quorum has a leader and every voter is within
                      --max-voter-lag records of it (and caught up in the last 10 s)
  partitions          no offline, under-replicated or under-min-ISR partitions, and none at
                      min.insync.replicas with a replica missing (counts and the worst topics)
  replication-factor  every topic's replication factor >= min.insync.replicas + 1, so one
                      broker can be lost while acks=all producers keep writing
  internal-topics     __consumer_offsets and __transaction_state at replication factor >= 3
                      on a cluster of 3 brokers or more
  listeners           every broker's advertised host resolves from here and answers a Kafka
                      request with this client's protocol (PLAINTEXT, SASL_PLAINTEXT, SSL,
                      SASL_SSL): a CLIENT listener that wants SASL while kafkit speaks
                      PLAINTEXT (or the reverse) is named as such
  disks               no offline log dir, none fuller than --disk-warn
  probe               with --probe-topic T: write one record with acks=all, read it back and
                      report the round trip

Everything is fetched at once (metadata, DescribeCluster, DescribeQuorum, the topics'
min.insync.replicas, DescribeLogDirs), so a check takes a few round trips. --topic limits the
topic checks to matching topics (internal topics are always checked). --watch re-runs the
checks every --interval until interrupted.`

func newCmdCheck(f *cmdutil.Factory, runF func(context.Context, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: f.IO, Context: f.Context, Source: factorySource(f)}
	var of cmdutil.OutputFlags
	var only, skip []string
	var diskWarn, topics string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the cluster's health: brokers, quorum, partitions, listeners, disks (exit 3 when a check fails)",
		Long:  checkLong,
		Example: `  kafkit cluster check
  kafkit cluster check --only brokers,partitions -o json
  kafkit cluster check --probe-topic kafkit-probe --disk-warn 90%
  kafkit cluster check --skip listeners --watch --interval 10s`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if err := completeCheck(opts, only, skip, diskWarn, topics); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&only, "only", nil, "run only these checks (comma-separated ids: "+strings.Join(checkIDs, ",")+")")
	fl.StringSliceVar(&skip, "skip", nil, "skip these checks (comma-separated ids)")
	fl.IntVar(&opts.Limits.ExpectBrokers, "expect-brokers", 0, "brokers that must be up (default: the quorum's voters)")
	fl.Int64Var(&opts.Limits.MaxVoterLag, "max-voter-lag", 1000, "metadata records a voter may be behind the quorum leader")
	fl.StringVar(&diskWarn, "disk-warn", "80%", "fail when a log dir's volume is this full (percent)")
	fl.StringVar(&opts.Limits.ProbeTopic, "probe-topic", "", "write one record to this topic with acks=all and read it back")
	fl.StringVar(&topics, "topic", "", "check only the topics matching this regular expression (internal topics always)")
	fl.BoolVarP(&opts.Watch, "watch", "w", false, "re-run the checks every --interval until interrupted")
	fl.DurationVar(&opts.Interval, "interval", 5*time.Second, "with --watch: time between runs")
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// completeCheck validates the flags into options (pure; usage errors exit 2, nothing sent).
func completeCheck(opts *checkOptions, only, skip []string, diskWarn, topics string) error {
	want, err := selectChecks(only, skip)
	if err != nil {
		return err
	}
	opts.Want = want
	if opts.Limits.DiskWarn, err = parsePercent(diskWarn); err != nil {
		return cmdutil.UsageErrorf("--disk-warn %q: %v", diskWarn, err)
	}
	if opts.Limits.ExpectBrokers < 0 || opts.Limits.MaxVoterLag < 0 {
		return cmdutil.UsageErrorf("--expect-brokers and --max-voter-lag cannot be negative")
	}
	if opts.Watch && opts.Interval <= 0 {
		return cmdutil.UsageErrorf("--interval must be positive")
	}
	if topics != "" {
		re, err := regexp.Compile("^(?:" + topics + ")$")
		if err != nil {
			return cmdutil.UsageErrorf("--topic %q is not a valid regular expression: %v", topics, err)
		}
		opts.Topics = re
	}
	return nil
}

func selectChecks(only, skip []string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, id := range checkIDs {
		known[id] = true
	}
	for _, id := range append(append([]string{}, only...), skip...) {
		if !known[id] {
			return nil, cmdutil.UsageErrorf("unknown check %q: the checks are %s", id, strings.Join(checkIDs, ", "))
		}
	}
	want := map[string]bool{}
	for _, id := range checkIDs {
		want[id] = len(only) == 0
	}
	for _, id := range only {
		want[id] = true
	}
	for _, id := range skip {
		want[id] = false
	}
	return want, nil
}

// parsePercent reads "80%", "80" or "12.5%" as a percentage between 0 and 100.
func parsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), 64)
	if err != nil || !(v >= 0 && v <= 100) { // also NaN
		return 0, errors.New("want a percentage between 0% and 100%, such as 80%")
	}
	return v, nil
}

// factorySource reaches the cluster through the factory: the shared admin client, and one
// short-lived client per advertised listener with the same settings and its own watcher (a
// broken listener must not cancel the whole command, as a fatal seed error would).
func factorySource(f *cmdutil.Factory) *checkSource {
	src := &checkSource{Admin: f.Admin, LookupHost: net.DefaultResolver.LookupHost, NewClient: f.NewClient, Now: time.Now}
	src.Connect = func(ctx context.Context, addr string) (string, string, error) {
		s, err := f.Settings()
		if err != nil {
			return err.Error(), "", err
		}
		return connectListener(ctx, s, addr)
	}
	src.Protocol = func() string {
		s, err := f.Settings()
		if err != nil {
			return "PLAINTEXT"
		}
		return protocolOf(s)
	}
	return src
}

// connectListener sends a Metadata request (which needs an authenticated connection) to addr
// alone and explains a failure as the watcher does for seeds.
func connectListener(ctx context.Context, s config.Settings, addr string) (string, string, error) {
	s.Brokers = []string{addr}
	w := client.NewWatcher(s)
	cl, err := client.New(s, w, nil)
	if err != nil {
		return err.Error(), "", err
	}
	defer cl.Close()
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	_, err = cl.SeedBrokers()[0].Request(ctx, req)
	if err == nil {
		return "", "", nil
	}
	var ce *client.ConnError
	if errors.As(w.Explain(err), &ce) {
		return ce.Cause, ce.Hint, err
	}
	return err.Error(), "", err
}

// protocolOf names the security protocol the settings speak, in Kafka's words.
func protocolOf(s config.Settings) string {
	switch {
	case s.TLS.Enabled && s.SASL.Mechanism != "":
		return "SASL_SSL"
	case s.TLS.Enabled:
		return "SSL"
	case s.SASL.Mechanism != "":
		return "SASL_PLAINTEXT"
	}
	return "PLAINTEXT"
}
