package compat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-console-share-consumer.sh (ConsoleShareConsumer): kafkit consume --share-group, which
// acknowledges (accepts) the records it wrote, as the Java tool's default does.

func consoleShareConsumerScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "topic", Arg: RequiredArg, Help: "the topic to consume"},
		Option{Name: "group", Arg: RequiredArg, Help: "the share group (default console-share-consumer)"},
		Option{Name: "max-messages", Arg: RequiredArg, Help: "stop after this many records"},
		Option{Name: "timeout-ms", Arg: RequiredArg, Help: "stop after this long without a record"},
		Option{Name: "property", Arg: RequiredArg, Repeat: true, Help: "formatter property: print.key/timestamp/partition/offset/headers/value, key.separator"},
		Option{Name: "formatter", Arg: RequiredArg, Help: "only the default formatter (DefaultMessageFormatter)"},
		Option{Name: "formatter-config", Arg: RequiredArg, Unsupported: "pass the properties with --property instead"},
		Option{Name: "consumer-property", Arg: RequiredArg, Repeat: true, Help: "a consumer property k=v (group.id, client.id; tuning ones are ignored with a warning)"},
		Option{Name: "consumer-config", Arg: RequiredArg, Alias: "command-config", Help: "client .properties file (security settings)"},
		Option{Name: "key-deserializer", Arg: RequiredArg, Help: "only String/ByteArray deserializers (the bytes as they are)"},
		Option{Name: "value-deserializer", Arg: RequiredArg, Help: "only String/ByteArray deserializers (the bytes as they are)"},
		Option{Name: "reject-message-on-error", Help: "accepted: kafkit prints every record it receives"},
		Option{Name: "reject", Unsupported: "kafkit accepts the records it writes; to skip records use kafkit group seek on the share group"},
		Option{Name: "release", Unsupported: "kafkit accepts the records it writes; to read without acknowledging, use kafkit consume without a group"},
		Option{Name: "enable-systest-events", Unsupported: "a Kafka system-test feature"},
	)
	return &Script{
		Name:    "kafka-console-share-consumer.sh",
		Summary: "This tool helps to read data from Kafka topics using share groups and outputs it to standard output.",
		Native:  "kafkit consume --share-group",
		Options: opts,
		Run:     consoleShareConsumerRun,
	}
}

func consoleShareConsumerRun(ctx context.Context, e *Env, p *Parsed) error {
	if err := repeated(consoleShareConsumerScript().Options, p); err != nil {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	args, warnings, err := shareConsumeArgs(p)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(e.IO.ErrOut, "warning:", w)
	}
	return e.Native(ctx, args)
}

// shareConsumeArgs translates a kafka-console-share-consumer.sh command line into kafkit
// consume's; what cannot be translated is a usage error naming the option.
func shareConsumeArgs(p *Parsed) ([]string, []string, error) {
	topic := p.Value("topic")
	if topic == "" {
		return nil, nil, cmdutil.UsageErrorf("kafka-console-share-consumer.sh: --topic is required")
	}
	group := "console-share-consumer"
	var warnings []string
	for _, kv := range p.Values("consumer-property") {
		k, v, ok := strings.Cut(kv, "=")
		switch k = strings.TrimSpace(k); {
		case !ok:
			return nil, nil, cmdutil.UsageErrorf("kafka-console-share-consumer.sh: --consumer-property %q: use key=value", kv)
		case k == "group.id":
			group = v
		case k == "client.id":
		case strings.HasPrefix(k, "security.") || strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl."):
			return nil, nil, cmdutil.UsageErrorf("kafka-console-share-consumer.sh: --consumer-property %s: put security settings in the --consumer-config (or --command-config) file", k)
		default:
			warnings = append(warnings, fmt.Sprintf("--consumer-property %s is ignored (kafkit tunes its consumer itself)", k))
		}
	}
	if g := p.Value("group"); g != "" {
		group = g
	}
	args := []string{"consume", topic, "--share-group", group}
	if v := p.Value("max-messages"); v != "" {
		args = append(args, "-n", v)
	}
	if v := p.Value("timeout-ms"); v != "" {
		if _, err := strconv.Atoi(v); err != nil {
			return nil, nil, cmdutil.UsageErrorf("kafka-console-share-consumer.sh: --timeout-ms %q is not a number of milliseconds", v)
		}
		args = append(args, "--idle-timeout", v+"ms")
	}
	format, err := formatterArgs(p)
	if err != nil {
		return nil, nil, err
	}
	return append(args, format...), warnings, nil
}
