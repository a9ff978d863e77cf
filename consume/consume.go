// Package consume implements `kafkit consume`: read records from any point of one or more
// topics, alone or in a consumer group, and write them to stdout in the format asked for.
package consume

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/text"
)

type consumeOptions struct {
	IO            *cmdutil.IOStreams
	Verbose       func() bool
	Timeout       func() time.Duration
	Debugf        func(format string, args ...any)
	Admin         func() (*cmdutil.Admin, error)
	NewClient     func(...kgo.Opt) (*kgo.Client, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)

	Topics        []string
	Regex         bool
	Offset        offsetspec.Spec
	Partitions    []int32
	Num           int64
	UntilEnd      bool
	IdleTimeout   time.Duration
	ReadCommitted bool
	Group         string
	GroupProtocol string // classic | consumer
	ShareGroup    string // --share-group: consume as a share-group member (share.go)
	Format        formatter
}

// consumeLong is the command's manual (--help).
const consumeLong = `Read records from one or more topics and write them to stdout, one per line.

Where to start, -o/--offset (per partition):
  end (default)   only records produced from now on, like kafka-console-consumer.sh
  start           the oldest record (--from-beginning is the same)
  N               offset N (an error if a partition does not hold it; pick one with -p)
  +N              N records after the start
  -N              the last N records of each partition
  @2026-11-20T10:00:00Z, @<unix-ms>, @-1h
                  the first record at or after that time

When to stop: -n N records, -e/--until-end (when every partition reaches the end it had when
kafkit started: a snapshot, even while producers keep writing), --idle-timeout D without a
record: exit 0. Ctrl-C / SIGTERM: exit 130 / 143, at once even while stdout is blocked, after
committing (in a group) what was delivered. On a terminal or with -v kafkit says "Consumed N
records" on stderr; with -e and stdout redirected, a terminal shows progress. Unknown topics,
missing rights and out-of-range offsets exit 1. A partition without a leader is retried for
--timeout; then the others are read and it is named at the end (exit 1). --isolation
read_committed skips aborted and open transactions. -o is the offset, as in kcat: for JSON
output use -J.

Output (one record per line):
  default         the value ("null" for a null value)
  -f TEMPLATE     kcat's tokens: %t topic, %p partition, %o offset, %k key, %K key length
                  (-1 for null), %s value, %S value length, %R value length as 4 big-endian
                  bytes, %h headers (k=v,k2=v2), %T timestamp (unix ms), %d timestamp
                  (RFC 3339), %% a percent sign; escapes \n \t \r \\ \0 \xHH
  -J, --json      {"topic","partition","offset","timestamp","key","value","headers"}; bytes
                  that are not UTF-8 are base64 with "key_encoding"/"value_encoding":"base64";
                  --json-values embeds values that are valid JSON as JSON
  --print FIELDS  the console consumer's print.* layout: any of key,timestamp,partition,
                  offset,headers (or all) before the value, joined by --separator (TAB;
                  escapes \t \n \r \0 \\ \xHH, as produce -K)

Groups: -g GROUP joins the consumer group: partitions come from the group, reading resumes at
the group's committed offsets (-o applies only to partitions without a commit), and kafkit
commits only records delivered: written to stdout and, on a pipe, taken from it by the reader.
A crash, a kill or a reader that goes away (| head) never makes it commit a record the reader
did not take (some may be printed twice). On exit it commits what was delivered and, for
partitions the group had never committed, where this run started (classic protocol only). A closed stdout (>&-) is
refused (exit 1) before anything is read. COORDINATOR_NOT_AVAILABLE (the first group on a new
cluster) and a moving coordinator are retried for --timeout.
--group-protocol picks the classic protocol (the default: it works with every Kafka version
and franz-go handles it fully) or KIP-848's consumer protocol (Kafka 4.0+; the broker assigns
partitions; on Kafka before 4.3 a commit can meet STALE_MEMBER_EPOCH during a rebalance, which
kafkit retries).

Share groups: --share-group G reads as a member of share group G (KIP-932, Kafka 4.1+ with share
groups on). The broker hands out the records (several members may read one partition); kafkit
acknowledges a record (ACCEPT) only once it was delivered, and releases the records it fetched
but did not deliver (-n reached, the reader gone, an interrupt) for redelivery. The group starts
where its share.auto.offset.reset config says (latest by default), so -o, --from-beginning, -p,
-e, -g and --group-protocol are refused with it.

Output is buffered and flushed on every exit path. A closed pipe (| head) ends kafkit
quietly with exit 0.`

const consumeExample = `  # the last 10 records of each partition, then exit
  kafkit consume orders -o -10 -e

  # everything, as JSON lines, into jq
  kafkit consume orders -o start -e -J | jq -c '{key, value}'

  # records since one hour ago, with key and timestamp, like the console consumer
  kafkit consume orders -o @-1h --print key,timestamp

  # kcat-style template
  kafkit consume orders -o start -e -f '%p:%o %k=%s\n'

  # as a member of a group: resumes where the group stopped, commits what was printed
  kafkit consume orders -g billing --from-beginning

  # as a member of a share group (a queue): acknowledges what was printed
  kafkit consume jobs --share-group workers -n 100

  # every topic whose name starts with "orders.", partitions 0 and 2 only, first 100 records
  kafkit consume 'orders\..*' --regex -p 0,2 -o start -n 100`

// consumeFlags are the raw flag values; validate turns them into options.
type consumeFlags struct {
	offset        string
	fromBeginning bool
	isolation     string
	format        string
	json          bool
	jsonValues    bool
	print         string
	separator     string
	// with --print: the console consumer's print.value=false, line.separator,
	// headers.separator and null.literal
	noValue                         bool
	lineSep, headersSep, nullString string
}

// NewCmdConsume returns the `consume` command.
func NewCmdConsume(f *cmdutil.Factory) *cobra.Command {
	return newCmdConsume(f, nil)
}

func newCmdConsume(f *cmdutil.Factory, runF func(context.Context, *consumeOptions) error) *cobra.Command {
	opts := &consumeOptions{
		IO:            f.IO,
		Verbose:       f.Verbose,
		Timeout:       f.Timeout,
		Debugf:        f.Debugf,
		Admin:         f.Admin,
		NewClient:     f.NewClient,
		Context:       f.Context,
		StreamContext: f.StreamContext,
	}
	var fl consumeFlags
	cmd := &cobra.Command{
		Use:               "consume TOPIC... [--regex]",
		Short:             "Read records from topics to stdout (kafka-console-consumer.sh, kcat -C)",
		Long:              consumeLong,
		Example:           consumeExample,
		Args:              cmdutil.Args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if err := validate(cmd, &fl, opts, time.Now()); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return consumeRun(cmd.Context(), opts)
		},
	}
	addFlags(cmd, f, &fl, opts)
	return cmd
}

// addFlags declares consume's flags and their completions.
func addFlags(cmd *cobra.Command, f *cmdutil.Factory, fl *consumeFlags, opts *consumeOptions) {
	fs := cmd.Flags()
	fs.BoolVar(&opts.Regex, "regex", false, "treat TOPIC arguments as regular expressions matched against whole topic names")
	fs.StringVarP(&fl.offset, "offset", "o", "end", "where to start in each partition: start, end, N, +N, -N, @time, @-1h")
	fs.BoolVar(&fl.fromBeginning, "from-beginning", false, "same as -o start")
	fs.VarP((*partitionList)(&opts.Partitions), "partitions", "p", "read only these partitions, e.g. 0,2,5")
	fs.Int64VarP(&opts.Num, "num", "n", 0, "stop after N records")
	fs.BoolVarP(&opts.UntilEnd, "until-end", "e", false, "stop when every partition reaches the end it had at start")
	fs.DurationVar(&opts.IdleTimeout, "idle-timeout", 0, "stop after this long without a record or, in a group, a change of assignment (e.g. 5s)")
	fs.StringVar(&fl.isolation, "isolation", "read_uncommitted", "read_uncommitted or read_committed (skip aborted and open transactions)")
	fs.StringVarP(&opts.Group, "group", "g", "", "consume as a member of this consumer group (commits what was written)")
	fs.StringVar(&opts.GroupProtocol, "group-protocol", "classic", "classic or consumer (KIP-848, Kafka 4.0+)")
	fs.StringVar(&opts.ShareGroup, "share-group", "", "consume as a member of this share group (KIP-932, Kafka 4.1+ with share groups on); acknowledges what was written")
	fs.StringVarP(&fl.format, "format", "f", "", "kcat-style template, e.g. '%t/%p@%o %k=%s\\n'")
	fs.BoolVarP(&fl.json, "json", "J", false, "one JSON object per record")
	fs.BoolVar(&fl.jsonValues, "json-values", false, "with -J: embed values that are valid JSON as JSON")
	fs.StringVar(&fl.print, "print", "", "console-consumer layout: key,timestamp,partition,offset,epoch,headers or all (every one but epoch)")
	fs.StringVar(&fl.separator, "separator", "\t", `with --print: separator between fields (escapes \t \n \r \0 \\ \xHH)`)
	fs.BoolVar(&fl.noValue, "no-value", false, "with --print: leave the value out")
	fs.StringVar(&fl.lineSep, "line-separator", `\n`, "with --print: what ends each record (escapes as --separator)")
	fs.StringVar(&fl.headersSep, "headers-separator", ",", "with --print: what separates headers (escapes as --separator)")
	fs.StringVar(&fl.nullString, "null-literal", nullLiteral, "with --print: what a null key, value or header value prints as")
	_ = cmd.RegisterFlagCompletionFunc("offset", cobra.FixedCompletions([]string{"start", "end", "-10", "@-1h"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("isolation", cobra.FixedCompletions([]string{"read_uncommitted", "read_committed"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("group-protocol", cobra.FixedCompletions([]string{"classic", "consumer"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	_ = cmd.RegisterFlagCompletionFunc("print", cobra.FixedCompletions([]string{"key", "timestamp", "partition", "offset", "headers", "all"}, cobra.ShellCompDirectiveNoFileComp))
}

// validate checks flag combinations and resolves the offset spec and the output format: every
// problem is a usage error, found before anything is sent to Kafka.
func validate(cmd *cobra.Command, fl *consumeFlags, opts *consumeOptions, now time.Time) error {
	changed := cmd.Flags().Changed
	for _, phase := range []func() error{
		func() error { return validateTopics(opts) },
		func() error { return validateOffset(fl, opts, changed("offset"), now) },
		func() error { return validateLimits(fl, opts) },
		func() error { return validateGroup(opts, changed("group-protocol")) },
		func() error { return validateShareGroup(opts, changed) },
		func() error { return validateFormat(fl, opts, changed) },
	} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// validateTopics refuses empty names and, with --regex, bad patterns.
func validateTopics(opts *consumeOptions) error {
	for _, t := range opts.Topics {
		if t == "" {
			return cmdutil.UsageErrorf("an empty topic name: name a topic (kafkit topic list shows them)")
		}
		if opts.Regex {
			if _, err := cmdutil.NameRegex(t); err != nil {
				return cmdutil.UsageErrorf("--regex: %v", err)
			}
		}
	}
	return nil
}

// outputNames are -o values that mean an output format elsewhere in kafkit; for consume -o is
// the offset (as in kcat), so they get a pointer to the right flag.
var outputNames = map[string]string{"json": "-J / --json", "yaml": "-J / --json", "table": "--print or -f", "wide": "--print or -f", "name": "-f '%t\\n'"}

// validateOffset resolves -o / --from-beginning.
func validateOffset(fl *consumeFlags, opts *consumeOptions, offsetChanged bool, now time.Time) error {
	if hint, ok := outputNames[strings.ToLower(fl.offset)]; ok {
		return cmdutil.UsageErrorf("-o %s: for consume -o is the offset to start at (as in kcat), not the output format: did you mean %s?", fl.offset, hint)
	}
	spec, err := offsetspec.Parse(fl.offset, now)
	if err != nil {
		return cmdutil.UsageErrorf("-o/--offset: %v", err)
	}
	if fl.fromBeginning {
		if offsetChanged && spec.Kind != offsetspec.Start {
			return cmdutil.UsageErrorf("--from-beginning and -o %s contradict each other: use one", fl.offset)
		}
		spec = offsetspec.Spec{Kind: offsetspec.Start}
	}
	opts.Offset = spec
	return nil
}

// validateLimits checks partitions, -n, --idle-timeout and --isolation.
func validateLimits(fl *consumeFlags, opts *consumeOptions) error {
	for _, p := range opts.Partitions {
		if p < 0 {
			return cmdutil.UsageErrorf("-p/--partitions: partition %d is negative", p)
		}
	}
	if opts.Num < 0 {
		return cmdutil.UsageErrorf("-n/--num must be positive, got %d", opts.Num)
	}
	if opts.IdleTimeout < 0 {
		return cmdutil.UsageErrorf("--idle-timeout must be positive, got %s", opts.IdleTimeout)
	}
	switch fl.isolation {
	case "read_uncommitted":
	case "read_committed":
		opts.ReadCommitted = true
	default:
		return cmdutil.UsageErrorf("--isolation %q: use read_uncommitted or read_committed", fl.isolation)
	}
	return nil
}

// validateGroup checks -g and --group-protocol.
func validateGroup(opts *consumeOptions, protocolChanged bool) error {
	if opts.Group == "" {
		if protocolChanged {
			return cmdutil.UsageErrorf("--group-protocol needs -g/--group")
		}
		return nil
	}
	if len(opts.Partitions) > 0 {
		return cmdutil.UsageErrorf("-p/--partitions cannot be used with -g/--group: the group assigns the partitions")
	}
	switch opts.GroupProtocol {
	case "classic", "consumer":
		return nil
	}
	return cmdutil.UsageErrorf("--group-protocol %q: use classic or consumer", opts.GroupProtocol)
}

// validateFormat picks the one output format (-f, -J, --print or the value).
func validateFormat(fl *consumeFlags, opts *consumeOptions, changed func(string) bool) error {
	var modes []string
	if changed("format") {
		modes = append(modes, "-f/--format")
	}
	if fl.json {
		modes = append(modes, "-J/--json")
	}
	if changed("print") {
		modes = append(modes, "--print")
	}
	if len(modes) > 1 {
		return cmdutil.UsageErrorf("%s choose different outputs: use one", strings.Join(modes, " and "))
	}
	if fl.jsonValues && !fl.json {
		return cmdutil.UsageErrorf("--json-values needs -J/--json")
	}
	for _, name := range []string{"separator", "no-value", "line-separator", "headers-separator", "null-literal"} {
		if changed(name) && !changed("print") {
			return cmdutil.UsageErrorf("--%s needs --print", name)
		}
	}
	switch {
	case changed("format"):
		toks, err := parseTemplate(fl.format)
		if err != nil {
			return cmdutil.UsageErrorf("-f/--format: %v", err)
		}
		opts.Format = templateFormat{toks: toks}
	case fl.json:
		opts.Format = jsonFormat{embedJSON: fl.jsonValues}
	case changed("print"):
		sep, err := text.Unescape(fl.separator)
		if err != nil {
			return cmdutil.UsageErrorf("--separator: %v", err)
		}
		p, err := parsePrint(fl.print, sep)
		if err != nil {
			return cmdutil.UsageErrorf("--print: %v", err)
		}
		if err := printExtras(&p, fl); err != nil {
			return err
		}
		opts.Format = p
	default:
		opts.Format = valueFormat{}
	}
	return nil
}

// partitionList is -p's value: comma-separated partition ids, repeatable.
type partitionList []int32

func (l *partitionList) String() string {
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = strconv.Itoa(int(p))
	}
	return strings.Join(parts, ",")
}

func (l *partitionList) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not a partition id: use ids such as 0,2,5", f)
		}
		*l = append(*l, int32(n))
	}
	return nil
}

func (l *partitionList) Type() string { return "ids" }

// printExtras applies --no-value, --line-separator, --headers-separator and --null-literal.
func printExtras(p *printFormat, fl *consumeFlags) error {
	p.noValue, p.null = fl.noValue, fl.nullString
	for _, sep := range []struct {
		name, in string
		out      *string
	}{{"line-separator", fl.lineSep, &p.lineSep}, {"headers-separator", fl.headersSep, &p.headersSep}} {
		v, err := text.Unescape(sep.in)
		if err != nil {
			return cmdutil.UsageErrorf("--%s: %v", sep.name, err)
		}
		*sep.out = v
	}
	return nil
}
