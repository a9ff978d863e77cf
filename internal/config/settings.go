// Package config resolves how kafkit connects to Kafka: brokers, TLS, SASL, client id and
// timeout, from flags, KAFKIT_* environment variables, a --command-config properties file, a
// named profile and built-in defaults. Loading is pure: every input is passed in.
package config

import (
	"fmt"
	"strings"
	"time"
)

// DefaultBrokers is the Bitnami chart's headless service, so that no flag is needed in the pod.
const DefaultBrokers = "kafka-controller-headless.kafka.svc.cluster.local:9092"

// DefaultTimeout bounds every command unless --timeout or KAFKIT_TIMEOUT says otherwise.
const DefaultTimeout = 10 * time.Second

// Settings is everything needed to build a Kafka client. Password is never printed.
type Settings struct {
	Brokers  []string
	ClientID string
	Timeout  time.Duration
	TLS      TLS
	SASL     SASL
	Verbose  bool

	// Sources says where each setting came from ("flag", "env KAFKIT_BROKERS", "profile prod",
	// "command-config client.properties", "default"), for `kafkit profile show` and errors.
	Sources map[string]string
	// Profile is the profile used, "" when none.
	Profile string
}

// TLS settings; files are PEM.
type TLS struct {
	Enabled            bool
	CAFile             string
	CAPEM              []byte // inline CA certificates (ssl.truststore.certificates)
	CertFile           string
	KeyFile            string
	CertPEM            []byte // inline certificate chain (ssl.keystore.certificate.chain)
	KeyPEM             []byte // inline key (ssl.keystore.key)
	ServerName         string
	InsecureSkipVerify bool
	// SkipHostnameVerification verifies the chain but not the name, as Java does with an empty
	// ssl.endpoint.identification.algorithm.
	SkipHostnameVerification bool
}

// SASL settings. Mechanism is upper case: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
type SASL struct {
	Mechanism string
	User      string
	Password  string
}

// Mechanisms lists the SASL mechanisms kafkit speaks.
var Mechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// NormalizeMechanism upper-cases a mechanism name and checks it is supported; the error lists
// the supported ones.
func NormalizeMechanism(m string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(m))
	for _, s := range Mechanisms {
		if u == s {
			return u, nil
		}
	}
	switch u {
	case "GSSAPI", "OAUTHBEARER":
		return "", fmt.Errorf("SASL mechanism %s is not supported by kafkit; use one of %s", u, strings.Join(Mechanisms, ", "))
	}
	return "", fmt.Errorf("unknown SASL mechanism %q; use one of %s", m, strings.Join(Mechanisms, ", "))
}

// ParseBrokers splits a comma- or space-separated broker list and checks each entry is
// host:port. A missing port gets 9092, as kafka clients assume.
func ParseBrokers(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty broker list: give host:port[,host:port...]")
	}
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		f = strings.TrimPrefix(f, "PLAINTEXT://")
		if i := strings.Index(f, "://"); i >= 0 {
			f = f[i+3:]
		}
		host, port, ok := splitHostPort(f)
		if !ok {
			return nil, fmt.Errorf("bad broker address %q: want host:port", f)
		}
		if port == "" {
			port = "9092"
		}
		for _, c := range port {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("bad broker address %q: port %q is not a number", f, port)
			}
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		out = append(out, host+":"+port)
	}
	return out, nil
}

// splitHostPort accepts host, host:port, [v6] and [v6]:port.
func splitHostPort(s string) (host, port string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		host = s[1:end]
		rest := s[end+1:]
		if rest == "" {
			return host, "", host != ""
		}
		if rest[0] != ':' {
			return "", "", false
		}
		return host, rest[1:], host != "" && rest[1:] != ""
	}
	if strings.Count(s, ":") > 1 {
		return "", "", false // bare IPv6 needs brackets
	}
	host, port, found := strings.Cut(s, ":")
	if found && port == "" {
		return "", "", false
	}
	return host, port, host != ""
}
