package compat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func consoleConsumerScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "the topic to consume"},
		Option{Name: "include", Arg: RequiredArg, Help: "a regular expression of topics to consume (commas mean or)"},
		Option{Name: "partition", Arg: RequiredArg, Help: "consume only this partition"},
		Option{Name: "offset", Arg: RequiredArg, Help: "with --partition: earliest, latest or an offset"},
		Option{Name: "from-beginning", Help: "start with the earliest record (without a committed offset)"},
		Option{Name: "max-messages", Arg: RequiredArg, Help: "stop after this many records"},
		Option{Name: "timeout-ms", Arg: RequiredArg, Help: "stop after this long without a record"},
		Option{Name: "group", Arg: RequiredArg, Help: "consume as a member of this consumer group"},
		Option{Name: "isolation-level", Arg: RequiredArg, Help: "read_uncommitted or read_committed"},
		Option{Name: "property", Arg: RequiredArg, Repeat: true, Help: "formatter property: print.key/timestamp/partition/offset/headers/value, key.separator, line.separator, headers.separator, null.literal"},
		Option{Name: "formatter-property", Arg: RequiredArg, Repeat: true, Alias: "property", Help: "Kafka 4.2 spelling of --property"},
		Option{Name: "formatter", Arg: RequiredArg, Help: "DefaultMessageFormatter, LoggingMessageFormatter (its stdout) or NoOpMessageFormatter; others are refused"},
		Option{Name: "formatter-config", Arg: RequiredArg, Unsupported: "pass the properties with --property instead"},
		Option{Name: "consumer-property", Arg: RequiredArg, Repeat: true, Help: "a consumer property k=v (group.id, auto.offset.reset, isolation.level, client.id; tuning ones are ignored with a warning)"},
		Option{Name: "command-property", Arg: RequiredArg, Repeat: true, Alias: "consumer-property", Help: "Kafka 4.2 spelling of --consumer-property"},
		Option{Name: "consumer.config", Arg: RequiredArg, Alias: "command-config", Help: "client .properties file (older spelling of --command-config)"},
		Option{Name: "skip-message-on-error", Help: "accepted: kafkit prints every record it receives"},
		Option{Name: "key-deserializer", Arg: RequiredArg, Help: "only String/ByteArray deserializers (the bytes as they are)"},
		Option{Name: "value-deserializer", Arg: RequiredArg, Help: "only String/ByteArray deserializers (the bytes as they are)"},
		Option{Name: "enable-systest-events", Unsupported: "a Kafka system-test feature"},
	)
	return &Script{
		Name:    "kafka-console-consumer.sh",
		Summary: "This tool helps to read data from Kafka topics and outputs it to standard output.",
		Native:  "kafkit consume",
		Options: opts,
		Run:     consoleConsumerRun,
	}
}

func consoleConsumerRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(consoleConsumerScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err) // joptsimple's message, exit 1, as the Java tool
		return cmdutil.SilentError
	}
	args, warnings, err := consumeArgs(p)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(e.IO.ErrOut, "warning:", w)
	}
	return e.Native(ctx, args)
}

// consumeArgs translates a kafka-console-consumer.sh command line into kafkit consume's. What
// cannot be translated exactly is a usage error naming the option, never dropped.
func consumeArgs(p *Parsed) ([]string, []string, error) {
	args := []string{"consume"}
	topic, include := p.Value("topic"), p.Value("include")
	switch {
	case topic != "" && include != "":
		return nil, nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: exactly one of --topic or --include is required")
	case topic != "":
		args = append(args, topic)
	case include != "":
		args = append(args, strings.ReplaceAll(strings.TrimSpace(include), ",", "|"), "--regex")
	default:
		return nil, nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: exactly one of --topic or --include is required")
	}
	start, err := consumeStart(p)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, start...)
	if v := p.Value("max-messages"); v != "" {
		args = append(args, "-n", v)
	}
	if v := p.Value("timeout-ms"); v != "" {
		if _, err := strconv.Atoi(v); err != nil {
			return nil, nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --timeout-ms %q is not a number of milliseconds", v)
		}
		args = append(args, "--idle-timeout", v+"ms")
	}
	if v := p.Value("group"); v != "" {
		args = append(args, "-g", v)
	}
	if v := p.Value("isolation-level"); v != "" {
		args = append(args, "--isolation", v)
	}
	props, warnings, err := consumerProperties(p.Values("consumer-property"))
	if err != nil {
		return nil, nil, err
	}
	args = append(args, props...)
	format, err := formatterArgs(p)
	if err != nil {
		return nil, nil, err
	}
	return append(args, format...), warnings, nil
}

func consumeStart(p *Parsed) ([]string, error) {
	var args []string
	if v := p.Value("partition"); v != "" {
		args = append(args, "-p", v)
	}
	switch off := p.Value("offset"); {
	case off != "" && !p.Has("partition"):
		return nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: the partition is required when offset is specified")
	case off == "earliest":
		return append(args, "-o", "start"), nil
	case off == "latest":
		return append(args, "-o", "end"), nil
	case off != "":
		if n, err := strconv.ParseInt(off, 10, 64); err != nil || n < 0 {
			return nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --offset %q: use earliest, latest or a non-negative offset", off)
		}
		return append(args, "-o", off), nil
	}
	if p.Has("from-beginning") {
		args = append(args, "-o", "start")
	}
	return args, nil
}

// consumerProperties maps the --consumer-property keys kafkit has an equivalent for; tuning
// keys that change nothing in the output are ignored with a warning; security keys belong in
// the --consumer.config / --command-config file.
func consumerProperties(kvs []string) ([]string, []string, error) {
	var args, warnings []string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --consumer-property %q: use key=value", kv)
		}
		switch k = strings.TrimSpace(k); {
		case k == "group.id":
			args = append(args, "-g", v)
		case k == "auto.offset.reset" && v == "earliest":
			args = append(args, "-o", "start")
		case k == "auto.offset.reset" && v == "latest":
			args = append(args, "-o", "end")
		case k == "isolation.level":
			args = append(args, "--isolation", v)
		case k == "client.id":
			// applied to the connection settings by useJavaConnection
		case strings.HasPrefix(k, "security.") || strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl."):
			return nil, nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --consumer-property %s: put security settings in the --consumer.config (or --command-config) file", k)
		default:
			warnings = append(warnings, fmt.Sprintf("--consumer-property %s is ignored (kafkit tunes its consumer itself)", k))
		}
	}
	return args, warnings, nil
}

// defaultFormatters print what DefaultMessageFormatter prints on stdout (LoggingMessageFormatter
// adds a log line, on stderr); NoOpMessageFormatter prints nothing.
var defaultFormatters = map[string]bool{
	"kafka.tools.DefaultMessageFormatter":                     true,
	"org.apache.kafka.tools.consumer.DefaultMessageFormatter": true,
	"kafka.tools.LoggingMessageFormatter":                     true,
	"org.apache.kafka.tools.consumer.LoggingMessageFormatter": true,
}

var noOpFormatters = map[string]bool{
	"kafka.tools.NoOpMessageFormatter":                     true,
	"org.apache.kafka.tools.consumer.NoOpMessageFormatter": true,
}

// internalFormatters decode the records of Kafka's internal topics to JSON.
var internalFormatters = []string{"OffsetsMessageFormatter", "GroupMetadataMessageFormatter", "TransactionLogMessageFormatter", "ShareGroupStateMessageFormatter"}

var plainDeserializers = map[string]bool{
	"org.apache.kafka.common.serialization.StringDeserializer":    true,
	"org.apache.kafka.common.serialization.ByteArrayDeserializer": true,
}

// formatterArgs turns the DefaultMessageFormatter properties into consume --print and its
// companions (--separator, --no-value, --line-separator, --headers-separator, --null-literal).
func formatterArgs(p *Parsed) ([]string, error) {
	noOp, err := checkFormatter(p)
	if err != nil {
		return nil, err
	}
	var fields []string
	noValue := noOp
	bytesProps := map[string]string{}
	for _, kv := range p.Values("property") {
		k, v, _ := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		on := strings.EqualFold(strings.TrimSpace(v), "true")
		switch k {
		case "print.timestamp", "print.partition", "print.offset", "print.headers", "print.key":
			fields = setField(fields, strings.TrimPrefix(k, "print."), on)
		case "print.value":
			noValue = !on || noOp
		case "print.delivery", "print.epoch":
			if on {
				return nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --property %s=true is not supported by kafkit: the Java console consumer prints %s:NOT_PRESENT for every record (it has no delivery counts and drops the leader epoch); kafkit consume --print epoch prints the real leader epoch", k, map[string]string{"print.delivery": "Delivery", "print.epoch": "Epoch"}[k])
			}
		case "key.separator", "line.separator", "headers.separator", "null.literal":
			bytesProps[k] = v
		case "key.deserializer", "value.deserializer", "headers.deserializer":
			if !plainDeserializers[v] {
				return nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: --property %s=%s is not supported by kafkit: records are printed as their bytes", k, v)
			}
		default:
			return nil, cmdutil.UsageErrorf("kafka-console-consumer.sh: unknown formatter property %q", k)
		}
	}
	if len(fields) == 0 && !noValue && len(bytesProps) == 0 {
		return nil, nil
	}
	list := strings.Join(fields, ",")
	if list == "" {
		list = "value"
	}
	args := []string{"--print", list}
	if noValue {
		args = append(args, "--no-value")
	}
	flags := map[string]string{"key.separator": "--separator", "line.separator": "--line-separator", "headers.separator": "--headers-separator", "null.literal": "--null-literal"}
	for _, k := range sortedKeys(bytesProps) {
		v := bytesProps[k]
		if k != "null.literal" {
			// kafkit's separators understand escapes; the Java formatter takes the bytes as given.
			v = strings.ReplaceAll(v, `\`, `\\`)
		}
		args = append(args, flags[k], v)
	}
	return args, nil
}

// checkFormatter refuses the formatters and deserializers kafkit does not have; it reports
// whether the formatter prints nothing (NoOpMessageFormatter).
func checkFormatter(p *Parsed) (bool, error) {
	f := p.Value("formatter")
	for _, name := range internalFormatters {
		if strings.HasSuffix(f, name) {
			return false, cmdutil.UsageErrorf("kafka-console-consumer.sh: --formatter %s is not supported by kafkit: it decodes the records of Kafka's internal topics (__consumer_offsets, __transaction_state, __share_group_state) to JSON, which kafkit does not do; kafkit group describe and kafkit group lag show what those records hold", f)
		}
	}
	if f != "" && !defaultFormatters[f] && !noOpFormatters[f] {
		return false, cmdutil.UsageErrorf("kafka-console-consumer.sh: --formatter %s is not supported by kafkit: only DefaultMessageFormatter, LoggingMessageFormatter and NoOpMessageFormatter; kafkit consume -J or -f TEMPLATE format records in other ways", f)
	}
	for _, d := range []string{p.Value("key-deserializer"), p.Value("value-deserializer")} {
		if d != "" && !plainDeserializers[d] {
			return false, cmdutil.UsageErrorf("kafka-console-consumer.sh: deserializer %s is not supported by kafkit: records are printed as their bytes (StringDeserializer)", d)
		}
	}
	return noOpFormatters[f], nil
}

func setField(fields []string, f string, on bool) []string {
	out := fields[:0:0]
	for _, x := range fields {
		if x != f {
			out = append(out, x)
		}
	}
	if on {
		out = append(out, f)
	}
	return out
}
