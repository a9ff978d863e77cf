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

	"github.com/twmb/franz-go/pkg/kbin"
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
	// seeds that closed the connection before answering, before any connection worked
	closedAtOnce map[string]bool
	lastRead     kgo.BrokerMetadata // the broker of the last response read, to name a port that answers garbage
	read         bool               // lastRead is set
	silent       map[string]silence // brokers that accepted a connection and did not answer
	cancels      []context.CancelCauseFunc
}

// NewWatcher returns a watcher for clients built from s.
func NewWatcher(s config.Settings) *Watcher {
	return &Watcher{settings: s, refused: map[string]bool{}, closedAtOnce: map[string]bool{}, silent: map[string]silence{}}
}

// silence is a broker that accepted a connection and did not answer, and when that was seen.
type silence struct {
	ce *ConnError
	at time.Time
}

// errSilent is the dial error for a broker that was silent a moment ago: kgo moves on to another
// broker at once instead of losing another request bound on it.
type errSilent struct{ addr string }

func (e errSilent) Error() string {
	return "skipped " + e.addr + ": it accepted a connection and did not answer a moment ago"
}
func (errSilent) Timeout() bool   { return true }
func (errSilent) Temporary() bool { return true }

// skip reports whether addr did not answer within the last --timeout. A one-shot command then
// never waits on the same silent broker twice; a stream (consume, produce) tries it again once
// per --timeout.
func (w *Watcher) skip(addr string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	sl, ok := w.silent[addr]
	return ok && time.Since(sl.at) < w.settings.Timeout
}

// OnBrokerRead implements kgo.HookBrokerRead: it names a broker that accepted the connection
// but did not answer within the per-request bound (frozen, overloaded), and remembers which
// address answered last, so that an answer that is not Kafka's can be blamed on it.
func (w *Watcher) OnBrokerRead(meta kgo.BrokerMetadata, _ int16, _ int, _, _ time.Duration, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastRead, w.read = meta, true
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, kgo.ErrClientClosed) {
		return // the common case, once per response: nothing else to do
	}
	addr := net.JoinHostPort(meta.Host, fmt.Sprint(meta.Port))
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		w.last = &ConnError{Addr: addr, Err: err,
			Cause: fmt.Sprintf("the broker accepted the connection but did not answer within %s", RequestBound(w.settings.Timeout)),
			Hint:  "it may be frozen or overloaded; kafkit tried the other brokers: check this one, or raise --timeout"}
		w.silent[addr] = silence{ce: w.last, at: time.Now()}
	default:
		w.last, _ = classify(addr, meta.NodeID < 0, err, w.settings)
	}
}

// notKafka reports an answer that is not in the Kafka protocol: another service on the port.
func notKafka(err error) bool {
	s := err.Error()
	return strings.Contains(s, "correlation ID mismatch") || strings.Contains(s, "invalid large response size") || errors.Is(err, kbin.ErrNotEnoughData)
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
	if sl, ok := w.silent[addr]; ok && ce.Cause == "connection timed out" {
		ce = sl.ce // the connection was made but its first request timed out (OnBrokerRead said so), or it was skipped
	}
	w.last = ce
	if !fatal && seed && !w.connected {
		switch {
		case isRefused(err):
			// One refusing seed may be a broker restarting; all of them is a wrong address.
			w.refused[addr] = true
			fatal = len(w.refused) >= len(w.settings.Brokers)
		case strings.HasPrefix(ce.Cause, "the broker closed the connection during"):
			fatal = true
		case strings.HasPrefix(ce.Cause, "the broker closed the connection"):
			// One seed closing at once may be a broker shutting down; all of them is a
			// listener that wants TLS or SASL.
			w.closedAtOnce[addr] = true
			fatal = len(w.closedAtOnce) >= len(w.settings.Brokers)
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
	if notKafka(err) {
		addr := strings.Join(w.settings.Brokers, ",")
		w.mu.Lock()
		if w.read {
			addr = net.JoinHostPort(w.lastRead.Host, fmt.Sprint(w.lastRead.Port))
		}
		w.mu.Unlock()
		ce, _ := classify(addr, true, err, w.settings)
		if ce.Hint == "" { // not HTTP nor TLS: a correlation ID mismatch, a short answer
			ce.Cause = "the answer is not in the Kafka protocol: this port is not a Kafka listener"
			ce.Hint = "check the port in --brokers / KAFKIT_BROKERS: another service (HTTP, TLS, a proxy) answers there"
		}
		return ce
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
	for _, c := range []func(*ConnError, bool, error, config.Settings) (bool, bool){classifyDNS, classifySASL, classifyTLS, classifyClosed, classifyNet} {
		if matched, fatal := c(ce, seed, err, s); matched {
			return ce, fatal
		}
	}
	ce.Cause = strings.TrimPrefix(err.Error(), "unable to dial: ")
	return ce, false
}

// classifyDNS explains a name that does not resolve; in-cluster names get their own hint.
func classifyDNS(ce *ConnError, seed bool, err error, _ config.Settings) (matched, fatal bool) {
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !(dnsErr.IsNotFound || strings.Contains(dnsErr.Err, "no such host")) {
		return false, false
	}
	host, _, _ := net.SplitHostPort(ce.Addr)
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
	return true, true
}

// classifySASL explains an authentication the broker refused.
func classifySASL(ce *ConnError, _ bool, err error, s config.Settings) (matched, fatal bool) {
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		ce.Cause = fmt.Sprintf("authentication failed for user %q with %s", s.SASL.User, s.SASL.Mechanism)
		ce.Hint = "check the user name and password (--sasl-user, --sasl-password-file / KAFKIT_SASL_PASSWORD) and the mechanism (--sasl-mechanism)"
	case errors.Is(err, kerr.UnsupportedSaslMechanism):
		ce.Cause = fmt.Sprintf("the broker does not accept SASL mechanism %s", s.SASL.Mechanism)
		ce.Hint = "try " + otherMechanisms(s.SASL.Mechanism) + " as the listener is configured"
	case errors.Is(err, kerr.IllegalSaslState):
		ce.Cause = "this listener does not expect SASL"
		ce.Hint = "drop the --sasl-* settings or use the SASL listener's port"
	default:
		return false, false
	}
	return true, true
}

// otherMechanisms suggests the mechanisms not just tried: "--sasl-mechanism SCRAM-SHA-256 or
// SCRAM-SHA-512".
func otherMechanisms(tried string) string {
	var others []string
	for _, m := range config.Mechanisms {
		if m != tried {
			others = append(others, m)
		}
	}
	if len(others) == 1 {
		return "--sasl-mechanism " + others[0]
	}
	return "--sasl-mechanism " + strings.Join(others[:len(others)-1], ", ") + " or " + others[len(others)-1]
}

// classifyTLS explains certificate problems and TLS spoken to plaintext (or the reverse).
func classifyTLS(ce *ConnError, _ bool, err error, s config.Settings) (matched, fatal bool) {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	msg := err.Error()
	switch {
	case errors.As(err, &hostErr):
		ce.Cause = "the broker's TLS certificate does not match the host name: " + strings.TrimPrefix(hostErr.Error(), "x509: ")
		ce.Hint = "pass the name on the certificate with --tls-server-name, or connect by that name"
	case errors.As(err, &unknownAuth):
		ce.Cause = "the broker's TLS certificate is not signed by a trusted CA"
		ce.Hint = "pass the cluster's CA with --tls-ca FILE (PEM)"
	case errors.As(err, &certErr):
		ce.Cause = "the broker's TLS certificate was rejected: " + strings.TrimPrefix(certErr.Err.Error(), "x509: ")
		ce.Hint = "check the certificate and --tls-ca"
	case strings.Contains(msg, "tls alert") || strings.Contains(msg, "plaintext connection speaking to a tls endpoint"):
		ce.Cause = "the broker answered with TLS to a plaintext connection"
		ce.Hint = "this is a TLS listener: add --tls (and --tls-ca if the CA is private)"
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		ce.Cause = "the broker did not answer the TLS handshake with TLS"
		ce.Hint = "this looks like a plaintext listener: drop --tls, or use the TLS listener's port"
	case strings.Contains(msg, "beginning of an HTTP response"):
		ce.Cause = "this port answered in HTTP: it is not a Kafka listener"
		ce.Hint = "check the port in --brokers / KAFKIT_BROKERS (Kafka's client port is usually 9092)"
	default:
		return false, false
	}
	return true, true
}

// classifyClosed explains a connection the broker closed: a listener that wants SASL or TLS,
// or the reverse.
func classifyClosed(ce *ConnError, _ bool, err error, s config.Settings) (matched, fatal bool) {
	var firstEOF *kgo.ErrFirstReadEOF
	closed := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
	switch {
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
		// A broker that is shutting down closes new connections at once too: fatal only when
		// every seed did it before any connection worked (see OnBrokerConnect).
		return true, false
	case s.TLS.Enabled && closed:
		ce.Cause = "the broker closed the connection during the TLS handshake"
		ce.Hint = "this looks like a plaintext listener: drop --tls, or use the TLS listener's port"
		return true, false // fatal only before any connection worked: see OnBrokerConnect
	case s.SASL.Mechanism != "" && closed:
		ce.Cause = "the broker closed the connection during SASL authentication"
		ce.Hint = fmt.Sprintf("check user %q, the password and --sasl-mechanism %s, and that this port is a SASL listener", s.SASL.User, s.SASL.Mechanism)
		return true, false // fatal only before any connection worked: see OnBrokerConnect
	}
	return false, false
}

// classifyNet explains refused, unroutable and timed-out connections; retrying may help.
func classifyNet(ce *ConnError, _ bool, err error, _ config.Settings) (matched, fatal bool) {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		ce.Cause = "connection refused"
		ce.Hint = "nothing listens there: check the host and port in --brokers / KAFKIT_BROKERS"
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		ce.Cause = "no route to host"
		ce.Hint = "check the address and the network path"
	case errors.As(err, &ne) && ne.Timeout():
		ce.Cause = "connection timed out"
		ce.Hint = "a firewall may drop the traffic, or the address is wrong"
	default:
		return false, false
	}
	return true, false
}
