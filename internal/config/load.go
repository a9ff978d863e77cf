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

// Load resolves the settings with the precedence flag > --command-config file > environment >
// profile > default. It returns warnings (unsupported properties, insecure TLS) for the caller
// to print, and an error that names the file, line or variable at fault.
func Load(in Inputs) (Settings, []string, error) {
	var warnings []string
	env, err := envLayer(in.Getenv)
	if err != nil {
		return Settings{}, nil, err
	}

	var layers []Layer // lowest precedence first
	profileName := in.ProfileName
	if profileName == "" {
		profileName = in.Getenv("KAFKIT_PROFILE")
	}
	path := ProfilePath(in.Getenv, in.ConfigDir)
	var profileCC string
	if path != "" {
		data, rerr := in.ReadFile(path)
		switch {
		case rerr == nil:
			pf, perr := ParseProfiles(data, path)
			if perr != nil {
				return Settings{}, nil, perr
			}
			if profileName == "" {
				profileName = pf.Default
			}
			if profileName != "" {
				p, ok := pf.Profiles[profileName]
				if !ok {
					return Settings{}, nil, fmt.Errorf("profile %q not found in %s (have: %s)", profileName, path, strings.Join(pf.Names(), ", "))
				}
				layers = append(layers, p.layer(profileName))
				profileCC = p.CommandConfig
			}
		case errors.Is(rerr, fs.ErrNotExist):
			if profileName != "" {
				return Settings{}, nil, fmt.Errorf("profile %q asked for, but there is no profile file %s: create it or set KAFKIT_CONFIG", profileName, path)
			}
		default:
			return Settings{}, nil, fmt.Errorf("reading profile file: %v", rerr)
		}
	} else if profileName != "" {
		return Settings{}, nil, fmt.Errorf("profile %q asked for, but no config directory is known: set KAFKIT_CONFIG to the profile file", profileName)
	}

	// A profile may name a properties file; it sits just above the profile itself.
	if profileCC != "" {
		l, w, err := loadCommandConfig(profileCC, in.ReadFile)
		if err != nil {
			return Settings{}, nil, err
		}
		l.Source = "profile " + profileName + " (" + filepath.Base(profileCC) + ")"
		warnings = append(warnings, w...)
		layers = append(layers, l)
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

func merge(layers []Layer, readFile func(string) ([]byte, error)) (Settings, error) {
	s := Settings{ClientID: "", Timeout: DefaultTimeout, Sources: map[string]string{}}
	brokers := DefaultBrokers
	s.Sources["brokers"] = "default"
	s.Sources["timeout"] = "default"
	var passwordFile, passwordFileSrc string
	for _, l := range layers {
		set := func(name string, ok bool) {
			if ok {
				s.Sources[name] = l.Source
			}
		}
		if l.Brokers != nil {
			brokers = *l.Brokers
			set("brokers", true)
		}
		if l.ClientID != nil {
			s.ClientID = *l.ClientID
			set("client_id", true)
		}
		if l.Timeout != nil {
			s.Timeout = *l.Timeout
			set("timeout", true)
		}
		if l.TLSEnabled != nil {
			s.TLS.Enabled = *l.TLSEnabled
			set("tls", true)
		}
		strField := func(dst *string, src *string, name string) {
			if src != nil {
				*dst = *src
				set(name, true)
			}
		}
		strField(&s.TLS.CAFile, l.TLSCAFile, "tls_ca")
		strField(&s.TLS.CertFile, l.TLSCertFile, "tls_cert")
		strField(&s.TLS.KeyFile, l.TLSKeyFile, "tls_key")
		strField(&s.TLS.ServerName, l.TLSServerName, "tls_server_name")
		if l.TLSInsecure != nil {
			s.TLS.InsecureSkipVerify = *l.TLSInsecure
			set("tls_insecure_skip_verify", true)
		}
		if l.TLSSkipHostname != nil {
			s.TLS.SkipHostnameVerification = *l.TLSSkipHostname
		}
		if l.TLSCAPEM != nil {
			s.TLS.CAPEM = l.TLSCAPEM
			set("tls_ca", true)
		}
		if l.TLSCertPEM != nil {
			s.TLS.CertPEM = l.TLSCertPEM
			set("tls_cert", true)
		}
		if l.TLSKeyPEM != nil {
			s.TLS.KeyPEM = l.TLSKeyPEM
			set("tls_key", true)
		}
		strField(&s.SASL.Mechanism, l.SASLMechanism, "sasl_mechanism")
		strField(&s.SASL.User, l.SASLUser, "sasl_user")
		if l.SASLPassword != nil {
			s.SASL.Password = *l.SASLPassword
			passwordFile = ""
			set("sasl_password", true)
		}
		if l.SASLPasswordFile != nil {
			passwordFile = *l.SASLPasswordFile
			passwordFileSrc = l.Source
			set("sasl_password", true)
		}
	}
	var err error
	if s.Brokers, err = ParseBrokers(brokers); err != nil {
		return Settings{}, fmt.Errorf("brokers (from %s): %v", s.Sources["brokers"], err)
	}
	if s.Timeout <= 0 {
		return Settings{}, fmt.Errorf("timeout (from %s) must be positive, e.g. 10s", s.Sources["timeout"])
	}
	if passwordFile != "" {
		data, err := readFile(passwordFile)
		if err != nil {
			return Settings{}, fmt.Errorf("SASL password file (from %s): %v", passwordFileSrc, err)
		}
		s.SASL.Password = strings.TrimRight(string(data), "\r\n")
		s.Sources["sasl_password"] = passwordFileSrc + " (file " + passwordFile + ")"
	}
	if s.SASL.Mechanism != "" {
		m, err := NormalizeMechanism(s.SASL.Mechanism)
		if err != nil {
			return Settings{}, fmt.Errorf("%v (from %s)", err, s.Sources["sasl_mechanism"])
		}
		s.SASL.Mechanism = m
		if s.SASL.User == "" {
			return Settings{}, fmt.Errorf("SASL mechanism %s needs a user: pass --sasl-user or set KAFKIT_SASL_USER", m)
		}
		if s.SASL.Password == "" {
			return Settings{}, fmt.Errorf("SASL user %q has no password: pass --sasl-password-file FILE or set KAFKIT_SASL_PASSWORD", s.SASL.User)
		}
	} else if s.SASL.User != "" {
		// A user without a mechanism: SCRAM-SHA-512 is the Bitnami chart's default.
		s.SASL.Mechanism = "SCRAM-SHA-512"
		s.Sources["sasl_mechanism"] = "default (a SASL user was given)"
		if s.SASL.Password == "" {
			return Settings{}, fmt.Errorf("SASL user %q has no password: pass --sasl-password-file FILE or set KAFKIT_SASL_PASSWORD", s.SASL.User)
		}
	}
	if s.TLS.CAFile != "" || s.TLS.CertFile != "" || s.TLS.KeyFile != "" || s.TLS.ServerName != "" || s.TLS.InsecureSkipVerify || s.TLS.CAPEM != nil {
		if _, explicit := s.Sources["tls"]; !explicit {
			s.TLS.Enabled = true // any TLS detail implies TLS
		}
	}
	if (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		return Settings{}, fmt.Errorf("a TLS client certificate needs both --tls-cert and --tls-key")
	}
	return s, nil
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
