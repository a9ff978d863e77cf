package config

import (
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

// ParseProfiles decodes a profile file strictly: unknown keys, misplaced values and bad values
// are errors that name the file and line ("config.yaml:5: ...") and list the keys allowed there.
func ParseProfiles(data []byte, path string) (*ProfileFile, error) {
	if err := CheckText(data); err != nil {
		return nil, fmt.Errorf("profile file %s: %v", path, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("profile file %s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var pf ProfileFile
	if len(root.Content) > 0 {
		if err := checkNode(root.Content[0], fileSchema, ""); err != nil {
			return nil, fmt.Errorf("%s:%v", path, err)
		}
		if err := root.Content[0].Decode(&pf); err != nil { // checkNode caught what a person can fix
			return nil, fmt.Errorf("profile file %s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
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
			return nil, fmt.Errorf("profile file %s: default profile %q is not defined (have: %s)", path, pf.Default, strings.Join(pf.Names(), ", "))
		}
	}
	return &pf, nil
}

// schema describes what a profile file may hold, so that errors speak in its keys rather than
// in Go types.
type schema struct {
	kind  string            // "string", "bool", "list" (a list or a comma-separated string), "map"
	keys  map[string]schema // for "map": the allowed keys
	names *schema           // for "map" of user-chosen names (profiles): the schema of each value
}

var (
	str       = schema{kind: "string"}
	boolean   = schema{kind: "bool"}
	tlsSchema = schema{kind: "map", keys: map[string]schema{
		"enabled": boolean, "ca_file": str, "cert_file": str, "key_file": str, "server_name": str, "insecure_skip_verify": boolean,
	}}
	saslSchema    = schema{kind: "map", keys: map[string]schema{"mechanism": str, "user": str, "password_file": str}}
	profileSchema = schema{kind: "map", keys: map[string]schema{
		"brokers": {kind: "list"}, "client_id": str, "timeout": str, "command_config": str, "tls": tlsSchema, "sasl": saslSchema,
	}}
	fileSchema = schema{kind: "map", keys: map[string]schema{"default": str, "profiles": {kind: "map", names: &profileSchema}}}
)

// checkNode checks n against sc; where names the enclosing key for messages ("profile \"dev\" tls").
// The error starts with the line number.
func checkNode(n *yaml.Node, sc schema, where string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	at := func(n *yaml.Node, format string, args ...any) error { return lineErr(n, where, format, args...) }
	switch sc.kind {
	case "string":
		if n.Kind != yaml.ScalarNode {
			return at(n, "want a single value, not a %s", kindName(n))
		}
	case "bool":
		if n.Kind != yaml.ScalarNode || (n.Value != "true" && n.Value != "false") {
			return at(n, "want true or false, not %s", valueName(n))
		}
	case "list":
		if n.Kind == yaml.MappingNode {
			return at(n, "want a list or a comma-separated string, not a map")
		}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return at(c, "want host:port entries, not a %s", kindName(c))
			}
		}
	case "map":
		return checkMap(n, sc, where, at)
	}
	return nil
}

// lineErr is "LINE: where: message".
func lineErr(n *yaml.Node, where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	return fmt.Errorf("%d: %s", n.Line, msg)
}

// joinPath names a key inside where: `profile "dev": tls`, then `profile "dev": tls.ca_file`.
func joinPath(where, key string) string {
	switch {
	case where == "":
		return key
	case strings.HasSuffix(where, `"`):
		return where + ": " + key
	}
	return where + "." + key
}

func checkMap(n *yaml.Node, sc schema, where string, at func(*yaml.Node, string, ...any) error) error {
	if n.Kind != yaml.MappingNode {
		if sc.names != nil {
			return at(n, "want a map of profile names to profiles, not a %s", kindName(n))
		}
		return at(n, "want a map with the keys %s, not a %s", validKeys(sc), kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if sc.names != nil {
			if err := checkNode(v, *sc.names, fmt.Sprintf("profile %q", k.Value)); err != nil {
				return err
			}
			continue
		}
		child, ok := sc.keys[k.Value]
		path := joinPath(where, k.Value)
		switch {
		case !ok && k.Value == "password" && sc.keys["password_file"].kind != "":
			return lineErr(k, path, "passwords are never stored in the profile file: put it in a file (chmod 600) and name it with password_file, or set KAFKIT_SASL_PASSWORD")
		case !ok:
			return at(k, "unknown key %q; valid keys here: %s", k.Value, validKeys(sc))
		}
		if err := checkNode(v, child, path); err != nil {
			return err
		}
	}
	return nil
}

func validKeys(sc schema) string {
	keys := make([]string, 0, len(sc.keys))
	for k := range sc.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "map"
	}
	return "value"
}

func valueName(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q", n.Value)
	}
	return "a " + kindName(n)
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
