// Package client builds every Kafka client kafkit uses, from resolved config.Settings, and turns
// connection failures into messages a person can act on. Commands never call kgo.NewClient.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kafkit/kafkit/internal/build"
	"github.com/kafkit/kafkit/internal/config"
)

// Logger is the debug logger -v turns on: kgo's own log lines on out, time-stamped. Build it
// once per process and hand it to every client.
func Logger(out io.Writer) kgo.Logger {
	return kgo.BasicLogger(out, kgo.LogLevelDebug, func() string {
		return time.Now().Format("15:04:05.000 ") + "kafkit: "
	})
}

// Options returns the kgo options for s: CLI defaults first, so that extra options given to New
// (a command's own) override them. log may be nil (no logging). Errors name the TLS file that
// could not be used.
func Options(s config.Settings, w *Watcher, log kgo.Logger) ([]kgo.Opt, error) {
	clientID := s.ClientID
	if clientID == "" {
		clientID = build.ClientID()
	}
	bound := RequestBound(s.Timeout)
	dial := min(bound, 5*time.Second)
	opts := []kgo.Opt{
		kgo.SeedBrokers(s.Brokers...),
		kgo.ClientID(clientID),
		kgo.SoftwareNameAndVersion("kafkit", build.Version),
		kgo.RequestTimeoutOverhead(bound),
		kgo.RetryTimeout(s.Timeout),
		// A CLI runs briefly and often reads what it just wrote: refresh metadata eagerly.
		kgo.MetadataMinAge(250 * time.Millisecond),
		// A connection closed before the first answer is retried (kgo's default gives up at once,
		// taking it for a TLS or SASL mismatch): a broker shutting down does that too. The
		// watcher still fails fast when every seed does it (see OnBrokerConnect).
		kgo.AlwaysRetryEOF(),
	}
	if w != nil {
		opts = append(opts, kgo.WithHooks(w))
	}
	if log != nil {
		opts = append(opts, kgo.WithLogger(log))
	}
	var tlsCfg *tls.Config
	if s.TLS.Enabled {
		cfg, err := TLSConfig(s.TLS, config.ReadFile)
		if err != nil {
			return nil, err
		}
		tlsCfg = cfg
	}
	opts = append(opts, kgo.Dialer(dialFunc(&net.Dialer{Timeout: dial}, tlsCfg, w)))
	switch s.SASL.Mechanism {
	case "":
	case "PLAIN":
		opts = append(opts, kgo.SASL(plain.Auth{User: s.SASL.User, Pass: s.SASL.Password}.AsMechanism()))
	case "SCRAM-SHA-256":
		opts = append(opts, kgo.SASL(scram.Auth{User: s.SASL.User, Pass: s.SASL.Password}.AsSha256Mechanism()))
	case "SCRAM-SHA-512":
		opts = append(opts, kgo.SASL(scram.Auth{User: s.SASL.User, Pass: s.SASL.Password}.AsSha512Mechanism()))
	default:
		return nil, fmt.Errorf("unsupported SASL mechanism %q", s.SASL.Mechanism)
	}
	return opts, nil
}

// dialFunc dials brokers as kgo's own dialer does (TLS with the broker's host as server name
// unless one is set), except that a broker the watcher saw silent a moment ago is skipped at once.
func dialFunc(d *net.Dialer, tlsCfg *tls.Config, w *Watcher) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if w != nil && w.skip(addr) {
			return nil, errSilent{addr: addr}
		}
		if tlsCfg == nil {
			return d.DialContext(ctx, network, addr)
		}
		c := tlsCfg.Clone()
		if c.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, fmt.Errorf("unable to split host:port for dialing: %w", err)
			}
			c.ServerName = host
		}
		return (&tls.Dialer{NetDialer: d, Config: c}).DialContext(ctx, network, addr)
	}
}

// RequestBound is how long one connection attempt or one request may wait for a broker's answer
// (on top of the request's own timeout field): a third of --timeout, at least 500 ms (or the
// whole timeout when shorter) and at most 10 s, kgo's default. A broker that accepts connections
// and never answers (frozen, overloaded) then costs a third of the timeout, and kgo retries on
// another broker within what is left.
func RequestBound(timeout time.Duration) time.Duration {
	b := timeout / 3
	b = min(b, 10*time.Second)
	return max(b, min(500*time.Millisecond, timeout))
}

// New builds a kgo client for s; extra options are applied last and win. The client does not
// dial until first used, so New only fails on bad local settings (TLS files).
func New(s config.Settings, w *Watcher, log kgo.Logger, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := Options(s, w, log)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("invalid client settings: %v", err)
	}
	return cl, nil
}

// TLSConfig builds the TLS configuration from PEM files or inline PEM. A Java keystore gets an
// error that says how to convert it.
func TLSConfig(t config.TLS, readFile func(string) ([]byte, error)) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	readPEM := func(path, what string) ([]byte, error) {
		data, err := readFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		if config.IsJavaKeystore(data) {
			return nil, fmt.Errorf("%s %s is a Java keystore (JKS/PKCS12), not PEM: convert it with keytool -importkeystore -srckeystore %s -destkeystore store.p12 -deststoretype PKCS12 && openssl pkcs12 -in store.p12 -nodes -out store.pem", what, path, path)
		}
		return data, nil
	}
	caPEM := t.CAPEM
	if t.CAFile != "" {
		data, err := readPEM(t.CAFile, "--tls-ca")
		if err != nil {
			return nil, err
		}
		caPEM = data
	}
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("--tls-ca: no PEM certificate found in %s", orInline(t.CAFile))
		}
		cfg.RootCAs = pool
	}
	certPEM, keyPEM := t.CertPEM, t.KeyPEM
	if t.CertFile != "" {
		data, err := readPEM(t.CertFile, "--tls-cert")
		if err != nil {
			return nil, err
		}
		certPEM = data
	}
	if t.KeyFile != "" {
		data, err := readPEM(t.KeyFile, "--tls-key")
		if err != nil {
			return nil, err
		}
		keyPEM = data
	}
	if certPEM != nil || keyPEM != nil {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s / key %s: %v", orInline(t.CertFile), orInline(t.KeyFile), err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if t.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true
	} else if t.SkipHostnameVerification {
		// Verify the chain against the roots but not the host name, like Java with
		// ssl.endpoint.identification.algorithm= (empty).
		roots := cfg.RootCAs
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fmt.Errorf("the broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}

func orInline(path string) string {
	if path == "" {
		return "(inline)"
	}
	return path
}
