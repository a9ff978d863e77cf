// Package produce implements `kafkit produce`: records from stdin or files into a topic, fast,
// and never reporting a record as delivered that the cluster did not acknowledge.
package produce

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/offsetspec"
)

type produceOptions struct {
	IO            *cmdutil.IOStreams
	Admin         func() (*cmdutil.Admin, error)
	NewClient     func(opts ...kgo.Opt) (*kgo.Client, error)
	Context       func(context.Context) (context.Context, context.CancelFunc, error)
	StreamContext func(context.Context) (context.Context, context.CancelFunc, error)
	Settings      func() (config.Settings, error)
	Now           func() time.Time

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

	Acks            string // all, 1, 0
	Compression     string
	Linger          time.Duration
	BatchMaxBytes   int32 // 0: the record size limit
	MaxRecordBytes  int   // 0: the topic's max.message.bytes
	DeliveryTimeout time.Duration
	CreateTopic     bool

	Quiet   bool
	Summary bool
}

// Input formats and delivery settings the flags accept.
var (
	inputFormats = []string{"lines", "json", "raw"}
	acksValues   = []string{"all", "1", "0"}
	codecs       = []string{"none", "gzip", "snappy", "lz4", "zstd"}
)

// NewCmdProduce returns the `produce` command.
func NewCmdProduce(f *cmdutil.Factory) *cobra.Command {
	return newCmdProduce(f, nil)
}

func newCmdProduce(f *cmdutil.Factory, runF func(context.Context, *produceOptions) error) *cobra.Command {
	opts := &produceOptions{
		IO: f.IO, Admin: f.Admin, NewClient: f.NewClient, Context: f.Context,
		StreamContext: f.StreamContext, Settings: f.Settings, Now: time.Now,
	}
	var (
		headers   []string
		partition int32
		timestamp string
	)
	cmd := &cobra.Command{
		Use:   "produce TOPIC [-f FILE ...]",
		Short: "Produce records from stdin or files",
		Long: `Produce records to TOPIC from stdin, or from the files given with -f, in order.

Input formats (--input):
  lines  one record per line (LF or CRLF). The whole line is the value, or with -K SEP the
         line is key<SEP>value, split at the first SEP. A line without SEP is an error that
         names the line, unless --allow-missing-key sends it with a null key. An empty line is
         a record with an empty value, unless --skip-empty.
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
max.message.bytes) fails before it is sent, naming its line and size.

Accounting: exit 0 only if every record was acknowledged by the cluster. Otherwise exit 1 with
the count of failed records and the first errors with their line numbers. On Ctrl-C (SIGINT)
or SIGTERM, kafkit stops reading, waits up to --timeout for records in flight, reports what was
delivered and what was not, and exits 130 / 143.

A summary (records, bytes, partitions, rate) is printed on stderr when stderr is a terminal,
with -v, or always with --summary. When stdin is a terminal, each line is sent at once and its
partition and offset printed; Ctrl-D ends. Producing files to a terminal shows a progress bar
(off with --quiet).`,
		Example: `  # one record per line
  printf 'hello\nworld\n' | kafkit produce orders
  # key,value lines, as kafka-console-producer --property parse.key=true --property key.separator=,
  printf 'k1,v1\nk2,v2\n' | kafkit produce orders -K ,
  # files, in order, with a header on every record, compressed
  kafkit produce orders -f day1.txt -f day2.txt -H source=import --compression zstd
  # JSON lines with keys, headers, binary values
  echo '{"key":"k1","value":{"n":1},"headers":{"trace":"abc"}}' | kafkit produce orders --input json
  # one binary file as one record
  kafkit produce images --input raw -f logo.png -k logo`,
		Args:              cmdutil.Args(cobra.ExactArgs(1)),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			fl := cmd.Flags()
			opts.KeySepSet = fl.Changed("key-separator")
			opts.NullMarkerSet = fl.Changed("null-marker")
			opts.KeySet = fl.Changed("key")
			if !fl.Changed("linger") && opts.IO.InTTY && stdinOnly(opts.Files) {
				opts.Linger = 0 // a person typing wants each line sent at once
			}
			if err := completeOptions(opts, headers, partition, fl.Changed("partition"), timestamp); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return produceRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Files, "file", "f", nil, "read records from `FILE` instead of stdin (repeatable, read in order; - is stdin)")
	fl.StringVar(&opts.Input, "input", "lines", "input format: "+strings.Join(inputFormats, "|"))
	fl.StringVarP(&opts.KeySeparator, "key-separator", "K", "", "lines are key<`SEP`>value, split at the first SEP (e.g. , or '\\t')")
	fl.BoolVar(&opts.AllowMissingKey, "allow-missing-key", false, "with -K, send a line without the separator with a null key instead of failing")
	fl.StringVar(&opts.NullMarker, "null-marker", "", "a key or value equal to `S` is sent as null (e.g. NULL)")
	fl.BoolVar(&opts.SkipEmpty, "skip-empty", false, "skip empty lines (by default an empty line is a record with an empty value)")
	fl.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "skip invalid lines (bad JSON, missing separator, too large) with a warning instead of stopping")
	fl.StringVarP(&opts.Key, "key", "k", "", "fixed key `K` for every record")
	fl.StringArrayVarP(&headers, "header", "H", nil, "add header `k=v` to every record (repeatable)")
	fl.Int32VarP(&partition, "partition", "p", -1, "send every record to partition `N` (default: by key, as the Java producer; a JSON \"partition\" wins)")
	fl.Lookup("partition").DefValue = "0" // pflag then prints no "(default -1)"
	fl.StringVar(&timestamp, "timestamp", "", "record timestamp: 2026-11-20T10:00:00Z, unix ms or -1h (default: the time of sending)")
	fl.StringVar(&opts.Acks, "acks", "all", "acknowledgements to wait for: all|1|0 (1 and 0 turn idempotence off)")
	fl.StringVar(&opts.Compression, "compression", "none", "batch compression: "+strings.Join(codecs, "|"))
	fl.DurationVar(&opts.Linger, "linger", 10*time.Millisecond, "how long to wait for more records before sending a batch (0 when typing at a terminal)")
	fl.Int32Var(&opts.BatchMaxBytes, "batch-max-bytes", 0, "largest batch in bytes (default: the record size limit)")
	fl.IntVar(&opts.MaxRecordBytes, "max-record-bytes", 0, "largest record in bytes; larger ones fail before sending (default: the topic's max.message.bytes)")
	fl.DurationVar(&opts.DeliveryTimeout, "delivery-timeout", 2*time.Minute, "give up on a record not acknowledged within this time (as delivery.timeout.ms)")
	fl.BoolVar(&opts.CreateTopic, "create-topic", false, "create the topic with the cluster's defaults if it does not exist")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress bar and no summary (errors are still printed)")
	fl.BoolVar(&opts.Summary, "summary", false, "always print the summary on stderr, also in pipes")
	_ = cmd.RegisterFlagCompletionFunc("input", cobra.FixedCompletions(inputFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("acks", cobra.FixedCompletions(acksValues, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("compression", cobra.FixedCompletions(codecs, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func stdinOnly(files []string) bool {
	for _, f := range files {
		if f != "-" {
			return false
		}
	}
	return true
}

// completeOptions validates the flags and fills the parsed values; every error is a usage
// error (exit 2) found before anything is sent.
func completeOptions(o *produceOptions, headers []string, partition int32, partitionSet bool, timestamp string) error {
	if !oneOf(o.Input, inputFormats) {
		return cmdutil.UsageErrorf("unknown --input %q: use one of %s", o.Input, strings.Join(inputFormats, ", "))
	}
	if o.Acks == "-1" {
		o.Acks = "all"
	}
	if !oneOf(o.Acks, acksValues) {
		return cmdutil.UsageErrorf("unknown --acks %q: use all, 1 or 0", o.Acks)
	}
	if !oneOf(o.Compression, codecs) {
		return cmdutil.UsageErrorf("unknown --compression %q: use one of %s", o.Compression, strings.Join(codecs, ", "))
	}
	if o.KeySepSet {
		if o.Input != "lines" {
			return cmdutil.UsageErrorf("-K/--key-separator applies to --input lines only")
		}
		if o.KeySeparator == "" {
			return cmdutil.UsageErrorf("-K/--key-separator cannot be empty")
		}
		o.KeySeparator = unescape(o.KeySeparator)
		if strings.Contains(o.KeySeparator, "\n") {
			return cmdutil.UsageErrorf("-K/--key-separator cannot contain a newline")
		}
	}
	if o.AllowMissingKey && !o.KeySepSet {
		return cmdutil.UsageErrorf("--allow-missing-key needs -K/--key-separator")
	}
	if o.KeySet && o.KeySepSet {
		return cmdutil.UsageErrorf("-k/--key and -K/--key-separator cannot be used together: the key is either fixed or in the line")
	}
	if o.NullMarkerSet && o.Input != "lines" {
		return cmdutil.UsageErrorf("--null-marker applies to --input lines only (JSON has null)")
	}
	if o.SkipEmpty && o.Input == "raw" {
		return cmdutil.UsageErrorf("--skip-empty does not apply to --input raw")
	}
	for _, h := range headers {
		k, v, ok := strings.Cut(h, "=")
		if !ok || k == "" {
			return cmdutil.UsageErrorf("bad -H/--header %q: use key=value", h)
		}
		o.Headers = append(o.Headers, header{key: k, value: []byte(v)})
	}
	o.Partition = -1
	if partitionSet {
		if partition < 0 {
			return cmdutil.UsageErrorf("bad -p/--partition %d: partitions are numbered from 0", partition)
		}
		o.Partition = partition
	}
	o.Timestamp = -1
	if timestamp != "" {
		ms, err := offsetspec.ParseTime(timestamp, o.Now())
		if err != nil {
			return cmdutil.UsageErrorf("bad --timestamp: %v", err)
		}
		o.Timestamp = ms
	}
	if o.Linger < 0 {
		return cmdutil.UsageErrorf("--linger cannot be negative")
	}
	if o.DeliveryTimeout < 0 {
		return cmdutil.UsageErrorf("--delivery-timeout cannot be negative (0 means no limit)")
	}
	if o.BatchMaxBytes != 0 && (o.BatchMaxBytes < 512 || o.BatchMaxBytes > 1<<30) {
		return cmdutil.UsageErrorf("--batch-max-bytes must be between 512 and %d", 1<<30)
	}
	if o.MaxRecordBytes < 0 || o.MaxRecordBytes > 1<<30 {
		return cmdutil.UsageErrorf("--max-record-bytes must be between 1 and %d", 1<<30)
	}
	return nil
}

func oneOf(s string, allowed []string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}

// unescape turns \t, \n, \r and \\ typed in a shell into the characters, as kcat -K does, so
// that -K '\t' is a tab.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`); err == nil {
		return u
	}
	return s
}

// acks maps --acks to kgo.
func acks(s string) kgo.Acks {
	switch s {
	case "0":
		return kgo.NoAck()
	case "1":
		return kgo.LeaderAck()
	}
	return kgo.AllISRAcks()
}

// codec maps --compression to kgo.
func codec(s string) kgo.CompressionCodec {
	switch s {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}
