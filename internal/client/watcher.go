package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/config"
)

// ConnError is a connection failure explained for a person: which address, why, what to do.
type ConnError struct {
	Addr  string
	Cause string
	Hint  string
	Err   error
}

func (e *ConnError) Error() string {
	msg := fmt.Sprintf("cannot connect to %s (%s)", e.Addr, e.Cause)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

func (e *ConnError) Unwrap() error { return e.Err }

// Watcher is a kgo hook that remembers connection failures. Failures that retrying cannot fix
// (unknown host, every seed refusing, TLS or SASL rejected) cancel the contexts registered with
// Watch at once, so commands fail in milliseconds instead of waiting out the timeout.
type Watcher struct {
	settings config.Settings

	mu        sync.Mutex
	last      *ConnError
	fatal     *ConnError
	connected bool
	refused   map[string]bool
	cancels   []context.CancelCauseFunc
}

// NewWatcher returns a watcher for clients built from s.
func NewWatcher(s config.Settings) *Watcher {
	return &Watcher{settings: s, refused: map[string]bool{}}
}

// Watch returns a child of ctx that is cancelled when a fatal connection error is seen.
func (w *Watcher) Watch(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	w.mu.Lock()
	if w.fatal != nil {
		cancel(w.fatal)
	}
	w.cancels = append(w.cancels, cancel)
	w.mu.Unlock()
	return ctx, func() { cancel(context.Canceled) }
}

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (w *Watcher) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	addr := net.JoinHostPort(meta.Host, fmt.Sprint(meta.Port))
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		w.connected = true
		return
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed) {
		return
	}
	seed := meta.NodeID < 0
	ce, fatal := classify(addr, seed, err, w.settings)
	w.last = ce
	if !fatal && seed && !w.connected {
		switch {
		case isRefused(err):
			// One refusing seed may be a broker restarting; all of them is a wrong address.
			w.refused[addr] = true
			fatal = len(w.refused) >= len(w.settings.Brokers)
		case strings.HasPrefix(ce.Cause, "the broker closed the connection during"):
			fatal = true
		}
	}
	if fatal && w.fatal == nil {
		w.fatal = ce
		for _, c := range w.cancels {
			c(ce)
		}
	}
}

// Explain turns err into a message a person can act on when it comes from a connection
// problem or the timeout, and returns err unchanged otherwise.
func (w *Watcher) Explain(err error) error {
	if err == nil {
		return nil
	}
	w.mu.Lock()
	fatal, last := w.fatal, w.last
	w.mu.Unlock()
	if fatal != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isConnRelated(err)) {
		return fatal
	}
	var firstEOF *kgo.ErrFirstReadEOF
	if errors.Is(err, kerr.SaslAuthenticationFailed) || errors.As(err, &firstEOF) {
		ce, _ := classify(strings.Join(w.settings.Brokers, ","), true, err, w.settings)
		return ce
	}
	if errors.Is(err, context.DeadlineExceeded) || isConnRelated(err) {
		if last != nil {
			cause := last.Cause
			if errors.Is(err, context.DeadlineExceeded) {
				cause += fmt.Sprintf(", gave up after %s", w.settings.Timeout)
			}
			return &ConnError{Addr: last.Addr, Cause: cause, Hint: last.Hint, Err: err}
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("timed out after %s waiting for the cluster at %s: it may be overloaded or unreachable; raise --timeout or check --brokers", w.settings.Timeout, strings.Join(w.settings.Brokers, ","))
		}
	}
	return err
}

func isConnRelated(err error) bool {
	s := err.Error()
	return strings.Contains(s, "unable to dial") || strings.Contains(s, "broker closed the connection") || strings.Contains(s, "tls") ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// classify explains one connection error and says whether retrying is pointless.
func classify(addr string, seed bool, err error, s config.Settings) (*ConnError, bool) {
	ce := &ConnError{Addr: addr, Err: err}
	host, _, _ := net.SplitHostPort(addr)
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var firstEOF *kgo.ErrFirstReadEOF
	switch {
	case errors.As(err, &dnsErr) && (dnsErr.IsNotFound || strings.Contains(dnsErr.Err, "no such host")):
		ce.Cause = "no such host"
		switch {
		case strings.HasSuffix(host, ".svc.cluster.local") || strings.HasSuffix(host, ".svc"):
			if seed {
				ce.Hint = "this in-cluster address only resolves inside Kubernetes; outside the cluster, pass --brokers or set KAFKIT_BROKERS"
			} else {
				ce.Hint = "the cluster advertises this in-cluster name (advertised.listeners), which only resolves inside Kubernetes: run kafkit in the cluster (kubectl exec) or use a listener advertised for outside clients"
			}
		case seed:
			ce.Hint = "check the host name in --brokers / KAFKIT_BROKERS"
		default:
			ce.Hint = "the cluster advertises this name (advertised.listeners) and it does not resolve from here"
		}
		return ce, true
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		ce.Cause = fmt.Sprintf("authentication failed for user %q with %s", s.SASL.User, s.SASL.Mechanism)
		ce.Hint = "check the user name and password (--sasl-user, --sasl-password-file / KAFKIT_SASL_PASSWORD) and the mechanism (--sasl-mechanism)"
		return ce, true
	case errors.Is(err, kerr.UnsupportedSaslMechanism):
		ce.Cause = fmt.Sprintf("the broker does not accept SASL mechanism %s", s.SASL.Mechanism)
		ce.Hint = "try --sasl-mechanism SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN as the listener is configured"
		return ce, true
	case errors.Is(err, kerr.IllegalSaslState):
		ce.Cause = "this listener does not expect SASL"
		ce.Hint = "drop the --sasl-* settings or use the SASL listener's port"
		return ce, true
	case errors.As(err, &hostErr):
		ce.Cause = "the broker's TLS certificate does not match the host name: " + strings.TrimPrefix(hostErr.Error(), "x509: ")
		ce.Hint = "pass the name on the certificate with --tls-server-name, or connect by that name"
		return ce, true
	case errors.As(err, &unknownAuth):
		ce.Cause = "the broker's TLS certificate is not signed by a trusted CA"
		ce.Hint = "pass the cluster's CA with --tls-ca FILE (PEM)"
		return ce, true
	case errors.As(err, &certErr):
		ce.Cause = "the broker's TLS certificate was rejected: " + strings.TrimPrefix(certErr.Err.Error(), "x509: ")
		ce.Hint = "check the certificate and --tls-ca"
		return ce, true
	case errors.As(err, &firstEOF):
		switch msg := firstEOF.Error(); {
		case strings.Contains(msg, "SASL"):
			ce.Cause = "the broker closed the connection: this listener requires SASL authentication"
			ce.Hint = "pass --sasl-user and a password (--sasl-password-file or KAFKIT_SASL_PASSWORD), or use the plaintext listener's port"
		case s.TLS.Enabled:
			ce.Cause = "the broker closed the connection during the TLS handshake"
			ce.Hint = "this looks like a plaintext listener: drop --tls, or use the TLS listener's port"
		default:
			ce.Cause = "the broker closed the connection at once"
			ce.Hint = "this looks like a TLS listener: add --tls (and --tls-ca), or use the plaintext port"
		}
		return ce, true
	case strings.Contains(err.Error(), "tls alert") || strings.Contains(err.Error(), "plaintext connection speaking to a tls endpoint"):
		ce.Cause = "the broker answered with TLS to a plaintext connection"
		ce.Hint = "this is a TLS listener: add --tls (and --tls-ca if the CA is private)"
		return ce, true
	case strings.Contains(err.Error(), "first record does not look like a TLS handshake"):
		ce.Cause = "the broker did not answer the TLS handshake with TLS"
		ce.Hint = "this looks like a plaintext listener: drop --tls, or use the TLS listener's port"
		return ce, true
	case s.TLS.Enabled && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)):
		ce.Cause = "the broker closed the connection during the TLS handshake"
		ce.Hint = "this looks like a plaintext listener: drop --tls, or use the TLS listener's port"
		return ce, false // fatal only before any connection worked: see OnBrokerConnect
	case s.SASL.Mechanism != "" && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)):
		ce.Cause = "the broker closed the connection during SASL authentication"
		ce.Hint = fmt.Sprintf("check user %q, the password and --sasl-mechanism %s, and that this port is a SASL listener", s.SASL.User, s.SASL.Mechanism)
		return ce, false // fatal only before any connection worked: see OnBrokerConnect
	case errors.Is(err, syscall.ECONNREFUSED):
		ce.Cause = "connection refused"
		ce.Hint = "nothing listens there: check the host and port in --brokers / KAFKIT_BROKERS"
		return ce, false
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		ce.Cause = "no route to host"
		ce.Hint = "check the address and the network path"
		return ce, false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		ce.Cause = "connection timed out"
		ce.Hint = "a firewall may drop the traffic, or the address is wrong"
		return ce, false
	}
	ce.Cause = strings.TrimPrefix(err.Error(), "unable to dial: ")
	return ce, false
}
