package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Layer is one source of settings; nil fields are not set by that source.
type Layer struct {
	Source string

	Brokers  *string
	ClientID *string
	Timeout  *time.Duration

	TLSEnabled      *bool
	TLSCAFile       *string
	TLSCertFile     *string
	TLSKeyFile      *string
	TLSServerName   *string
	TLSInsecure     *bool
	TLSSkipHostname *bool
	TLSCAPEM        []byte
	TLSCertPEM      []byte
	TLSKeyPEM       []byte

	SASLMechanism    *string
	SASLUser         *string
	SASLPassword     *string
	SASLPasswordFile *string
}

// Inputs are everything Load reads; tests pass fakes.
type Inputs struct {
	Flags             Layer  // only the flags the user set
	Verbose           bool   // -v
	ProfileName       string // --profile
	CommandConfigPath string // --command-config

	Getenv    func(string) string
	ReadFile  func(string) ([]byte, error)
	ConfigDir string // the user config dir (os.UserConfigDir), "" if unknown
}

// Env variables kafkit reads, in the order they are documented.
var EnvVars = []string{
	"KAFKIT_BROKERS", "KAFKIT_CLIENT_ID", "KAFKIT_TIMEOUT",
	"KAFKIT_TLS", "KAFKIT_TLS_CA", "KAFKIT_TLS_CERT", "KAFKIT_TLS_KEY", "KAFKIT_TLS_SERVER_NAME",
	"KAFKIT_SASL_MECHANISM", "KAFKIT_SASL_USER", "KAFKIT_SASL_PASSWORD", "KAFKIT_SASL_PASSWORD_FILE",
	"KAFKIT_PROFILE", "KAFKIT_CONFIG",
}

// MaxTimeout is the longest --timeout kafkit accepts: one command waiting an hour for the
// cluster is a mistake, not a setting.
const MaxTimeout = time.Hour

// Load resolves the settings with the precedence flag > --command-config file > environment >
// profile > default. It returns warnings (unsupported properties, insecure TLS) for the caller
// to print, and an error that names the file, line or variable at fault.
func Load(in Inputs) (Settings, []string, error) {
	env, err := envLayer(in.Getenv)
	if err != nil {
		return Settings{}, nil, err
	}
	layers, profileName, warnings, err := profileLayers(in) // lowest precedence first
	if err != nil {
		return Settings{}, nil, err
	}
	layers = append(layers, env)
	if in.CommandConfigPath != "" {
		l, w, err := loadCommandConfig(in.CommandConfigPath, in.ReadFile)
		if err != nil {
			return Settings{}, nil, err
		}
		warnings = append(warnings, w...)
		layers = append(layers, l)
	}
	flags := in.Flags
	flags.Source = "flag"
	layers = append(layers, flags)

	s, err := merge(layers, in.ReadFile)
	if err != nil {
		return Settings{}, nil, err
	}
	s.Verbose = in.Verbose
	if s.Sources["brokers"] != "default" || profileName != "" {
		s.Profile = profileName
	}
	if s.TLS.InsecureSkipVerify {
		warnings = append(warnings, "TLS certificate verification is OFF (--tls-insecure-skip-verify): anyone on the path can read and change this traffic")
	}
	return s, warnings, nil
}

// profileLayers returns the chosen profile's layers (the profile, then the properties file it
// names, which sits just above it) and the profile's name; none when no profile applies.
func profileLayers(in Inputs) ([]Layer, string, []string, error) {
	name := in.ProfileName
	if name == "" {
		name = in.Getenv("KAFKIT_PROFILE")
	}
	pf, path, err := readProfileFile(in, name)
	if err != nil || pf == nil {
		return nil, name, nil, err
	}
	if name == "" {
		name = pf.Default
	}
	if name == "" {
		return nil, "", nil, nil
	}
	p, ok := pf.Profiles[name]
	if !ok {
		return nil, "", nil, fmt.Errorf("profile %q not found in %s (have: %s)", name, path, strings.Join(pf.Names(), ", "))
	}
	layers := []Layer{p.layer(name)}
	if p.CommandConfig == "" {
		return layers, name, nil, nil
	}
	l, w, err := loadCommandConfig(p.CommandConfig, in.ReadFile)
	if err != nil {
		return nil, "", nil, err
	}
	l.Source = "profile " + name + " (" + filepath.Base(p.CommandConfig) + ")"
	return append(layers, l), name, w, nil
}

// readProfileFile parses the profile file; nil without an error when there is none and no
// profile was asked for.
func readProfileFile(in Inputs, name string) (*ProfileFile, string, error) {
	path := ProfilePath(in.Getenv, in.ConfigDir)
	if path == "" {
		if name != "" {
			return nil, "", fmt.Errorf("profile %q asked for, but no config directory is known: set KAFKIT_CONFIG to the profile file", name)
		}
		return nil, "", nil
	}
	data, err := in.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if name != "" {
			return nil, "", fmt.Errorf("profile %q asked for, but there is no profile file %s: create it or set KAFKIT_CONFIG", name, path)
		}
		return nil, "", nil
	case err != nil:
		return nil, "", fmt.Errorf("reading profile file: %v", err)
	}
	pf, err := ParseProfiles(data, path)
	return pf, path, err
}

// merged collects what the layers set before it is checked.
type merged struct {
	s                Settings
	brokers          string
	passwordFile     string
	passwordFileFrom string
}

// merge applies the layers in order (later ones win) and checks the result.
func merge(layers []Layer, readFile func(string) ([]byte, error)) (Settings, error) {
	m := &merged{s: Settings{Timeout: DefaultTimeout, Sources: map[string]string{}}, brokers: DefaultBrokers}
	m.s.Sources["brokers"] = "default"
	m.s.Sources["timeout"] = "default"
	for _, l := range layers {
		m.apply(l)
	}
	return m.finish(readFile)
}

// apply copies what l sets, recording l as its source.
func (m *merged) apply(l Layer) {
	s := &m.s
	str := func(dst *string, src *string, name string) {
		if src != nil {
			*dst = *src
			s.Sources[name] = l.Source
		}
	}
	flag := func(dst *bool, src *bool, name string) {
		if src != nil {
			*dst = *src
			if name != "" {
				s.Sources[name] = l.Source
			}
		}
	}
	pem := func(dst *[]byte, src []byte, name string) {
		if src != nil {
			*dst = src
			s.Sources[name] = l.Source
		}
	}
	str(&m.brokers, l.Brokers, "brokers")
	str(&s.ClientID, l.ClientID, "client_id")
	if l.Timeout != nil {
		s.Timeout = *l.Timeout
		s.Sources["timeout"] = l.Source
	}
	flag(&s.TLS.Enabled, l.TLSEnabled, "tls")
	str(&s.TLS.CAFile, l.TLSCAFile, "tls_ca")
	str(&s.TLS.CertFile, l.TLSCertFile, "tls_cert")
	str(&s.TLS.KeyFile, l.TLSKeyFile, "tls_key")
	str(&s.TLS.ServerName, l.TLSServerName, "tls_server_name")
	flag(&s.TLS.InsecureSkipVerify, l.TLSInsecure, "tls_insecure_skip_verify")
	flag(&s.TLS.SkipHostnameVerification, l.TLSSkipHostname, "")
	pem(&s.TLS.CAPEM, l.TLSCAPEM, "tls_ca")
	pem(&s.TLS.CertPEM, l.TLSCertPEM, "tls_cert")
	pem(&s.TLS.KeyPEM, l.TLSKeyPEM, "tls_key")
	str(&s.SASL.Mechanism, l.SASLMechanism, "sasl_mechanism")
	str(&s.SASL.User, l.SASLUser, "sasl_user")
	if l.SASLPassword != nil {
		s.SASL.Password = *l.SASLPassword
		m.passwordFile = ""
		s.Sources["sasl_password"] = l.Source
	}
	if l.SASLPasswordFile != nil {
		m.passwordFile, m.passwordFileFrom = *l.SASLPasswordFile, l.Source
		s.Sources["sasl_password"] = l.Source
	}
}

// finish checks the merged settings and reads the password file.
func (m *merged) finish(readFile func(string) ([]byte, error)) (Settings, error) {
	s := m.s
	var err error
	if s.Brokers, err = ParseBrokers(m.brokers); err != nil {
		return Settings{}, fmt.Errorf("brokers (from %s): %v", s.Sources["brokers"], err)
	}
	if s.Timeout <= 0 || s.Timeout > MaxTimeout {
		return Settings{}, fmt.Errorf("timeout %s (from %s) is out of range: want more than 0 and at most %s, e.g. 10s", s.Timeout, s.Sources["timeout"], strings.TrimSuffix(MaxTimeout.String(), "0m0s"))
	}
	if m.passwordFile != "" {
		if s.SASL.Password, err = readPassword(m.passwordFile, readFile); err != nil {
			return Settings{}, fmt.Errorf("SASL password file (from %s): %v", m.passwordFileFrom, err)
		}
		s.Sources["sasl_password"] = m.passwordFileFrom + " (file " + m.passwordFile + ")"
	}
	if err := resolveSASL(&s); err != nil {
		return Settings{}, err
	}
	return s, resolveTLS(&s)
}

// readPassword reads a password file: at most MaxPasswordSize, trailing newlines dropped.
func readPassword(path string, readFile func(string) ([]byte, error)) (string, error) {
	data, err := readFile(path)
	if err != nil {
		return "", err
	}
	if len(data) > MaxPasswordSize {
		return "", fmt.Errorf("%s is larger than %s: not a password file", path, sizeText(MaxPasswordSize))
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// resolveSASL checks the mechanism and that a user has a password; a user without a mechanism
// gets SCRAM-SHA-512, the Bitnami chart's default.
func resolveSASL(s *Settings) error {
	if s.SASL.Mechanism == "" && s.SASL.User == "" {
		return nil
	}
	if s.SASL.Mechanism == "" {
		s.SASL.Mechanism = "SCRAM-SHA-512"
		s.Sources["sasl_mechanism"] = "default (a SASL user was given)"
	} else {
		m, err := NormalizeMechanism(s.SASL.Mechanism)
		if err != nil {
			return fmt.Errorf("%v (from %s)", err, s.Sources["sasl_mechanism"])
		}
		s.SASL.Mechanism = m
		if s.SASL.User == "" {
			return fmt.Errorf("SASL mechanism %s needs a user: pass --sasl-user or set KAFKIT_SASL_USER", m)
		}
	}
	if s.SASL.Password == "" {
		return fmt.Errorf("SASL user %q has no password: pass --sasl-password-file FILE or set KAFKIT_SASL_PASSWORD", s.SASL.User)
	}
	return nil
}

// resolveTLS turns TLS on when any TLS detail is given (unless tls was set explicitly) and
// checks that a client certificate comes with its key.
func resolveTLS(s *Settings) error {
	t := &s.TLS
	if t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "" || t.InsecureSkipVerify || t.CAPEM != nil {
		if _, explicit := s.Sources["tls"]; !explicit {
			t.Enabled = true
		}
	}
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		return fmt.Errorf("a TLS client certificate (--tls-cert, from %s) needs its key: add --tls-key FILE", s.Sources["tls_cert"])
	case t.KeyFile != "" && t.CertFile == "":
		return fmt.Errorf("a TLS client key (--tls-key, from %s) needs its certificate: add --tls-cert FILE", s.Sources["tls_key"])
	}
	return nil
}

func envLayer(getenv func(string) string) (Layer, error) {
	l := Layer{}
	str := func(name string) *string {
		if v := getenv(name); v != "" {
			return &v
		}
		return nil
	}
	l.Source = "env"
	l.Brokers = str("KAFKIT_BROKERS")
	l.ClientID = str("KAFKIT_CLIENT_ID")
	if v := str("KAFKIT_TIMEOUT"); v != nil {
		d, err := time.ParseDuration(*v)
		if err != nil {
			return l, fmt.Errorf("KAFKIT_TIMEOUT=%q: want a duration such as 10s or 1m", *v)
		}
		l.Timeout = &d
	}
	if v := str("KAFKIT_TLS"); v != nil {
		b, err := strconv.ParseBool(*v)
		if err != nil {
			return l, fmt.Errorf("KAFKIT_TLS=%q: want true or false", *v)
		}
		l.TLSEnabled = &b
	}
	l.TLSCAFile = str("KAFKIT_TLS_CA")
	l.TLSCertFile = str("KAFKIT_TLS_CERT")
	l.TLSKeyFile = str("KAFKIT_TLS_KEY")
	l.TLSServerName = str("KAFKIT_TLS_SERVER_NAME")
	l.SASLMechanism = str("KAFKIT_SASL_MECHANISM")
	l.SASLUser = str("KAFKIT_SASL_USER")
	l.SASLPassword = str("KAFKIT_SASL_PASSWORD")
	l.SASLPasswordFile = str("KAFKIT_SASL_PASSWORD_FILE")
	if l.SASLPassword != nil && l.SASLPasswordFile != nil {
		return l, fmt.Errorf("both KAFKIT_SASL_PASSWORD and KAFKIT_SASL_PASSWORD_FILE are set: keep one")
	}
	return l, nil
}

// ProfilePath is $KAFKIT_CONFIG, else <user config dir>/kafkit/config.yaml, else "".
func ProfilePath(getenv func(string) string, configDir string) string {
	if p := getenv("KAFKIT_CONFIG"); p != "" {
		return p
	}
	if configDir == "" {
		return ""
	}
	return filepath.Join(configDir, "kafkit", "config.yaml")
}

func trimPEM(b []byte) []byte { return bytes.TrimSpace(b) }
