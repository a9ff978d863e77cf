//go:build e2e

// Package e2e runs the built kafkit binary against a real Kafka cluster (make cluster-up), with
// kcat and the Java tools as independent peers. Run with `make e2e` or `make test`.
package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

var (
	repoRoot, _ = filepath.Abs("..")
	binPath     = filepath.Join(repoRoot, "bin", "kafkit")
)

// Brokers is the real cluster's plaintext bootstrap list.
func Brokers() string {
	return envOr("KAFKIT_E2E_BROKERS", "127.0.0.1:19092,127.0.0.1:29092,127.0.0.1:31092")
}

// SASLBrokers is the SASL/SCRAM listener list; the user is kafkit / kafkit-secret.
func SASLBrokers() string {
	return envOr("KAFKIT_E2E_SASL_BROKERS", "127.0.0.1:19093,127.0.0.1:29093,127.0.0.1:31093")
}

// SCRAM credentials created by e2e/cluster/cluster.sh.
var (
	SCRAMUser     = envOr("KAFKIT_SCRAM_USER", "kafkit")
	SCRAMPassword = envOr("KAFKIT_SCRAM_PASSWORD", "kafkit-secret")
)

// KafkaLib is the folder of the Kafka jars (broker and tools) fetched by cluster.sh for the
// version under test (KAFKIT_E2E_KAFKA_VERSION, default 4.1.1).
func KafkaLib() string {
	cache := envOr("KAFKIT_CACHE", filepath.Join(repoRoot, ".cache"))
	return filepath.Join(cache, "kafka-"+envOr("KAFKIT_E2E_KAFKA_VERSION", "4.1.1"), "lib")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		benchmarking = true
	}
	if _, err := os.Stat(binPath); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %s not built: run make build (or make e2e)\n", binPath)
		os.Exit(1)
	}
	// The cluster must be up: fail loudly rather than skip.
	r := run(context.Background(), nil, "", binPath, "-b", Brokers(), "--timeout", "10s", "cluster", "info")
	if r.Code != 0 {
		fmt.Fprintf(os.Stderr, "e2e: the test cluster at %s does not answer (start it with make cluster-up):\n%s\n", Brokers(), r.Stderr)
		os.Exit(1)
	}
	prepareJavaCDS()
	os.Exit(m.Run())
}

// Result is what a finished process left behind.
type Result struct {
	Stdout, Stderr string
	Code           int
	Elapsed        time.Duration
	MaxRSSKB       int64
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.Code, r.Elapsed, clip(r.Stdout), clip(r.Stderr))
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "\n...(clipped)"
	}
	return s
}

// cleanEnv is the environment without KAFKIT_* (tests say what they want) plus extra.
func cleanEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KAFKIT_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func run(ctx context.Context, env []string, stdin string, name string, args ...string) Result {
	cmd, peakRSS := measuredCommand(ctx, name, args...)
	cmd.Env = cleanEnv(env)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(start)}
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
		r.MaxRSSKB = peakRSS()
	} else if err != nil {
		r.Code = -1
		r.Stderr += err.Error()
	}
	return r
}

// benchmarking is set when the run was asked for benchmarks (-test.bench).
var benchmarking bool

// measuredCommand builds the command and a function that returns its peak RSS in KiB after it
// ran. rusage's maxrss of a child that Go starts (vfork, then exec) includes the test
// process's own memory at exec time, so under benchmarks the command runs under GNU time,
// whose child is forked from the small time process: %M is then the command's own peak.
// The process group is killed when ctx ends, so nothing outlives the test.
func measuredCommand(ctx context.Context, name string, args ...string) (*exec.Cmd, func() int64) {
	timeBin, err := exec.LookPath("/usr/bin/time")
	if !benchmarking || err != nil {
		cmd := exec.CommandContext(ctx, name, args...)
		return cmd, func() int64 {
			if cmd.ProcessState == nil {
				return 0
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				return ru.Maxrss // an upper bound only: see above
			}
			return 0
		}
	}
	f, err := os.CreateTemp("", "kafkit-rss-*")
	if err != nil {
		panic(err)
	}
	f.Close()
	cmd := exec.CommandContext(ctx, timeBin, append([]string{"-f", "%M", "-o", f.Name(), name}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd, func() int64 {
		defer os.Remove(f.Name())
		data, _ := os.ReadFile(f.Name())
		lines := strings.Fields(strings.TrimSpace(string(data)))
		if len(lines) == 0 {
			return 0
		}
		kb, _ := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		return kb
	}
}

// Kafkit runs the binary against the plaintext cluster (KAFKIT_BROKERS set) with stdin.
func Kafkit(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	return KafkitEnv(t, []string{"KAFKIT_BROKERS=" + Brokers()}, stdin, args...)
}

// KafkitEnv runs the binary with exactly the KAFKIT_* variables in env; it is killed after 2 min.
func KafkitEnv(t testing.TB, env []string, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return run(ctx, env, stdin, binPath, args...)
}

// MustKafkit runs kafkit and fails the test unless it exits 0.
func MustKafkit(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	r := Kafkit(t, stdin, args...)
	if r.Code != 0 {
		t.Fatalf("kafkit %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// Kcat runs kcat against the plaintext cluster.
func Kcat(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return run(ctx, nil, stdin, "kcat", append([]string{"-b", Brokers()}, args...)...)
}

// JavaTool runs a Kafka Java tool main class (e.g. org.apache.kafka.tools.TopicCommand) with
// the jars fetched by cluster.sh.
func JavaTool(t testing.TB, stdin string, class string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	jargs := append(append(append([]string{}, javaFlags...), javaCDS...), "-cp", KafkaLib()+"/*", class)
	jargs = append(jargs, args...)
	return run(ctx, nil, stdin, "java", jargs...)
}

// Client is a franz-go client on the plaintext cluster for test setup and checks (test code
// may use franz-go directly, so that setup does not depend on kafkit), closed with the test.
func Client(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(Brokers(), ",")...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// Admin is a kadm client over Client.
func Admin(t testing.TB) *kadm.Client { return kadm.NewClient(Client(t)) }

// Unique returns a topic or group name unique to this test run, safe for Kafka names.
func Unique(t testing.TB, prefix string) string {
	name := strings.NewReplacer("/", "-", " ", "-", "#", "-").Replace(t.Name())
	if len(name) > 60 {
		name = name[:60]
	}
	return fmt.Sprintf("%s-%s-%d-%04d", prefix, strings.ToLower(name), time.Now().UnixNano()%1e9, rand.Intn(10000))
}

// WriteFile writes content to a file in the test's temp dir and returns its path.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
