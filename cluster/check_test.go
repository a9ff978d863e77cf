package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// bogusListener advertises a host name of our choosing: kfake tells clients the address its
// listener reports.
type bogusListener struct {
	net.Listener
	host string
}

type bogusAddr struct{ s string }

func (a bogusAddr) Network() string { return "tcp" }
func (a bogusAddr) String() string  { return a.s }

func (l bogusListener) Addr() net.Addr {
	_, port, _ := net.SplitHostPort(l.Listener.Addr().String())
	return bogusAddr{net.JoinHostPort(l.host, port)}
}

// BogusHostListen makes kfake's n-th broker (0-based) advertise host.
func bogusHostListen(n int32, host string) kfake.Opt {
	var i atomic.Int32
	return kfake.ListenFn(func(network, addr string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err != nil || i.Add(1)-1 != n {
			return ln, err
		}
		return bogusListener{ln, host}, nil
	})
}

func checkOpts(env *testkit.Env, format output.Format, only ...string) *checkOptions {
	src := factorySource(env.F)
	want, _ := selectChecks(only, nil)
	return &checkOptions{IO: env.F.IO, Context: env.F.Context, Source: src, Printer: output.Printer{Format: format},
		Want: want, Limits: checkLimits{MaxVoterLag: 1000, DiskWarn: 80}}
}

// TestCheckRunBogusAdvertisedHost: a broker that advertises a name this machine cannot
// resolve. The resolver hook is the test's (no DNS); the rest is kfake, for real.
func TestCheckRunBogusAdvertisedHost(t *testing.T) {
	c := testkit.Cluster(t, bogusHostListen(1, "kafkit-bogus.invalid"))
	addrs := c.ListenAddrs()
	env := testkit.FactoryFor(t, testkit.Settings([]string{addrs[0], addrs[2]}))
	opts := checkOpts(env, output.Table, checkListeners, checkBrokers)
	var asked []string
	opts.Source.LookupHost = func(ctx context.Context, host string) ([]string, error) {
		if host == "kafkit-bogus.invalid" {
			asked = append(asked, host)
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return []string{host}, nil
	}
	err := checkRun(context.Background(), opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitCheckFailed {
		t.Fatalf("exit %d (%v), want 3\n%s%s", cmdutil.ExitCode(err), err, env.Out, env.ErrOut)
	}
	_, port, _ := net.SplitHostPort(addrs[1])
	want := "CHECK       STATUS   SUMMARY\n" +
		"brokers     ok       3 of 3 expected brokers registered and unfenced\n" +
		"listeners   failed   1 of 3 advertised listeners do not work from here with PLAINTEXT\n" +
		"\nlisteners:\n" +
		"  broker 1 advertises kafkit-bogus.invalid:" + port + ": the name does not resolve from here (lookup kafkit-bogus.invalid: no such host)\n"
	if env.Out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", env.Out, want)
	}
	if !strings.Contains(env.ErrOut.String(), "check listeners failed: 1 of 3") || !strings.Contains(env.ErrOut.String(), "what to do: advertised.listeners names hosts") {
		t.Errorf("stderr: %s", env.ErrOut)
	}
	if len(asked) != 1 {
		t.Errorf("resolver asked %v", asked)
	}
}

// TestCheckRunProtocolMismatch: a broker advertises a port that wants SASL while this client
// speaks PLAINTEXT (the chart's CLIENT listener case), with a real connection to a kfake SASL
// cluster.
func TestCheckRunProtocolMismatch(t *testing.T) {
	sasl := testkit.Cluster(t, kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "u", "p"))
	saslAddr := sasl.ListenAddrs()[0]
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	opts := checkOpts(env, output.JSON, checkListeners)
	real := opts.Source.Connect
	target := c.ListenAddrs()[2]
	opts.Source.Connect = func(ctx context.Context, addr string) (string, string, error) {
		if addr == target {
			addr = saslAddr // broker 2 "advertises" the SASL port
		}
		return real(ctx, addr)
	}
	err := checkRun(context.Background(), opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitCheckFailed {
		t.Fatalf("exit %d (%v)\n%s%s", cmdutil.ExitCode(err), err, env.Out, env.ErrOut)
	}
	for _, w := range []string{`"healthy": false`, `"id": "listeners"`, `"status": "failed"`,
		fmt.Sprintf(`"broker 2 advertises %s: this client speaks PLAINTEXT and the listener wants SASL (SASL_PLAINTEXT or SASL_SSL)"`, target),
		"listeners.client.protocol=PLAINTEXT"} {
		if !strings.Contains(env.Out.String(), w) {
			t.Errorf("JSON lacks %s:\n%s", w, env.Out)
		}
	}
}

func TestCheckRunHealthyKfake(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(2, "health-a"))
	env := testkit.Factory(t, c)
	opts := checkOpts(env, output.Table, checkBrokers, checkPartitions, checkListeners, checkProbe)
	opts.Limits.ProbeTopic = "health-a"
	if err := checkRun(context.Background(), opts); err != nil {
		t.Fatalf("%v\n%s%s", err, env.Out, env.ErrOut)
	}
	out := env.Out.String()
	for _, w := range []string{"brokers      ok       3 of 3", "partitions   ok       2 partitions in 1 topic:", "listeners    ok       3 advertised", "probe        ok       wrote a record to health-a/"} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q:\n%s", w, out)
		}
	}
	if !strings.HasPrefix(env.ErrOut.String(), "cluster check: healthy, 4 checks passed in ") {
		t.Errorf("stderr: %s", env.ErrOut)
	}
}

func TestCheckRunCouldNotCheck(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	opts := checkOpts(env, output.Table, checkPartitions)
	opts.Context = func(ctx context.Context) (context.Context, context.CancelFunc, error) {
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		return ctx, cancel, nil
	}
	err := checkRun(context.Background(), opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitFailure || !strings.Contains(env.ErrOut.String(), "check partitions: could not read the metadata") {
		t.Errorf("exit %d %v\n%s", cmdutil.ExitCode(err), err, env.ErrOut)
	}
}

func TestCheckWatchReruns(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	opts := checkOpts(env, output.JSON, checkBrokers)
	opts.Watch, opts.Interval = true, 20*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if err := checkRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(env.Out.String(), `"healthy": true`); n < 2 {
		t.Errorf("%d runs:\n%s", n, env.Out)
	}
	_ = errors.New
}
