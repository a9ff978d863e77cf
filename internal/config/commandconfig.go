package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/text"
)

// loadCommandConfig reads a Java client properties file into a layer. Keys kafkit does not use
// are returned as one warning naming them.
func loadCommandConfig(path string, readFile func(string) ([]byte, error)) (Layer, []string, error) {
	data, err := readFile(path)
	if err != nil {
		return Layer{}, nil, fmt.Errorf("--command-config: %v", err)
	}
	if err := CheckText(data); err != nil {
		return Layer{}, nil, fmt.Errorf("--command-config %s: %v", path, err)
	}
	props, err := ParseProperties(bytes.NewReader(data))
	if err != nil {
		return Layer{}, nil, fmt.Errorf("--command-config %s: %v", path, err)
	}
	l, warnings, err := CommandConfigLayer(props, readFile)
	if err != nil {
		return Layer{}, nil, fmt.Errorf("--command-config %s: %v", path, err)
	}
	l.Source = "command-config " + filepath.Base(path)
	return l, warnings, nil
}

// ignoredClientKeys are Java client settings that change nothing for kafkit (timeouts and
// tuning that kafkit sets itself); they are accepted without a warning.
var ignoredClientKeys = map[string]bool{
	"request.timeout.ms": true, "default.api.timeout.ms": true, "retries": true,
	"retry.backoff.ms": true, "connections.max.idle.ms": true, "metadata.max.age.ms": true,
	"ssl.protocol": true, "ssl.enabled.protocols": true,
}

var jaasKV = regexp.MustCompile(`(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))`)

// propSet is a properties file being mapped: the last value of each key, and which keys were
// used.
type propSet struct {
	m    map[string]Property
	used map[string]bool
}

// get returns the trimmed value of k and marks k (and the also keys that go with it) used.
func (ps *propSet) get(k string, also ...string) (string, bool) {
	p, ok := ps.m[k]
	if ok {
		ps.used[k] = true
		for _, a := range also {
			ps.used[a] = true
		}
	}
	return strings.TrimSpace(p.Value), ok
}

// errf is an error about key k, naming its line.
func (ps *propSet) errf(k, format string, args ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{ps.m[k].Line}, args...)...)
}

// CommandConfigLayer maps Java client properties to a settings layer. It refuses what kafkit
// cannot honour (JKS stores, GSSAPI, OAUTHBEARER) with an error that says what to do, and lists
// keys it ignores in a warning (control characters in them escaped).
func CommandConfigLayer(props []Property, readFile func(string) ([]byte, error)) (Layer, []string, error) {
	ps := &propSet{m: map[string]Property{}, used: map[string]bool{}}
	for _, p := range props {
		ps.m[p.Key] = p
	}
	var l Layer
	if v, ok := ps.get("bootstrap.servers"); ok {
		l.Brokers = &v
	}
	if v, ok := ps.get("client.id"); ok {
		l.ClientID = &v
	}
	for _, step := range []func(*propSet, *Layer, func(string) ([]byte, error)) error{saslProps, trustStoreProps, keyStoreProps} {
		if err := step(ps, &l, readFile); err != nil {
			return l, nil, err
		}
	}
	return l, ps.unusedWarning(), nil
}

// saslProps maps security.protocol, sasl.mechanism and sasl.jaas.config.
func saslProps(ps *propSet, l *Layer, _ func(string) ([]byte, error)) error {
	protocol := "PLAINTEXT"
	if v, ok := ps.get("security.protocol"); ok {
		protocol = strings.ToUpper(v)
		switch protocol {
		case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
		default:
			return ps.errf("security.protocol", "security.protocol=%s: want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", text.Safe(v))
		}
		t := protocol == "SSL" || protocol == "SASL_SSL"
		l.TLSEnabled = &t
	}
	if v, ok := ps.get("sasl.mechanism"); ok {
		mech, err := NormalizeMechanism(v)
		if err != nil {
			return ps.errf("sasl.mechanism", "sasl.mechanism: %v", err)
		}
		l.SASLMechanism = &mech
	}
	if v, ok := ps.get("sasl.jaas.config"); ok {
		user, pass, err := parseJAAS(v)
		if err != nil {
			return ps.errf("sasl.jaas.config", "sasl.jaas.config: %v", err)
		}
		l.SASLUser, l.SASLPassword = &user, &pass
		if l.SASLMechanism == nil {
			if !strings.Contains(v, "PlainLoginModule") { // Java's default is GSSAPI, which kafkit does not speak
				return ps.errf("sasl.jaas.config", "sasl.jaas.config without sasl.mechanism means GSSAPI in Java; add sasl.mechanism=SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN)")
			}
			mech := "PLAIN"
			l.SASLMechanism = &mech
		}
	}
	if strings.HasPrefix(protocol, "SASL_") && l.SASLMechanism == nil {
		return fmt.Errorf("security.protocol=%s needs sasl.mechanism and sasl.jaas.config", protocol)
	}
	return nil
}

// trustStoreProps maps the trust store: a PEM file or inline PEM certificates.
func trustStoreProps(ps *propSet, l *Layer, readFile func(string) ([]byte, error)) error {
	if v, ok := ps.get("ssl.truststore.location", "ssl.truststore.type"); ok {
		typ, _ := ps.get("ssl.truststore.type")
		if err := checkPEMStore(v, typ, "truststore", readFile); err != nil {
			return ps.errf("ssl.truststore.location", "%v", err)
		}
		l.TLSCAFile = &v
	}
	if v, ok := ps.get("ssl.truststore.certificates", "ssl.truststore.type"); ok {
		l.TLSCAPEM = trimPEM([]byte(v))
	}
	ps.get("ssl.truststore.password") // PEM trust stores have no password
	return nil
}

// keyStoreProps maps the key store (a PEM file with key and chain, or inline PEM) and host name
// verification.
func keyStoreProps(ps *propSet, l *Layer, readFile func(string) ([]byte, error)) error {
	if v, ok := ps.get("ssl.keystore.location", "ssl.keystore.type"); ok {
		typ, _ := ps.get("ssl.keystore.type")
		if err := checkPEMStore(v, typ, "keystore", readFile); err != nil {
			return ps.errf("ssl.keystore.location", "%v", err)
		}
		l.TLSCertFile, l.TLSKeyFile = &v, &v
	}
	if v, ok := ps.get("ssl.keystore.certificate.chain", "ssl.keystore.type"); ok {
		l.TLSCertPEM = trimPEM([]byte(v))
	}
	if v, ok := ps.get("ssl.keystore.key"); ok {
		l.TLSKeyPEM = trimPEM([]byte(v))
	}
	if v, ok := ps.get("ssl.endpoint.identification.algorithm"); ok {
		skip := v == ""
		l.TLSSkipHostname = &skip
	}
	return nil
}

// unusedWarning names the keys nothing used, escaped so that a key cannot write to the terminal.
func (ps *propSet) unusedWarning() []string {
	var unsupported []string
	for k := range ps.m {
		if !ps.used[k] && !ignoredClientKeys[k] {
			unsupported = append(unsupported, text.Safe(k))
		}
	}
	if len(unsupported) == 0 {
		return nil
	}
	sort.Strings(unsupported)
	return []string{fmt.Sprintf("--command-config: kafkit ignores these properties: %s", strings.Join(unsupported, ", "))}
}

// parseJAAS extracts username and password from a ScramLoginModule or PlainLoginModule line.
func parseJAAS(v string) (user, pass string, err error) {
	if strings.Contains(v, "OAuthBearerLoginModule") || strings.Contains(v, "Krb5LoginModule") {
		return "", "", fmt.Errorf("only ScramLoginModule and PlainLoginModule are supported")
	}
	for _, mm := range jaasKV.FindAllStringSubmatch(v, -1) {
		val := mm[3]
		if mm[3] == "" {
			val = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(mm[2])
		}
		switch mm[1] {
		case "username":
			user = val
		case "password":
			pass = val
		}
	}
	if user == "" || pass == "" {
		return "", "", fmt.Errorf(`want username="..." password="..."`)
	}
	return user, pass, nil
}

// checkPEMStore refuses JKS and PKCS12 stores with instructions to convert them.
func checkPEMStore(path, typ, what string, readFile func(string) ([]byte, error)) error {
	upper := strings.ToUpper(strings.TrimSpace(typ))
	if upper != "" && upper != "PEM" {
		return fmt.Errorf("ssl.%s.type=%s: kafkit reads PEM files only; %s", what, typ, convertHint(path))
	}
	data, err := readFile(path)
	if err != nil {
		return fmt.Errorf("ssl.%s.location: %v", what, err)
	}
	if IsJavaKeystore(data) {
		return fmt.Errorf("ssl.%s.location %s is a Java keystore, not PEM; %s", what, path, convertHint(path))
	}
	return nil
}

// IsJavaKeystore reports whether data looks like a JKS or PKCS12 file rather than PEM.
func IsJavaKeystore(data []byte) bool {
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return false
	}
	if len(data) >= 4 && bytes.Equal(data[:4], []byte{0xFE, 0xED, 0xFE, 0xED}) {
		return true // JKS magic
	}
	return len(data) > 0 && data[0] == 0x30 // DER: PKCS12 (or a bare DER certificate)
}

func convertHint(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return fmt.Sprintf("convert it: keytool -importkeystore -srckeystore %s -destkeystore %s.p12 -deststoretype PKCS12 && openssl pkcs12 -in %s.p12 -nodes -out %s.pem", path, base, base, base)
}
