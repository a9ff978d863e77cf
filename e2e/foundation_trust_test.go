//go:build e2e

package e2e

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// foundationListen serves a local port with serve (a port that is not Kafka).
func foundationListen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
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

// Settings that are wrong are usage errors (exit 2) before any network, with a clear message.
func TestFoundationSettingsExitCodes(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := WriteFile(t, "bin.properties", "bootstrap.servers=a:1\n\x00\x01\x1b[31mevil=1\n")
	tests := []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--timeout", "-1s", "topic", "list"}, "error: timeout -1s (from flag) is out of range: want more than 0 and at most 1h"},
		{nil, []string{"--timeout", "2h", "topic", "list"}, "is out of range: want more than 0 and at most 1h"},
		{nil, []string{"--sasl-mechanism", "GSSAPI", "--sasl-user", "u", "topic", "list"}, "SASL mechanism GSSAPI is not supported by kafkit"},
		{nil, []string{"-b", ":::", "topic", "list"}, `bad broker address ":::"`},
		{nil, []string{"--tls-cert", "c.pem", "topic", "list"}, "needs its key: add --tls-key FILE"},
		{nil, []string{"--tls-key", "k.pem", "topic", "list"}, "needs its certificate: add --tls-cert FILE"},
		{nil, []string{"completion", "tcsh"}, `unknown shell "tcsh": use one of bash|fish|powershell|zsh`},
		{nil, []string{"--command-config", fifo, "topic", "list"}, "is a named pipe (FIFO), not a regular file"},
		{nil, []string{"--command-config", "/dev/zero", "topic", "list"}, "read /dev/zero: is a device, not a regular file"},
		{[]string{"KAFKIT_CONFIG=/dev/zero"}, []string{"topic", "list"}, "reading profile file: read /dev/zero: is a device"},
		{nil, []string{"--sasl-user", "u", "--sasl-password-file", "/dev/urandom", "topic", "list"}, "read /dev/urandom: is a device"},
		{nil, []string{"--command-config", bin, "topic", "list"}, "line 2: not a text file"},
	}
	for _, tt := range tests {
		r := KafkitEnv(t, append([]string{"KAFKIT_BROKERS=" + Brokers()}, tt.env...), "", tt.args...)
		if r.Code != 2 || !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" || r.Elapsed > 3*time.Second {
			t.Errorf("%v: want exit 2 at once with %q; got %s", tt.args, tt.want, r)
		}
		if r.MaxRSSKB > 200*1024 {
			t.Errorf("%v: %d KiB of memory", tt.args, r.MaxRSSKB)
		}
	}
	r := Kafkit(t, "", "--timeout", "20m", "topic", "list")
	if r.Code != 0 || strings.Contains(r.Stderr, "max overhead") {
		t.Errorf("--timeout 20m: %s", r)
	}
}

// A port that answers garbage or HTTP is named and called not a Kafka listener.
func TestFoundationNotKafkaPorts(t *testing.T) {
	garbage := foundationListen(t, func(c net.Conn) {
		c.Read(make([]byte, 512))
		c.Write([]byte{0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8})
		time.Sleep(time.Second)
	})
	http := foundationListen(t, func(c net.Conn) {
		c.Read(make([]byte, 512))
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	})
	for addr, want := range map[string]string{
		garbage: "error: cannot connect to " + garbage + " (the answer is not in the Kafka protocol: this port is not a Kafka listener)",
		http:    "error: cannot connect to " + http + " (this port answered in HTTP: it is not a Kafka listener)",
	} {
		r := KafkitEnv(t, nil, "", "-b", addr, "--timeout", "5s", "topic", "list")
		if r.Code != 1 || !strings.HasPrefix(r.Stderr, want) {
			t.Errorf("%s: want exit 1 with %q; got %s", addr, want, r)
		}
	}
}

// PLAIN against the SCRAM-only listener: the hint does not suggest PLAIN again.
func TestFoundationPlainOnSCRAMListener(t *testing.T) {
	pw := WriteFile(t, "pw", SCRAMPassword)
	r := KafkitEnv(t, nil, "", "-b", SASLBrokers(), "--sasl-mechanism", "PLAIN", "--sasl-user", SCRAMUser, "--sasl-password-file", pw, "topic", "list")
	if r.Code != 1 || !strings.Contains(r.Stderr, "does not accept SASL mechanism PLAIN") || !strings.Contains(r.Stderr, "try --sasl-mechanism SCRAM-SHA-256 or SCRAM-SHA-512") || strings.Contains(r.Stderr, "or PLAIN") {
		t.Errorf("got %s", r)
	}
}

// foundationSignal starts kafkit with args, sends sig after wait and returns the exit code and
// stderr.
func foundationSignal(t *testing.T, sig syscall.Signal, wait time.Duration, args ...string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = cleanEnv(nil)
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait)
	cmd.Process.Signal(sig)
	cmd.Wait()
	return cmd.ProcessState.ExitCode(), errb.String()
}

// SIGQUIT ends a command like SIGTERM (old code: a goroutine dump and exit 2): a command waiting
// for the cluster exits 131 (128+3); consume ends as it does on SIGTERM.
func TestFoundationSIGQUIT(t *testing.T) {
	done := make(chan struct{})
	defer close(done)
	silent := foundationListen(t, func(c net.Conn) { <-done })
	code, stderr := foundationSignal(t, syscall.SIGQUIT, time.Second, "-b", silent, "--timeout", "30s", "topic", "list")
	if code != 131 || strings.Contains(stderr, "goroutine") {
		t.Errorf("topic list: exit %d, stderr %q", code, stderr)
	}
	topic := Unique(t, "infra")
	MustKafkit(t, "", "topic", "create", topic, "--partitions", "1")
	defer Kafkit(t, "", "topic", "delete", topic, "--yes")
	termCode, _ := foundationSignal(t, syscall.SIGTERM, 2*time.Second, "-b", Brokers(), "consume", topic)
	quitCode, stderr := foundationSignal(t, syscall.SIGQUIT, 2*time.Second, "-b", Brokers(), "consume", topic)
	// consume reports the signal that ended it (128 + its number), as the README's table says.
	if quitCode != 131 || termCode != 143 || strings.Contains(stderr, "goroutine") {
		t.Errorf("consume: SIGQUIT exit %d (want 131), SIGTERM exit %d (want 143), stderr %q", quitCode, termCode, stderr)
	}
}

// foundationNodePID is node n's broker pid from the cluster's state dir, checked to be Kafka.
func foundationNodePID(t *testing.T, n string) int {
	dir := envOr("KAFKIT_CLUSTER_DIR", filepath.Join(repoRoot, ".cache", "cluster")) // cluster.sh's default, whatever KAFKIT_CACHE is
	data, err := os.ReadFile(filepath.Join(dir, "node"+n, "kafka.pid"))
	if err != nil {
		t.Fatalf("node %s pid: %v", n, err)
	}
	var pid int
	for _, c := range strings.TrimSpace(string(data)) {
		pid = pid*10 + int(c-'0')
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(data)), "cmdline"))
	if err != nil || !strings.Contains(string(cmdline), "kafka.Kafka") {
		t.Fatalf("pid %d is not node %s's broker (%v)", pid, n, err)
	}
	return pid
}

// With node 3 frozen (kill -STOP: it accepts connections and never answers), `topic list`
// succeeds every time within --timeout on the other two brokers. Old code: 3 failures in 6.
func TestFoundationDisruptiveFrozenBroker(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("freezes a broker: set KAFKIT_E2E_DISRUPTIVE=1 (the cluster's owner runs these)")
	}
	pid := foundationNodePID(t, "3")
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	thawed := false
	thaw := func() {
		if !thawed {
			thawed = true
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	defer thaw()
	for i := 0; i < 6; i++ {
		r := Kafkit(t, "", "--timeout", "5s", "topic", "list")
		if r.Code != 0 || r.Elapsed > 6*time.Second {
			t.Errorf("run %d with node 3 frozen: %s", i, r)
		} else {
			t.Logf("run %d: %s", i, r.Elapsed)
		}
	}
	thaw()
	// The cluster is whole again before the lock is released.
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := Kafkit(t, "", "--timeout", "10s", "cluster", "info")
		if r.Code == 0 && strings.Count(r.Stdout, "127.0.0.1:") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster did not recover after SIGCONT: %s", r)
		}
		time.Sleep(time.Second)
	}
}
