package root

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/build"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/output"
)

func newCmdProfile(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "List connection profiles and show the settings in effect",
		Long: `Profiles are named connections in a YAML file: $KAFKIT_CONFIG, else
~/.config/kafkit/config.yaml. Choose one with --profile NAME or KAFKIT_PROFILE; "default:"
in the file names the one used otherwise. Passwords are never stored in the file: name a
password_file, or set KAFKIT_SASL_PASSWORD.

  default: dev
  profiles:
    dev:
      brokers: 127.0.0.1:19092
    prod:
      brokers: [kafka-0.example:9092, kafka-1.example:9092]
      timeout: 20s
      tls: {enabled: true, ca_file: /etc/kafka/ca.pem}
      sasl: {mechanism: SCRAM-SHA-512, user: admin, password_file: /etc/kafka/password}
    legacy:
      command_config: /etc/kafka/client.properties`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(newCmdProfileList(f), newCmdProfileShow(f))
	return cmd
}

// ProfileRow is one row of `profile list`.
type ProfileRow struct {
	Name    string `json:"name"`
	Default bool   `json:"default"`
	Brokers string `json:"brokers"`
	TLS     bool   `json:"tls"`
	SASL    string `json:"sasl"`
}

func newCmdProfileList(f *cmdutil.Factory) *cobra.Command {
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the profiles in the profile file",
		Example: "  kafkit profile list\n  KAFKIT_CONFIG=./kafkit.yaml kafkit profile list -o json",
		Args:    cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			dir, _ := os.UserConfigDir()
			path := config.ProfilePath(cmdutil.Getenv, dir)
			return profileListRun(f.IO, p, path, config.ReadFile)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML, output.Name)
	return cmd
}

func profileListRun(io *cmdutil.IOStreams, p output.Printer, path string, readFile func(string) ([]byte, error)) error {
	if path == "" {
		return fmt.Errorf("no profile file: set KAFKIT_CONFIG")
	}
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(io.ErrOut, "no profile file at %s (see 'kafkit profile --help' for its format)\n", path)
		return p.Print(io.Out, []ProfileRow{}, func(t *output.Text) error { return nil })
	}
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("reading profile file: %v", err)}
	}
	pf, err := config.ParseProfiles(data, path)
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err}
	}
	rows := []ProfileRow{}
	for _, name := range pf.Names() {
		pr := pf.Profiles[name]
		r := ProfileRow{Name: name, Default: name == pf.Default, Brokers: strings.Join(pr.Brokers, ","), SASL: pr.SASL.Mechanism}
		r.TLS = (pr.TLS.Enabled != nil && *pr.TLS.Enabled) || pr.TLS.CAFile != ""
		if r.SASL == "" && pr.SASL.User != "" {
			r.SASL = "SCRAM-SHA-512"
		}
		if r.SASL != "" {
			r.SASL += " (" + pr.SASL.User + ")"
		}
		if pr.CommandConfig != "" && r.Brokers == "" {
			r.Brokers = "(from " + pr.CommandConfig + ")"
		}
		rows = append(rows, r)
	}
	return p.Print(io.Out, rows, func(t *output.Text) error {
		if t.Name {
			for _, r := range rows {
				t.Linef("%s", r.Name)
			}
			return nil
		}
		var tr [][]string
		for _, r := range rows {
			def := ""
			if r.Default {
				def = "*"
			}
			tls := "no"
			if r.TLS {
				tls = "yes"
			}
			tr = append(tr, []string{def, r.Name, output.Dash(r.Brokers), tls, output.Dash(r.SASL)})
		}
		return t.Table([]string{"DEFAULT", "NAME", "BROKERS", "TLS", "SASL"}, tr)
	})
}

// SettingRow is one effective setting and where it came from.
type SettingRow struct {
	Setting string `json:"setting"`
	Value   string `json:"value"`
	Source  string `json:"source"`
}

func newCmdProfileShow(f *cmdutil.Factory) *cobra.Command {
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show the connection settings in effect and where each comes from",
		Long: `Show the settings kafkit would connect with — after flags, --command-config, KAFKIT_*
variables and the profile are combined — and the source of each. The password is never shown,
only whether one is set and where it comes from. NAME is the same as --profile NAME.`,
		Example: "  kafkit profile show\n  kafkit profile show prod\n  kafkit --command-config client.properties profile show -o json",
		Args:    cmdutil.Args(cobra.MaximumNArgs(1)),
		ValidArgsFunction: func(c *cobra.Command, args []string, tc string) ([]string, cobra.ShellCompDirective) {
			return completeProfiles(c, args, tc)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				if err := cmd.Flags().Set("profile", args[0]); err != nil {
					return err
				}
			}
			s, err := f.Settings()
			if err != nil {
				return err
			}
			return p.Print(f.IO.Out, settingRows(s), func(t *output.Text) error {
				var tr [][]string
				for _, r := range settingRows(s) {
					tr = append(tr, []string{r.Setting, output.Dash(r.Value), r.Source})
				}
				return t.Table([]string{"SETTING", "VALUE", "SOURCE"}, tr)
			})
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// settingRows lists the effective settings, password redacted, in a fixed order.
func settingRows(s config.Settings) []SettingRow {
	src := func(k, def string) string {
		if v, ok := s.Sources[k]; ok {
			return v
		}
		return def
	}
	pw := ""
	if s.SASL.Password != "" {
		pw = "(set)"
	}
	clientID := s.ClientID
	if clientID == "" {
		clientID = build.ClientID()
	}
	tls := "false"
	if s.TLS.Enabled {
		tls = "true"
	}
	rows := []SettingRow{
		{"profile", s.Profile, "-"},
		{"brokers", strings.Join(s.Brokers, ","), src("brokers", "default")},
		{"client_id", clientID, src("client_id", "default")},
		{"timeout", s.Timeout.String(), src("timeout", "default")},
		{"tls", tls, src("tls", "default")},
		{"tls_ca", s.TLS.CAFile, src("tls_ca", "-")},
		{"tls_cert", s.TLS.CertFile, src("tls_cert", "-")},
		{"tls_key", s.TLS.KeyFile, src("tls_key", "-")},
		{"tls_server_name", s.TLS.ServerName, src("tls_server_name", "-")},
		{"tls_insecure_skip_verify", fmt.Sprint(s.TLS.InsecureSkipVerify), src("tls_insecure_skip_verify", "default")},
		{"sasl_mechanism", s.SASL.Mechanism, src("sasl_mechanism", "-")},
		{"sasl_user", s.SASL.User, src("sasl_user", "-")},
		{"sasl_password", pw, src("sasl_password", "-")},
	}
	if s.TLS.CAPEM != nil && s.TLS.CAFile == "" {
		rows[5].Value = "(inline PEM)"
	}
	return rows
}
