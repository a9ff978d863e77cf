package config

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ProfileFile is the YAML file of named connection profiles.
type ProfileFile struct {
	Default  string             `yaml:"default"`
	Profiles map[string]Profile `yaml:"profiles"`
}

// Profile is one named cluster connection. Passwords are never stored inline: name a file.
type Profile struct {
	Brokers       StringList `yaml:"brokers"`
	ClientID      string     `yaml:"client_id"`
	Timeout       string     `yaml:"timeout"`
	CommandConfig string     `yaml:"command_config"`
	TLS           struct {
		Enabled            *bool  `yaml:"enabled"`
		CAFile             string `yaml:"ca_file"`
		CertFile           string `yaml:"cert_file"`
		KeyFile            string `yaml:"key_file"`
		ServerName         string `yaml:"server_name"`
		InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
	} `yaml:"tls"`
	SASL struct {
		Mechanism    string `yaml:"mechanism"`
		User         string `yaml:"user"`
		PasswordFile string `yaml:"password_file"`
	} `yaml:"sasl"`

	timeout *time.Duration
}

// StringList accepts either a YAML list or a comma-separated string.
type StringList []string

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*s = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		*s = l
		return nil
	}
	return fmt.Errorf("line %d: brokers: want a list or a comma-separated string", n.Line)
}

// ParseProfiles decodes a profile file strictly: unknown keys and bad values are errors that
// name the file and line.
func ParseProfiles(data []byte, path string) (*ProfileFile, error) {
	var pf ProfileFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&pf); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("profile file %s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for name, p := range pf.Profiles {
		if p.Timeout != "" {
			d, err := time.ParseDuration(p.Timeout)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("profile file %s: profile %q: timeout %q: want a duration such as 10s", path, name, p.Timeout)
			}
			p.timeout = &d
		}
		if p.SASL.Mechanism != "" {
			if _, err := NormalizeMechanism(p.SASL.Mechanism); err != nil {
				return nil, fmt.Errorf("profile file %s: profile %q: %v", path, name, err)
			}
		}
		pf.Profiles[name] = p
	}
	if pf.Default != "" {
		if _, ok := pf.Profiles[pf.Default]; !ok {
			return nil, fmt.Errorf("profile file %s: default profile %q is not defined", path, pf.Default)
		}
	}
	return &pf, nil
}

// Names returns the profile names sorted.
func (pf *ProfileFile) Names() []string {
	names := make([]string, 0, len(pf.Profiles))
	for n := range pf.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (p Profile) layer(name string) Layer {
	l := Layer{Source: "profile " + name}
	nonEmpty := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if len(p.Brokers) > 0 {
		b := strings.Join(p.Brokers, ",")
		l.Brokers = &b
	}
	l.ClientID = nonEmpty(p.ClientID)
	l.Timeout = p.timeout
	l.TLSEnabled = p.TLS.Enabled
	l.TLSCAFile = nonEmpty(p.TLS.CAFile)
	l.TLSCertFile = nonEmpty(p.TLS.CertFile)
	l.TLSKeyFile = nonEmpty(p.TLS.KeyFile)
	l.TLSServerName = nonEmpty(p.TLS.ServerName)
	if p.TLS.InsecureSkipVerify {
		t := true
		l.TLSInsecure = &t
	}
	l.SASLMechanism = nonEmpty(p.SASL.Mechanism)
	l.SASLUser = nonEmpty(p.SASL.User)
	l.SASLPasswordFile = nonEmpty(p.SASL.PasswordFile)
	return l
}
