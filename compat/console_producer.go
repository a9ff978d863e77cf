package compat

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// producerTuning are producer options that change how kafkit batches and retries, never what
// is written: accepted, with a warning that kafkit tunes these itself.
var producerTuning = []string{"message-send-max-retries", "retry-backoff-ms", "request-timeout-ms",
	"metadata-expiry-ms", "max-block-ms", "socket-buffer-size", "max-memory-bytes", "max-partition-memory-bytes"}

func consoleProducerScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "the topic to produce to"},
		Option{Name: "property", Arg: RequiredArg, Repeat: true, Help: "reader property: parse.key, key.separator, null.marker, ignore.error"},
		Option{Name: "reader-property", Arg: RequiredArg, Repeat: true, Alias: "property", Help: "Kafka 4.2 spelling of --property"},
		Option{Name: "reader-config", Arg: RequiredArg, Help: "a .properties file of reader properties (--property wins)"},
		Option{Name: "producer-property", Arg: RequiredArg, Repeat: true, Help: "a producer property k=v (acks, compression.type, linger.ms, batch.size, client.id; tuning ones are ignored with a warning)"},
		Option{Name: "command-property", Arg: RequiredArg, Repeat: true, Alias: "producer-property", Help: "Kafka 4.2 spelling of --producer-property"},
		Option{Name: "producer.config", Arg: RequiredArg, Alias: "command-config", Help: "client .properties file (older spelling of --command-config)"},
		Option{Name: "compression-codec", Arg: OptionalArg, Help: "none, gzip (when given without a value), snappy, lz4 or zstd"},
		Option{Name: "request-required-acks", Arg: RequiredArg, Help: "acks: all, -1, 1 or 0"},
		Option{Name: "sync", Help: "send each record at once (linger 0)"},
		Option{Name: "batch-size", Arg: RequiredArg, Help: "largest batch in bytes"},
		Option{Name: "timeout", Arg: RequiredArg, Help: "linger in ms"},
		Option{Name: "line-reader", Arg: RequiredArg, Help: "only the default LineMessageReader"},
	)
	for _, t := range producerTuning {
		opts = append(opts, Option{Name: t, Arg: RequiredArg, Ignored: "kafkit tunes this itself"})
	}
	return &Script{
		Name:    "kafka-console-producer.sh",
		Summary: "This tool helps to read data from standard input and publish it to Kafka.",
		Native:  "kafkit produce",
		Options: opts,
		Run:     consoleProducerRun,
	}
}

func consoleProducerRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(consoleProducerScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err) // joptsimple's message, exit 1, as the Java tool
		return cmdutil.SilentError
	}
	reader, err := readerProperties(p)
	if err != nil {
		return err
	}
	args, warnings, err := produceArgs(p, reader)
	if err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(reader["parse.headers"]), "true") {
		hr, err := newHeadersReader(reader)
		if err != nil {
			return err
		}
		args = append(withoutLineReader(args), "--input", "json")
		in := e.IO.In
		e.IO.In = hr.pipe(in, e.IO.ErrOut)
		defer func() { e.IO.In = in }()
	}
	for _, w := range warnings {
		fmt.Fprintln(e.IO.ErrOut, "warning:", w)
	}
	return e.Native(ctx, args)
}

// readerProperties merges --reader-config and --property (which wins), in order.
func readerProperties(p *Parsed) (map[string]string, error) {
	props := map[string]string{}
	if path := p.Value("reader-config"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, cmdutil.UsageErrorf("kafka-console-producer.sh: --reader-config: %v", err)
		}
		defer f.Close()
		list, err := config.ParseProperties(f)
		if err != nil {
			return nil, cmdutil.UsageErrorf("kafka-console-producer.sh: --reader-config %s: %v", path, err)
		}
		for _, kv := range list {
			props[kv.Key] = kv.Value
		}
	}
	for _, kv := range p.Values("property") {
		k, v, _ := strings.Cut(kv, "=")
		props[strings.TrimSpace(k)] = v
	}
	return props, nil
}

// produceArgs translates a kafka-console-producer.sh command line into kafkit produce's.
func produceArgs(p *Parsed, reader map[string]string) ([]string, []string, error) {
	topic := p.Value("topic")
	if topic == "" {
		return nil, nil, cmdutil.UsageErrorf(`kafka-console-producer.sh: Missing required argument "[topic]"`)
	}
	args := []string{"produce", topic, "--quiet"}
	if lr := p.Value("line-reader"); lr != "" && !strings.HasSuffix(lr, "LineMessageReader") {
		return nil, nil, cmdutil.UsageErrorf("kafka-console-producer.sh: --line-reader %s is not supported by kafkit: kafkit produce --input json|raw reads other formats", lr)
	}
	r, err := lineReaderArgs(reader)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, r...)
	o, err := producerOptionArgs(p)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, o...)
	props, warnings, err := producerProperties(p.Values("producer-property"))
	if err != nil {
		return nil, nil, err
	}
	for _, t := range producerTuning {
		if p.Has(t) {
			warnings = append(warnings, "--"+t+" is ignored (kafkit tunes its producer itself)")
		}
	}
	return append(args, props...), warnings, nil
}

func lineReaderArgs(reader map[string]string) ([]string, error) {
	var args []string
	on := func(k string) bool { return strings.EqualFold(strings.TrimSpace(reader[k]), "true") }
	for k := range reader {
		switch k {
		case "parse.key", "key.separator", "null.marker", "ignore.error":
		case "parse.headers", "headers.delimiter", "headers.separator", "headers.key.separator":
		default:
			return nil, cmdutil.UsageErrorf("kafka-console-producer.sh: unknown reader property %q", k)
		}
	}
	if on("parse.key") {
		sep, ok := reader["key.separator"]
		if !ok {
			sep = "\t"
		}
		// kafkit's -K understands escapes; the Java reader takes the separator as given.
		args = append(args, "-K", strings.ReplaceAll(sep, `\`, `\\`))
		if on("ignore.error") {
			args = append(args, "--allow-missing-key")
		}
	}
	if m, ok := reader["null.marker"]; ok && m != "" {
		args = append(args, "--null-marker", m)
	}
	return args, nil
}

func producerOptionArgs(p *Parsed) ([]string, error) {
	var args []string
	if p.Has("compression-codec") {
		c := p.Value("compression-codec")
		if c == "" {
			c = "gzip"
		}
		args = append(args, "--compression", c)
	}
	if a := p.Value("request-required-acks"); a != "" {
		args = append(args, "--acks", javaAcks(a))
	}
	if p.Has("sync") {
		args = append(args, "--linger", "0s")
	} else if t := p.Value("timeout"); t != "" {
		args = append(args, "--linger", t+"ms")
	}
	if b := p.Value("batch-size"); b != "" {
		args = append(args, "--batch-max-bytes", b)
	}
	return args, nil
}

func javaAcks(a string) string {
	if a == "-1" {
		return "all"
	}
	return a
}

func producerProperties(kvs []string) ([]string, []string, error) {
	var args, warnings []string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, nil, cmdutil.UsageErrorf("kafka-console-producer.sh: --producer-property %q: use key=value", kv)
		}
		switch k = strings.TrimSpace(k); {
		case k == "acks":
			args = append(args, "--acks", javaAcks(v))
		case k == "compression.type":
			args = append(args, "--compression", v)
		case k == "linger.ms":
			args = append(args, "--linger", v+"ms")
		case k == "batch.size":
			args = append(args, "--batch-max-bytes", v)
		case k == "client.id":
			// applied to the connection settings by useJavaConnection
		case strings.HasPrefix(k, "security.") || strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl."):
			return nil, nil, cmdutil.UsageErrorf("kafka-console-producer.sh: --producer-property %s: put security settings in the --producer.config (or --command-config) file", k)
		default:
			warnings = append(warnings, fmt.Sprintf("--producer-property %s is ignored (kafkit tunes its producer itself)", k))
		}
	}
	return args, warnings, nil
}

// withoutLineReader drops the line-format flags lineReaderArgs added (-K, --allow-missing-key,
// --null-marker): with parse.headers compat parses the lines itself.
func withoutLineReader(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-K", "--null-marker":
			i++
		case "--allow-missing-key":
		default:
			out = append(out, args[i])
		}
	}
	return out
}
