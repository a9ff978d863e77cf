package client

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/config"
)

// listenWith serves every connection to a local port with serve.
func listenWith(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); serve(c) }()
		}
	}()
	return l.Addr().String()
}

// silentListener accepts connections and never answers, like a broker frozen by kill -STOP.
func silentListener(t *testing.T) string {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return listenWith(t, func(c net.Conn) { <-done })
}

// A port that answers with bytes that are not Kafka's: the error names the address (the old
// code said only "correlation ID mismatch").
func TestGarbageListener(t *testing.T) {
	addr := listenWith(t, func(c net.Conn) {
		c.Read(make([]byte, 512))
		c.Write([]byte{0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8})
		time.Sleep(time.Second)
	})
	err := metadataErr(t, config.Settings{Brokers: []string{addr}, Timeout: 5 * time.Second})
	wantErr(t, err, "cannot connect to "+addr+" (the answer is not in the Kafka protocol: this port is not a Kafka listener)", "check the port in --brokers")
}

// An HTTP port: the old code passed franz-go's text through without "cannot connect to".
func TestHTTPListener(t *testing.T) {
	addr := listenWith(t, func(c net.Conn) {
		c.Read(make([]byte, 512))
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
	})
	err := metadataErr(t, config.Settings{Brokers: []string{addr}, Timeout: 5 * time.Second})
	wantErr(t, err, "cannot connect to "+addr+" (this port answered in HTTP: it is not a Kafka listener)", "check the port in --brokers")
}

// The hint after an unsupported mechanism never suggests the one just tried (the old code
// suggested "... or PLAIN" after PLAIN).
func TestUnsupportedMechanismHint(t *testing.T) {
	for _, m := range config.Mechanisms {
		ce, fatal := classify("k:9092", true, kerr.UnsupportedSaslMechanism, config.Settings{SASL: config.SASL{Mechanism: m, User: "u"}})
		if !fatal || strings.Contains(ce.Hint, m) || !strings.HasPrefix(ce.Hint, "try --sasl-mechanism ") {
			t.Errorf("%s: hint %q", m, ce.Hint)
		}
	}
	if got := otherMechanisms("PLAIN"); got != "--sasl-mechanism SCRAM-SHA-256 or SCRAM-SHA-512" {
		t.Errorf("otherMechanisms(PLAIN) = %q", got)
	}
}

func TestRequestBound(t *testing.T) {
	tests := []struct{ timeout, want time.Duration }{
		{10 * time.Second, 10 * time.Second / 3},
		{5 * time.Second, 5 * time.Second / 3},
		{time.Minute, 10 * time.Second},
		{time.Second, 500 * time.Millisecond},
		{100 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := RequestBound(tt.timeout); got != tt.want {
			t.Errorf("RequestBound(%s) = %s, want %s", tt.timeout, got, tt.want)
		}
	}
}

// freezeNode makes one kfake broker accept requests and never answer them, as kill -STOP does.
func freezeNode(t *testing.T, c *kfake.Cluster, node int32) {
	thaw := make(chan struct{})
	t.Cleanup(func() { close(thaw) })
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if c.CurrentNode() == node {
			c.SleepControl(func() { <-thaw })
		}
		return nil, nil, false
	})
}

// listTopics asks for metadata as `topic list` does, with a fresh client and --timeout.
func listTopics(t *testing.T, brokers []string, timeout time.Duration) (time.Duration, error) {
	s := config.Settings{Brokers: brokers, Timeout: timeout}
	w := NewWatcher(s)
	cl, err := New(s, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ctx, cancelW := w.Watch(ctx)
	defer cancelW()
	start := time.Now()
	_, err = kadm.NewClient(cl).ListTopics(ctx)
	return time.Since(start), w.Explain(err)
}

// One broker of three accepts connections and never answers: every try still succeeds within
// --timeout, on the other two (the old code let the silent one eat the whole timeout).
func TestFrozenBrokerFailover(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	freezeNode(t, c, 2)
	addrs := c.ListenAddrs()
	for i := 0; i < 6; i++ {
		// Rotate the seeds so the frozen one is tried first in some runs.
		seeds := append(append([]string{}, addrs[i%3:]...), addrs[:i%3]...)
		d, err := listTopics(t, seeds, 5*time.Second)
		if err != nil || d >= 5*time.Second {
			t.Errorf("run %d: %v after %s", i, err, d)
		}
		t.Logf("run %d: %s", i, d)
	}
}

// A silent seed next to a working one: the command succeeds within the timeout.
func TestSilentSeedFailover(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	silent := silentListener(t)
	for i := 0; i < 3; i++ {
		d, err := listTopics(t, []string{silent, c.ListenAddrs()[0]}, 5*time.Second)
		if err != nil || d >= 5*time.Second {
			t.Errorf("run %d: %v after %s", i, err, d)
		}
	}
}

// When every seed is silent, the error names the silent broker and says what it did.
func TestAllSilentNamesTheBroker(t *testing.T) {
	silent := silentListener(t)
	d, err := listTopics(t, []string{silent}, 3*time.Second)
	wantCause := "cannot connect to " + silent + " (the broker accepted the connection but did not answer within 1s"
	if err == nil || !strings.HasPrefix(err.Error(), wantCause) {
		t.Errorf("error = %v, want %q", err, wantCause)
	}
	if d > 4*time.Second {
		t.Errorf("took %s", d)
	}
}

// A seed that closes every connection at once (a broker shutting down) next to a working one:
// the command succeeds. The old code gave up at the first such seed with "this looks like a TLS
// listener" (kgo gives up on an EOF before the first answer unless AlwaysRetryEOF).
func TestClosingSeedFailover(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	closing := listenWith(t, func(c net.Conn) {})
	for i := 0; i < 3; i++ {
		if d, err := listTopics(t, []string{closing, c.ListenAddrs()[0]}, 5*time.Second); err != nil || d >= 5*time.Second {
			t.Errorf("run %d: %v after %s", i, err, d)
		}
	}
	// Every seed closing: an error that names the address, before the timeout (a real TLS
	// listener gets the TLS hint: TestPlaintextToTLSListener).
	other := listenWith(t, func(c net.Conn) {})
	d, err := listTopics(t, []string{closing, other}, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "cannot connect to 127.0.0.1:") || d >= 5*time.Second {
		t.Errorf("every seed closing: %v after %s", err, d)
	}
}
