// Package compat makes kafkit answer kafka-*.sh command lines: the same options (joptsimple
// grammar), the same output and the Java tool's exit codes, without a JVM. It is reached by
// name (kafkit invoked through a link called kafka-topics.sh or kafka-topics) or explicitly
// (kafkit compat kafka-topics.sh ARGS...).
package compat

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/root"
)

// KafkaVersion is the version of the Java tools whose behaviour and output compat matches;
// `kafka-*.sh --version` prints it, as the tools jar prints its own.
const KafkaVersion = "4.1.1"

// Script is one kafka-*.sh tool kafkit imitates.
type Script struct {
	Name    string // with .sh: kafka-topics.sh
	Summary string // what the tool does, as its usage line says
	Native  string // the native kafkit command family that does the same
	Options []Option
	Run     func(ctx context.Context, e *Env, p *Parsed) error
	// Expand, when set, rewrites the command line before it is parsed (argparse4j tools
	// accept unique prefixes of option names: it spells them out); its error is printed as
	// the tool prints a command-line error (exit 1).
	Expand func(args []string) ([]string, error)
	// Prepare, when set, rewrites the parsed command line before the connection is set up:
	// tools whose bootstrap servers come from elsewhere (--producer-props, a positional).
	Prepare func(p *Parsed) error
	// Version, when set, is the tools version this script follows instead of KafkaVersion
	// (kafka-streams-groups.sh is Kafka 4.4's); --version prints it.
	Version string
}

// version is the tools version whose behaviour and output the script matches.
func (s *Script) version() string {
	if s.Version != "" {
		return s.Version
	}
	return KafkaVersion
}

// Env is what a script's run function needs: the streams and lazy clients of the factory.
type Env struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Explain func(error) error
	// Native runs a native kafkit command line (["consume", "t", "-o", "start"]) in this
	// process, with the connection compat set up; scripts that map onto a native command use
	// it, so that the same engine does the work.
	Native func(ctx context.Context, args []string) error
}

// scripts is the registry; `compat list` and the link names come from it.
func scripts() []*Script {
	// One script per line, sorted by name: each new script adds its own line.
	return []*Script{
		aclsScript(),
		brokerAPIVersionsScript(),
		clusterToolScript(),
		configsScript(),
		consoleConsumerScript(),
		consoleProducerScript(),
		consoleShareConsumerScript(),
		consumerGroupsScript(),
		consumerPerfScript(),
		deleteRecordsScript(),
		e2eLatencyScript(),
		featuresScript(),
		getOffsetsScript(),
		groupsScript(),
		leaderElectionScript(),
		logDirsScript(),
		metadataQuorumScript(),
		producerPerfScript(),
		reassignPartitionsScript(),
		shareGroupsScript(),
		streamsGroupsScript(),
		topicsScript(),
		transactionsScript(),
	}
}

// Lookup finds a script by the name it was invoked as: a path or a bare name, with or without
// ".sh" (kafka-topics.sh, kafka-topics, /opt/bitnami/kafka/bin/kafka-topics.sh).
func Lookup(invokedAs string) (*Script, bool) {
	name := filepath.Base(invokedAs)
	if !strings.HasSuffix(name, ".sh") {
		name += ".sh"
	}
	for _, s := range scripts() {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// NewCmdCompat builds `kafkit compat`: list, install, and SCRIPT ARGS....
func NewCmdCompat(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compat SCRIPT [ARGS...]",
		Short: "Run kafka-*.sh command lines unchanged (kafka-topics.sh, ...)",
		Long: `Run a kafka-*.sh command line as the Java tool would, without a JVM: the same options,
the same output on stdout, the Java tool's exit codes. kafkit also behaves as the tool when it is
invoked by the tool's name (a link called kafka-topics.sh or kafka-topics): "kafkit compat
install DIR" writes those links.

The connection comes from --bootstrap-server and --command-config as with the Java tool. When
--bootstrap-server is missing, kafkit uses its own settings (KAFKIT_BROKERS, profile, then the
in-cluster default) instead of failing.

Options the Java tool has and kafkit does not support are refused (exit 2) with the native
kafkit command that does it; "kafkit compat list" shows what is covered, per script and option.`,
		Example: `  kafkit compat kafka-topics.sh --bootstrap-server kafka:9092 --list
  kafkit compat install /usr/local/bin && kafka-topics.sh --describe --topic orders
  kafkit compat list kafka-topics.sh`,
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
				return cmd.Help()
			}
			s, ok := Lookup(args[0])
			if !ok {
				return cmdutil.UsageErrorf("unknown script %q: kafkit compat list shows the supported ones", args[0])
			}
			native := func(ctx context.Context, args []string) error {
				root := cmd.Root()
				root.SetArgs(args)
				_, err := root.ExecuteContextC(ctx)
				return err
			}
			return RunScript(cmd.Context(), f, s, args[1:], native)
		},
	}
	cmd.AddCommand(newCmdList(f), newCmdInstall(f))
	return cmd
}

// RunScript parses args with the script's grammar, points the factory at --bootstrap-server /
// --command-config, and runs the script.
func RunScript(ctx context.Context, f *cmdutil.Factory, s *Script, args []string, native func(context.Context, []string) error) error {
	var err error
	if s.Expand != nil {
		if args, err = s.Expand(args); err != nil {
			fmt.Fprintln(f.IO.ErrOut, err)
			return cmdutil.SilentError
		}
	}
	p, err := Parse(s.Options, args)
	if err != nil {
		// joptsimple's message on stderr and exit 1, as the Java tool.
		fmt.Fprintln(f.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	if name, why := unsupported(s.Options, p); name != "" {
		return cmdutil.UsageErrorf("%s: --%s is not supported by kafkit: %s", s.Name, name, why)
	}
	if s.Prepare != nil {
		if err := s.Prepare(p); err != nil {
			return err
		}
	}
	if len(p.Given()) == 0 || p.Has("help") {
		return printScriptHelp(f.IO, s, p.Has("help"))
	}
	if p.Has("version") {
		fmt.Fprintln(f.IO.Out, s.version())
		return nil
	}
	useJavaConnection(f, p)
	e := &Env{IO: f.IO, Admin: f.Admin, Context: f.Context, Explain: f.Explain, Native: native}
	return s.Run(ctx, e, p)
}

// useJavaConnection makes the factory's settings come from the Java options: --bootstrap-server
// over everything, --command-config (or a tool's older spelling, folded into it by Alias) as the
// properties file; the rest of kafkit's precedence (KAFKIT_*, profile, default) stays below.
func useJavaConnection(f *cmdutil.Factory, p *Parsed) {
	bootstrap, commandConfig := p.Value("bootstrap-server"), p.Value("command-config")
	clientID := ""
	for _, kv := range append(p.Values("consumer-property"), p.Values("producer-property")...) {
		if k, v, _ := strings.Cut(kv, "="); strings.TrimSpace(k) == "client.id" {
			clientID = v
		}
	}
	f.LoadSettings = func() (config.Settings, []string, error) {
		in := root.DefaultInputs()
		in.CommandConfigPath = commandConfig
		if bootstrap != "" {
			in.Flags.Brokers = &bootstrap
		}
		if clientID != "" {
			in.Flags.ClientID = &clientID
		}
		return root.LoadSettings(in)
	}
}

// usageError prints a Java-style usage message (the message, then where to find help) on
// stderr and exits 1, as CommandLineUtils.printUsageAndExit does.
func usageError(e *Env, s string, msg string) error {
	fmt.Fprintln(e.IO.ErrOut, msg)
	fmt.Fprintf(e.IO.ErrOut, "Run %s --help for the options.\n", s)
	return cmdutil.SilentError
}

// commonOptions are the options every Kafka tool has.
func commonOptions() []Option {
	return []Option{
		{Name: "bootstrap-server", Arg: RequiredArg, Help: "the Kafka server to connect to"},
		{Name: "command-config", Arg: RequiredArg, Help: "a client .properties file (security settings)"},
		{Name: "help", Help: "print usage information"},
		{Name: "version", Help: "print the Kafka tools version kafkit matches"},
	}
}
