package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// loadCommandConfig reads a Java client properties file into a layer. Keys kafkit does not use
// are returned as one warning naming them.
func loadCommandConfig(path string, readFile func(string) ([]byte, error)) (Layer, []string, error) {
	data, err := readFile(path)
	if err != nil {
		return Layer{}, nil, fmt.Errorf("--command-config: %v", err)
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

// CommandConfigLayer maps Java client properties to a settings layer. It refuses what kafkit
// cannot honour (JKS stores, GSSAPI, OAUTHBEARER) with an error that says what to do, and lists
// keys it ignores in a warning.
func CommandConfigLayer(props []Property, readFile func(string) ([]byte, error)) (Layer, []string, error) {
	m := map[string]Property{}
	for _, p := range props {
		m[p.Key] = p
	}
	get := func(k string) (string, bool) {
		p, ok := m[k]
		return strings.TrimSpace(p.Value), ok
	}
	var l Layer
	var unsupported []string
	used := map[string]bool{}
	use := func(k string) { used[k] = true }

	if v, ok := get("bootstrap.servers"); ok {
		use("bootstrap.servers")
		l.Brokers = &v
	}
	if v, ok := get("client.id"); ok {
		use("client.id")
		l.ClientID = &v
	}
	protocol := "PLAINTEXT"
	if v, ok := get("security.protocol"); ok {
		use("security.protocol")
		protocol = strings.ToUpper(v)
		t := protocol == "SSL" || protocol == "SASL_SSL"
		switch protocol {
		case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
		default:
			return l, nil, fmt.Errorf("line %d: security.protocol=%s: want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", m["security.protocol"].Line, v)
		}
		l.TLSEnabled = &t
	}
	if v, ok := get("sasl.mechanism"); ok {
		use("sasl.mechanism")
		mech, err := NormalizeMechanism(v)
		if err != nil {
			return l, nil, fmt.Errorf("line %d: sasl.mechanism: %v", m["sasl.mechanism"].Line, err)
		}
		l.SASLMechanism = &mech
	}
	if v, ok := get("sasl.jaas.config"); ok {
		use("sasl.jaas.config")
		user, pass, err := parseJAAS(v)
		if err != nil {
			return l, nil, fmt.Errorf("line %d: sasl.jaas.config: %v", m["sasl.jaas.config"].Line, err)
		}
		l.SASLUser, l.SASLPassword = &user, &pass
		if l.SASLMechanism == nil {
			mech := "GSSAPI" // the Java default, which kafkit does not speak
			if strings.Contains(v, "PlainLoginModule") {
				mech = "PLAIN"
			}
			if mech == "GSSAPI" {
				return l, nil, fmt.Errorf("line %d: sasl.jaas.config without sasl.mechanism means GSSAPI in Java; add sasl.mechanism=SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN)", m["sasl.jaas.config"].Line)
			}
			l.SASLMechanism = &mech
		}
	}
	if strings.HasPrefix(protocol, "SASL_") && l.SASLMechanism == nil {
		return l, nil, fmt.Errorf("security.protocol=%s needs sasl.mechanism and sasl.jaas.config", protocol)
	}

	// Trust store: PEM only.
	if v, ok := get("ssl.truststore.location"); ok {
		use("ssl.truststore.location")
		use("ssl.truststore.type")
		typ, _ := get("ssl.truststore.type")
		if err := checkPEMStore(v, typ, "truststore", readFile); err != nil {
			return l, nil, fmt.Errorf("line %d: %v", m["ssl.truststore.location"].Line, err)
		}
		l.TLSCAFile = &v
	}
	if v, ok := get("ssl.truststore.certificates"); ok {
		use("ssl.truststore.certificates")
		use("ssl.truststore.type")
		l.TLSCAPEM = trimPEM([]byte(v))
	}
	if _, ok := get("ssl.truststore.password"); ok {
		use("ssl.truststore.password") // PEM trust stores have no password
	}
	// Key store: a PEM file with key and chain, or inline PEM.
	if v, ok := get("ssl.keystore.location"); ok {
		use("ssl.keystore.location")
		use("ssl.keystore.type")
		typ, _ := get("ssl.keystore.type")
		if err := checkPEMStore(v, typ, "keystore", readFile); err != nil {
			return l, nil, fmt.Errorf("line %d: %v", m["ssl.keystore.location"].Line, err)
		}
		l.TLSCertFile, l.TLSKeyFile = &v, &v
	}
	if v, ok := get("ssl.keystore.certificate.chain"); ok {
		use("ssl.keystore.certificate.chain")
		use("ssl.keystore.type")
		l.TLSCertPEM = trimPEM([]byte(v))
	}
	if v, ok := get("ssl.keystore.key"); ok {
		use("ssl.keystore.key")
		l.TLSKeyPEM = trimPEM([]byte(v))
	}
	if v, ok := get("ssl.endpoint.identification.algorithm"); ok {
		use("ssl.endpoint.identification.algorithm")
		skip := v == ""
		l.TLSSkipHostname = &skip
	}
	for k := range m {
		if !used[k] && !ignoredClientKeys[k] {
			unsupported = append(unsupported, k)
		}
	}
	var warnings []string
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		warnings = append(warnings, fmt.Sprintf("--command-config: kafkit ignores these properties: %s", strings.Join(unsupported, ", ")))
	}
	return l, warnings, nil
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
