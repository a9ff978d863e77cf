// Package root builds the kafkit command tree: global connection flags, the settings loader,
// and the commands that belong to no family (version, profile, completion).
package root

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/client"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// Family adds one command family (cluster, topic, produce, consume, group) to the root.
type Family func(f *cmdutil.Factory) *cobra.Command

// globalFlags are the connection flags every command accepts.
type globalFlags struct {
	brokers, commandConfig, profile, clientID string
	timeout                                   time.Duration
	tls, tlsInsecure                          bool
	tlsCA, tlsCert, tlsKey, tlsServerName     string
	saslMechanism, saslUser, saslPasswordFile string
	verbose                                   bool
}

// New returns the root command. families are the command packages, passed in by main so that
// this package does not import them.
func New(f *cmdutil.Factory, families ...Family) *cobra.Command {
	g := &globalFlags{}
	cmd := &cobra.Command{
		Use:   "kafkit",
		Short: "Fast, scriptable Kafka admin for clusters on Kubernetes",
		Long: `kafkit replaces the kafka-*.sh scripts with one static binary: topics, producing,
consuming and consumer-group lag, in milliseconds, with tables for people and JSON for scripts.

Inside the cluster no flags are needed: the default broker is the Bitnami chart's headless
service kafka-controller-headless.kafka.svc.cluster.local:9092. Elsewhere pass --brokers or set
KAFKIT_BROKERS.

Settings precedence: flag > --command-config file > KAFKIT_* environment > profile > default.

Exit codes: 0 ok, 1 failure (also partial failure), 2 usage error (a bad flag, argument or
setting, found before any network), 3 a check did not pass, 130/143/131 interrupted by
SIGINT/SIGTERM/SIGQUIT.`,
		Example: `  kafkit cluster info
  kafkit -b 127.0.0.1:19092 cluster api-versions -o json
  KAFKIT_BROKERS=kafka-0:9092 kafkit version --broker
  kafkit --command-config client.properties cluster info`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmdutil.GroupCommand(cmd)
	cmd.CompletionOptions.HiddenDefaultCmd = false
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	})

	pf := cmd.PersistentFlags()
	pf.StringVarP(&g.brokers, "brokers", "b", "", "bootstrap brokers host:port,... (env KAFKIT_BROKERS; default "+config.DefaultBrokers+")")
	pf.StringVar(&g.brokers, "bootstrap-server", "", "alias of --brokers (the kafka-*.sh spelling)")
	pf.StringVar(&g.commandConfig, "command-config", "", "Java client .properties file, as used with kafka-*.sh --command-config")
	pf.StringVar(&g.profile, "profile", "", "named profile from the profile file (env KAFKIT_PROFILE; file $KAFKIT_CONFIG or ~/.config/kafkit/config.yaml)")
	pf.StringVar(&g.clientID, "client-id", "", "Kafka client.id (default kafkit/<version>)")
	pf.DurationVar(&g.timeout, "timeout", config.DefaultTimeout, "how long a command may wait for the cluster, more than 0 and at most 1h (env KAFKIT_TIMEOUT)")
	pf.BoolVar(&g.tls, "tls", false, "connect with TLS (env KAFKIT_TLS=true)")
	pf.StringVar(&g.tlsCA, "tls-ca", "", "PEM file of CA certificates to trust (env KAFKIT_TLS_CA)")
	pf.StringVar(&g.tlsCert, "tls-cert", "", "PEM client certificate for mutual TLS (env KAFKIT_TLS_CERT)")
	pf.StringVar(&g.tlsKey, "tls-key", "", "PEM client key for mutual TLS (env KAFKIT_TLS_KEY)")
	pf.StringVar(&g.tlsServerName, "tls-server-name", "", "server name to verify in the broker certificate (env KAFKIT_TLS_SERVER_NAME)")
	pf.BoolVar(&g.tlsInsecure, "tls-insecure-skip-verify", false, "do not verify the broker certificate (insecure, for tests only)")
	pf.StringVar(&g.saslMechanism, "sasl-mechanism", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (env KAFKIT_SASL_MECHANISM; default SCRAM-SHA-512 when a user is set)")
	pf.StringVar(&g.saslUser, "sasl-user", "", "SASL user name (env KAFKIT_SASL_USER)")
	pf.StringVar(&g.saslPasswordFile, "sasl-password-file", "", "file holding the SASL password (or env KAFKIT_SASL_PASSWORD / KAFKIT_SASL_PASSWORD_FILE)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "log connection steps to stderr (secrets are never logged)")
	_ = cmd.RegisterFlagCompletionFunc("sasl-mechanism", cobra.FixedCompletions(config.Mechanisms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)

	f.LoadSettings = func() (config.Settings, []string, error) {
		in := DefaultInputs()
		in.Verbose, in.ProfileName, in.CommandConfigPath = g.verbose, g.profile, g.commandConfig
		in.Flags = flagLayer(cmd, g)
		return LoadSettings(in)
	}

	cmd.AddCommand(newCmdVersion(f), newCmdProfile(f))
	for _, fam := range families {
		cmd.AddCommand(fam(f))
	}
	cmd.SetOut(f.IO.Out) // cobra's help and completion scripts go to the factory's streams
	cmd.SetErr(f.IO.ErrOut)
	strictCompletion(cmd)
	return cmd
}

// strictCompletion makes `completion SHELL` refuse an unknown shell as a usage error: cobra's
// own completion command is not runnable, so `completion tcsh` printed help and exited 0.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sh := range c.Commands() {
			shells = append(shells, sh.Name())
		}
		c.Args = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return cmdutil.UsageErrorf("unknown shell %q: use one of %s", args[0], strings.Join(shells, "|"))
		}
		c.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
	}
}

// DefaultInputs are the process's sources of settings: the environment, the safe file reader
// and the user's config dir; callers add the flags they parsed.
func DefaultInputs() config.Inputs {
	in := config.Inputs{Getenv: cmdutil.Getenv, ReadFile: config.ReadFile}
	in.ConfigDir, _ = os.UserConfigDir()
	return in
}

// LoadSettings resolves the settings and checks the TLS files before any network. Every problem
// in them (flags, KAFKIT_*, --command-config, the profile file, the files they name) is a usage
// error: exit 2, as for a bad flag. The root command and kafkit compat (Java-style options) both
// load through it.
func LoadSettings(in config.Inputs) (config.Settings, []string, error) {
	s, warnings, err := config.Load(in)
	if err == nil && s.TLS.Enabled {
		_, err = client.TLSConfig(s.TLS, in.ReadFile)
	}
	if err != nil {
		return config.Settings{}, warnings, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	}
	return s, warnings, nil
}

// flagLayer turns the flags the user actually set into a settings layer.
func flagLayer(cmd *cobra.Command, g *globalFlags) config.Layer {
	pf := cmd.PersistentFlags()
	var l config.Layer
	str := func(name string, v string) *string {
		if pf.Changed(name) {
			return &v
		}
		return nil
	}
	l.Brokers = str("brokers", g.brokers)
	if l.Brokers == nil {
		l.Brokers = str("bootstrap-server", g.brokers)
	}
	l.ClientID = str("client-id", g.clientID)
	if pf.Changed("timeout") {
		l.Timeout = &g.timeout
	}
	if pf.Changed("tls") {
		l.TLSEnabled = &g.tls
	}
	l.TLSCAFile = str("tls-ca", g.tlsCA)
	l.TLSCertFile = str("tls-cert", g.tlsCert)
	l.TLSKeyFile = str("tls-key", g.tlsKey)
	l.TLSServerName = str("tls-server-name", g.tlsServerName)
	if pf.Changed("tls-insecure-skip-verify") {
		l.TLSInsecure = &g.tlsInsecure
	}
	l.SASLMechanism = str("sasl-mechanism", g.saslMechanism)
	l.SASLUser = str("sasl-user", g.saslUser)
	l.SASLPasswordFile = str("sasl-password-file", g.saslPasswordFile)
	return l
}

func completeProfiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	dir, _ := os.UserConfigDir()
	path := config.ProfilePath(os.Getenv, dir)
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	pf, err := config.ParseProfiles(data, path)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return pf.Names(), cobra.ShellCompDirectiveNoFileComp
}
