package compat

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// set gives an option a value as if it had been given (Prepare hooks).
func (p *Parsed) set(name, value string) {
	if !p.Has(name) {
		p.seen = append(p.seen, name)
	}
	p.values[name] = []string{value}
}

func producerPerfScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "produce messages to this topic"},
		Option{Name: "num-records", Arg: RequiredArg, Help: "number of messages to produce"},
		Option{Name: "record-size", Arg: RequiredArg, Help: "message size in bytes"},
		Option{Name: "payload-file", Arg: RequiredArg, Help: "file to read the message payloads from"},
		Option{Name: "payload-delimiter", Arg: RequiredArg, Help: "delimiter of the payloads in --payload-file (default \\n)"},
		Option{Name: "payload-monotonic", Unsupported: "kafkit perf produce sends --record-size random letters or --payload-file lines"},
		Option{Name: "throughput", Arg: RequiredArg, Help: "at most this many messages/sec; -1 for no limit"},
		Option{Name: "producer-props", Arg: RequiredArg, Repeat: true, Help: "PROP=VALUE ... producer properties (bootstrap.servers, acks, linger.ms, batch.size, compression.type)"},
		Option{Name: "producer.config", Arg: RequiredArg, Alias: "command-config", Help: "producer config properties file"},
		Option{Name: "print-metrics", Unsupported: "kafkit has no Java client metrics to print: kafkit perf produce -o json gives the report as JSON"},
		Option{Name: "transactional-id", Arg: RequiredArg, Unsupported: "kafkit perf produce does not measure transactional producers"},
		Option{Name: "transaction-duration-ms", Arg: RequiredArg, Unsupported: "kafkit perf produce does not measure transactional producers"},
	)
	return &Script{
		Name:    "kafka-producer-perf-test.sh",
		Summary: "This tool is used to verify the producer performance.",
		Native:  "kafkit perf produce",
		Options: opts,
		Run:     producerPerfRun,
		Prepare: prepareProducerPerf,
	}
}

// prepareProducerPerf reads argparse's `--producer-props a=b c=d` (several values after one
// option: they arrive as non-option arguments) and takes bootstrap.servers from them.
func prepareProducerPerf(p *Parsed) error {
	if len(p.Args) > 0 {
		if !p.Has("producer-props") {
			return cmdutil.UsageErrorf("kafka-producer-perf-test.sh: unrecognized arguments: '%s'", strings.Join(p.Args, " "))
		}
		p.values["producer-props"] = append(p.values["producer-props"], p.Args...)
		p.Args = nil
	}
	props, err := perfProps(p.Values("producer-props"))
	if err != nil {
		return err
	}
	if b := props["bootstrap.servers"]; b != "" {
		p.set("bootstrap-server", b)
	}
	return nil
}

// secretProps carry secrets in their values: refused on a command line.
var secretProps = map[string]bool{"sasl.jaas.config": true, "ssl.key.password": true, "ssl.keystore.password": true, "ssl.truststore.password": true}

func perfProps(kvs []string) (map[string]string, error) {
	props := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.Contains(v, "=") && !strings.HasPrefix(k, "sasl.") {
			return nil, cmdutil.UsageErrorf("Invalid property: %s", kv)
		}
		if secretProps[k] {
			return nil, cmdutil.UsageErrorf("%s on the command line carries a secret: put the security settings in --producer.config FILE (kafkit reads the password from the file), or use kafkit's --sasl-password-file", k)
		}
		props[k] = v
	}
	return props, nil
}

func producerPerfRun(ctx context.Context, e *Env, p *Parsed) error {
	args, warnings, err := producerPerfArgs(p)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(e.IO.ErrOut, "warning:", w)
	}
	return e.Native(ctx, args)
}

// producerPerfArgs maps the Java options onto `kafkit perf produce`, with the Java producer's
// defaults (linger.ms=5, batch.size=16384) unless --producer-props says otherwise.
func producerPerfArgs(p *Parsed) ([]string, []string, error) {
	for _, req := range []string{"topic", "num-records", "throughput"} {
		if !p.Has(req) {
			return nil, nil, cmdutil.UsageErrorf("kafka-producer-perf-test.sh: argument --%s is required", req)
		}
	}
	if p.Has("record-size") == p.Has("payload-file") {
		return nil, nil, cmdutil.UsageErrorf("kafka-producer-perf-test.sh: either --record-size or --payload-file must be specified but not both.")
	}
	n, err := strconv.ParseInt(p.Value("num-records"), 10, 64)
	rate, err2 := strconv.ParseFloat(p.Value("throughput"), 64)
	if err != nil || err2 != nil || n <= 0 {
		return nil, nil, cmdutil.UsageErrorf("kafka-producer-perf-test.sh: --num-records must be a positive integer and --throughput a number")
	}
	args := []string{"perf", "produce", p.Value("topic"), "--java-output", "--records", strconv.FormatInt(n, 10), "--rate", strconv.FormatFloat(max(rate, 0), 'f', -1, 64)}
	if p.Has("record-size") {
		args = append(args, "--record-size", p.Value("record-size"))
	} else {
		args = append(args, "--payload-file", p.Value("payload-file"))
		if d := p.Value("payload-delimiter"); d != "" {
			args = append(args, "--payload-delimiter", strings.ReplaceAll(d, `\n`, "\n"))
		}
	}
	props, _ := perfProps(p.Values("producer-props"))
	tuning, warnings := producerPropArgs(props)
	return append(args, tuning...), warnings, nil
}

func producerPropArgs(props map[string]string) ([]string, []string) {
	linger, batch := "5", "16384" // the Java producer's defaults
	var args, warnings []string
	for _, k := range sortedKeys(props) {
		v := props[k]
		switch k {
		case "bootstrap.servers", "client.id", "key.serializer", "value.serializer":
		case "acks":
			args = append(args, "--acks", v)
		case "linger.ms":
			linger = v
		case "batch.size":
			batch = v
		case "compression.type":
			args = append(args, "--compression", v)
		default:
			warnings = append(warnings, fmt.Sprintf("--producer-props %s is ignored (kafkit tunes its producer itself)", k))
		}
	}
	return append(args, "--linger", linger+"ms", "--batch-size", batch), warnings
}

func consumerPerfScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "REQUIRED: the topic to consume from"},
		Option{Name: "messages", Arg: RequiredArg, Help: "REQUIRED: the number of messages to consume"},
		Option{Name: "group", Arg: RequiredArg, Help: "the group id to consume on (default: perf-consumer-NNNNN)"},
		Option{Name: "from-latest", Help: "start at the end without committed offsets"},
		Option{Name: "timeout", Arg: OptionalArg, Help: "the maximum time in ms between returned records (default 10000)"},
		Option{Name: "fetch-size", Arg: RequiredArg, Help: "bytes per partition per fetch"},
		Option{Name: "hide-header", Help: "no header line"},
		Option{Name: "reporting-interval", Arg: RequiredArg, Ignored: "kafkit prints the final line only (no --show-detailed-stats)"},
		Option{Name: "socket-buffer-size", Arg: RequiredArg, Ignored: "the operating system sizes the socket buffers"},
		Option{Name: "show-detailed-stats", Unsupported: "kafkit perf consume prints a report line every --interval on stderr"},
		Option{Name: "print-metrics", Unsupported: "kafkit has no Java client metrics: kafkit perf consume -o json gives the report as JSON"},
		Option{Name: "date-format", Arg: RequiredArg, Unsupported: "kafkit prints the default yyyy-MM-dd HH:mm:ss:SSS only"},
		Option{Name: "consumer.config", Arg: RequiredArg, Alias: "command-config", Help: "consumer config properties file"},
	)
	return &Script{
		Name:    "kafka-consumer-perf-test.sh",
		Summary: "This tool is used to verify the consumer performance.",
		Native:  "kafkit perf consume",
		Options: opts,
		Run:     consumerPerfRun,
	}
}

func consumerPerfRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(consumerPerfScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	for _, req := range []string{"bootstrap-server", "topic", "messages"} {
		if !p.Has(req) {
			return usageError(e, "kafka-consumer-perf-test.sh", "Missing required argument \"["+req+"]\"")
		}
	}
	group := p.Value("group")
	if group == "" {
		group = fmt.Sprintf("perf-consumer-%d", rand.Intn(100000))
	}
	timeout := "10000"
	if v := p.Value("timeout"); v != "" {
		timeout = v
	}
	if _, err := strconv.Atoi(timeout); err != nil {
		return usageError(e, "kafka-consumer-perf-test.sh", "--timeout must be a number of milliseconds")
	}
	args := []string{"perf", "consume", p.Value("topic"), "--java-output", "--records", p.Value("messages"), "--group", group, "--idle", timeout + "ms"}
	if p.Has("from-latest") {
		args = append(args, "--from-latest")
	}
	if p.Has("hide-header") {
		args = append(args, "--java-hide-header")
	}
	if v := p.Value("fetch-size"); v != "" {
		args = append(args, "--fetch-size", v)
	}
	return e.Native(ctx, args)
}

const e2eUsage = "USAGE: java org.apache.kafka.tools.EndToEndLatency broker_list topic num_messages producer_acks message_size_bytes [optional] properties_file"

func e2eLatencyScript() *Script {
	return &Script{
		Name:    "kafka-e2e-latency.sh",
		Summary: "broker_list topic num_messages producer_acks message_size_bytes [properties_file]: end-to-end latency",
		Native:  "kafkit perf latency",
		Options: []Option{{Name: "help", Help: "print usage information"}, {Name: "version", Help: "print the Kafka tools version kafkit matches"}},
		Run:     e2eLatencyRun,
		Prepare: func(p *Parsed) error {
			if len(p.Args) == 5 || len(p.Args) == 6 {
				p.set("bootstrap-server", p.Args[0])
				if len(p.Args) == 6 && strings.TrimSpace(p.Args[5]) != "" {
					p.set("command-config", p.Args[5])
				}
			}
			return nil
		},
	}
}

func e2eLatencyRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(msg string) error {
		fmt.Fprintln(e.IO.ErrOut, msg)
		return cmdutil.SilentError
	}
	if len(p.Args) != 5 && len(p.Args) != 6 {
		return fail(e2eUsage)
	}
	a := p.Args
	if _, err := strconv.Atoi(a[2]); err != nil {
		return fail(fmt.Sprintf("For input string: \"%s\"", a[2]))
	}
	if _, err := strconv.Atoi(a[4]); err != nil {
		return fail(fmt.Sprintf("For input string: \"%s\"", a[4]))
	}
	if a[3] != "1" && a[3] != "all" {
		return fail("Latency testing requires synchronous acknowledgement. Please use 1 or all")
	}
	if err := e2eLatencyTopic(ctx, e, a[1]); err != nil {
		return fail(err.Error())
	}
	return e.Native(ctx, []string{"perf", "latency", a[1], "--java-output", "--records", a[2], "--acks", a[3], "--record-size", a[4]})
}

// e2eLatencyTopic creates the topic when it does not exist, as EndToEndLatency does (1
// partition, replication factor 1), with its message.
func e2eLatencyTopic(ctx context.Context, e *Env, topic string) error {
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	td, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return e.Explain(err)
	}
	if td.Has(topic) {
		return nil
	}
	fmt.Fprintf(e.IO.Out, "Topic \"%s\" does not exist. Will create topic with 1 partition(s) and replication factor = 1\n", topic)
	if resp, err := adm.CreateTopic(ctx, 1, 1, nil, topic); err != nil || resp.Err != nil {
		fmt.Fprintf(e.IO.Out, "Creation of topic %s failed\n", topic)
		return errors.Join(err, resp.Err)
	}
	return nil
}
