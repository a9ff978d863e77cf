// Package produce implements `kafkit produce`: records from stdin or files into a topic, fast,
// and never reporting a record as delivered that the cluster did not acknowledge.
package produce

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type produceOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	NewClient     func(opts ...kgo.Opt) (*kgo.Client, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Verbose       func() bool
	Timeout       func() time.Duration // --timeout: the default delivery timeout, the wait after Ctrl-C
	// Signals reports the signals that arrive while kafkit waits for records in flight after
	// the first Ctrl-C (a second one stops at once); stop ends the watch.
	Signals func() (ch <-chan os.Signal, stop func())
	Now     func() time.Time

	Topic string
	Files []string // empty: stdin; "-" is stdin too
	Input string   // lines, json, raw

	KeySeparator    string // "" with KeySepSet false: no key in the line
	KeySepSet       bool
	AllowMissingKey bool
	NullMarker      string
	NullMarkerSet   bool
	SkipEmpty       bool
	SkipInvalid     bool

	Key       string
	KeySet    bool
	Headers   []header
	Partition int32 // -1: partitioner's choice
	Timestamp int64 // unix ms; -1: now

	Acks               string // all, 1, 0
	Compression        string
	Linger             time.Duration
	BatchMaxBytes      int32 // 0: the record size limit
	MaxRecordBytes     int   // 0: the topic's max.message.bytes
	DeliveryTimeout    time.Duration
	DeliveryTimeoutSet bool // false: --timeout bounds delivery
	CreateTopic        bool

	Quiet   bool
	Summary bool
}

// rawFlags are flag values that completeOptions turns into options.
type rawFlags struct {
	headers      []string
	partition    int32
	partitionSet bool
	timestamp    string
}

// Input formats and delivery settings the flags accept.
var (
	inputFormats = []string{"lines", "json", "raw"}
	acksValues   = []string{"all", "1", "0"}
	codecs       = []string{"none", "gzip", "snappy", "lz4", "zstd"}
)

const produceLong = `Produce records to TOPIC from stdin, or from the files given with -f, in order.

Input formats (--input):
  lines  one record per line (LF or CRLF). The whole line is the value, or with -K SEP the
         line is key<SEP>value, split at the first SEP. SEP understands the escapes \t \n \r
         \0 \\ and \xHH (-K '\t', -K '\x01'); any other escape (-K '\x', -K '\q') is a usage
         error. A line without SEP is an error that names the line, unless
         --allow-missing-key sends it with a null key. An empty line is a record with an
         empty value, unless --skip-empty.
  json   one JSON object per line: "key", "value" (a string is sent as is, other JSON is sent
         compact, null is null), "key_b64"/"value_b64" for binary, "headers" ({"k":"v"} or
         [["k","v"]]), "partition", "timestamp" (unix ms or "2026-11-20T10:00:00Z"). Other
         fields are ignored, and "key_encoding"/"value_encoding": "base64" are understood, so
         the output of kafkit consume -J can be produced again. A malformed line stops the
         input there (records before it are sent): nothing after it is sent unless
         --skip-invalid.
  raw    the whole input (each file) is one record: for binary payloads.

Keyed records go to the partition the Java producer (kafka-console-producer.sh) would choose
(murmur2 of the key), unkeyed records are spread in batches. -p sends every record to one
partition.

Delivery: acks=all and idempotence by default (no duplicates on retries); --acks 1 or 0 turns
idempotence off (with --acks 0 nothing is acknowledged: a record counts as delivered once
written to the network). A record larger than --max-record-bytes (default: the topic's
max.message.bytes) fails before it is sent, naming its line and size. Each record must be
acknowledged within --timeout (10s by default) of being read, or within --delivery-timeout
when given (0: no limit, as the Java producer's delivery.timeout.ms): with brokers down, the
run ends after about that long instead of retrying for minutes. Once a record has timed out,
nothing more is read or sent, and the report names the last line sent.

Accounting: exit 0 only if every record was acknowledged by the cluster. Otherwise exit 1 with
the count of failed records and the first errors with their line numbers and the cluster's
reason. On Ctrl-C (SIGINT) or SIGTERM, kafkit stops reading, waits up to --timeout for
records in flight, reports what was delivered and what was not, and exits 130 / 143; a
second Ctrl-C stops the wait at once (same report, same exit code).

A summary (records, bytes, partitions, rate) is printed on stderr when stderr is a terminal,
with -v, or always with --summary. When stdin is a terminal, each line is sent at once and its
partition and offset printed; Ctrl-D ends. Producing files to a terminal shows a progress bar
(off with --quiet).`

const produceExample = `  # one record per line
  printf 'hello\nworld\n' | kafkit produce orders
  # key,value lines, as kafka-console-producer --property parse.key=true --property key.separator=,
  printf 'k1,v1\nk2,v2\n' | kafkit produce orders -K ,
  # files, in order, with a header on every record, compressed
  kafkit produce orders -f day1.txt -f day2.txt -H source=import --compression zstd
  # JSON lines with keys, headers, binary values
  echo '{"key":"k1","value":{"n":1},"headers":{"trace":"abc"}}' | kafkit produce orders --input json
  # one binary file as one record
  kafkit produce images --input raw -f logo.png -k logo
  # a long import that may ride out a broker restart: each record gets 2 minutes
  kafkit produce orders -f big.txt --delivery-timeout 2m`

// NewCmdProduce returns the `produce` command.
func NewCmdProduce(f *cmdutil.Factory) *cobra.Command {
	return newCmdProduce(f, nil)
}

func newCmdProduce(f *cmdutil.Factory, runF func(context.Context, *produceOptions) error) *cobra.Command {
	opts := &produceOptions{
		IO: f.IO, Admin: f.Admin, NewClient: f.NewClient, Context: f.Context,
		StreamContext: f.StreamContext, Verbose: f.Verbose, Timeout: f.Timeout,
		Signals: notifySignals, Now: time.Now,
	}
	var raw rawFlags
	cmd := &cobra.Command{
		Use:               "produce TOPIC [-f FILE ...]",
		Short:             "Produce records from stdin or files",
		Long:              produceLong,
		Example:           produceExample,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			fl := cmd.Flags()
			opts.KeySepSet = fl.Changed("key-separator")
			opts.NullMarkerSet = fl.Changed("null-marker")
			opts.KeySet = fl.Changed("key")
			opts.DeliveryTimeoutSet = fl.Changed("delivery-timeout")
			raw.partitionSet = fl.Changed("partition")
			if !fl.Changed("linger") && opts.IO.InTTY && stdinOnly(opts.Files) {
				opts.Linger = 0 // a person typing wants each line sent at once
			}
			if err := completeOptions(opts, raw); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return produceRun(cmd.Context(), opts)
		},
	}
	addFlags(cmd.Flags(), opts, &raw)
	_ = cmd.RegisterFlagCompletionFunc("input", cobra.FixedCompletions(inputFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("acks", cobra.FixedCompletions(acksValues, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("compression", cobra.FixedCompletions(codecs, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func addFlags(fl *pflag.FlagSet, opts *produceOptions, raw *rawFlags) {
	// Input.
	fl.StringArrayVarP(&opts.Files, "file", "f", nil, "read records from `FILE` instead of stdin (repeatable, read in order; - is stdin)")
	fl.StringVar(&opts.Input, "input", "lines", "input format: "+strings.Join(inputFormats, "|"))
	fl.StringVarP(&opts.KeySeparator, "key-separator", "K", "", "lines are key<`SEP`>value, split at the first SEP (e.g. , or '\\t' or '\\x01')")
	fl.BoolVar(&opts.AllowMissingKey, "allow-missing-key", false, "with -K, send a line without the separator with a null key instead of failing")
	fl.StringVar(&opts.NullMarker, "null-marker", "", "a key or value equal to `S` is sent as null (e.g. NULL)")
	fl.BoolVar(&opts.SkipEmpty, "skip-empty", false, "skip empty lines (by default an empty line is a record with an empty value)")
	fl.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "skip invalid lines (bad JSON, missing separator, too large) with a warning instead of stopping")
	// Records.
	fl.StringVarP(&opts.Key, "key", "k", "", "fixed key `K` for every record")
	fl.StringArrayVarP(&raw.headers, "header", "H", nil, "add header `k=v` to every record (repeatable)")
	fl.Int32VarP(&raw.partition, "partition", "p", -1, "send every record to partition `N` (default: by key, as the Java producer; a JSON \"partition\" wins)")
	fl.Lookup("partition").DefValue = "0" // pflag then prints no "(default -1)"
	fl.StringVar(&raw.timestamp, "timestamp", "", "record timestamp: 2026-11-20T10:00:00Z, unix ms or -1h (default: the time of sending)")
	// Delivery.
	fl.StringVar(&opts.Acks, "acks", "all", "acknowledgements to wait for: all|1|0 (1 and 0 turn idempotence off)")
	fl.StringVar(&opts.Compression, "compression", "none", "batch compression: "+strings.Join(codecs, "|"))
	fl.DurationVar(&opts.Linger, "linger", 10*time.Millisecond, "how long to wait for more records before sending a batch (0 when typing at a terminal)")
	fl.Int32Var(&opts.BatchMaxBytes, "batch-max-bytes", 0, "largest batch in bytes (default: the record size limit)")
	fl.IntVar(&opts.MaxRecordBytes, "max-record-bytes", 0, "largest record in bytes; larger ones fail before sending (default: the topic's max.message.bytes)")
	fl.DurationVar(&opts.DeliveryTimeout, "delivery-timeout", 0, "give up on a record not acknowledged within this time, as delivery.timeout.ms (default: --timeout; 0: no limit)")
	fl.BoolVar(&opts.CreateTopic, "create-topic", false, "create the topic with the cluster's defaults if it does not exist")
	// Output.
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress bar and no summary (errors are still printed)")
	fl.BoolVar(&opts.Summary, "summary", false, "always print the summary on stderr, also in pipes")
}
