package root

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/cluster"
	"github.com/kafkit/kafkit/internal/build"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/testkit"
)

// execute runs the command tree with args and an environment, returning the exit code as main
// would and the captured streams. It never dials: only local commands are run.
func execute(t *testing.T, env map[string]string, args ...string) (int, string, string, *cmdutil.Factory) {
	t.Helper()
	old := cmdutil.Getenv
	cmdutil.Getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { cmdutil.Getenv = old })
	ios, _, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IO: ios}
	cmd := New(f, cluster.NewCmdCluster)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	ctx := context.Background()
	ran, err := cmd.ExecuteContextC(ctx)
	f.Close()
	code := cmdutil.Report(errOut, f, ctx, ran, err)
	return code, out.String(), errOut.String(), f
}

func TestFlagsBeatEnvAndDefaults(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("hunter2\n"), 0o600)
	env := map[string]string{"KAFKIT_BROKERS": "env:1", "KAFKIT_TIMEOUT": "4s", "KAFKIT_CONFIG": filepath.Join(dir, "none.yaml")}
	code, out, stderr, _ := execute(t, env, "-b", "flag:1,flag:2", "--sasl-user", "bob", "--sasl-password-file", pw, "profile", "show", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`"setting": "brokers",` + "\n    \"value\": \"flag:1,flag:2\",\n    \"source\": \"flag\"",
		`"setting": "timeout",` + "\n    \"value\": \"4s\",\n    \"source\": \"env\"",
		`"setting": "sasl_mechanism",` + "\n    \"value\": \"SCRAM-SHA-512\",\n    \"source\": \"default (a SASL user was given)\"",
		`"setting": "sasl_password",` + "\n    \"value\": \"(set)\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("profile show lacks %s\n%s", want, out)
		}
	}
	if strings.Contains(out, "hunter2") || strings.Contains(stderr, "hunter2") {
		t.Error("the password was printed")
	}
}

func TestBootstrapServerAlias(t *testing.T) {
	code, out, stderr, _ := execute(t, map[string]string{"KAFKIT_CONFIG": "/nonexistent/x.yaml"}, "--bootstrap-server", "k:9", "profile", "show", "--no-headers")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "brokers                    k:9                flag") && !strings.Contains(out, "k:9") {
		t.Errorf("alias not used:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "profile") || !strings.Contains(lines[1], "k:9") || !strings.HasSuffix(strings.TrimSpace(lines[1]), "flag") {
		t.Errorf("unexpected rows:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, "error: unknown command \"nosuch\" for \"kafkit\"\nRun 'kafkit --help' for usage.\n"},
		{[]string{"cluster", "inof"}, "error: unknown command \"inof\" for \"kafkit cluster\"; did you mean info?\nRun 'kafkit cluster --help' for usage.\n"},
		{[]string{"cluster", "info", "-o", "xml"}, "error: unknown output format \"xml\": use one of table, json, yaml\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"cluster", "info", "extra"}, "error: unknown command \"extra\" for \"kafkit cluster info\"\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--nope", "cluster", "info"}, "error: unknown flag: --nope\nRun 'kafkit --help' for usage.\n"},
		{[]string{"--timeout", "soon", "version"}, "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nRun 'kafkit version --help' for usage.\n"},
	}
	for _, tt := range tests {
		code, out, stderr, _ := execute(t, nil, tt.args...)
		if code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tt.args, code, stderr)
		}
		if stderr != tt.want {
			t.Errorf("%v: stderr\n%q\nwant\n%q", tt.args, stderr, tt.want)
		}
		if out != "" {
			t.Errorf("%v: stdout %q", tt.args, out)
		}
	}
}

func TestSettingsErrorIsUsageNotHang(t *testing.T) {
	code, _, stderr, _ := execute(t, map[string]string{"KAFKIT_SASL_USER": "bob"}, "cluster", "info")
	want := "error: SASL user \"bob\" has no password: pass --sasl-password-file FILE or set KAFKIT_SASL_PASSWORD\nRun 'kafkit cluster info --help' for usage.\n"
	if code != 2 || stderr != want {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}

// Bad settings are usage errors (exit 2) found before any network; on the old code each of
// these exited 1 (and completion tcsh printed help and exited 0).
func TestSettingsUsageErrors(t *testing.T) {
	dir := t.TempDir()
	none := map[string]string{"KAFKIT_CONFIG": filepath.Join(dir, "none.yaml")}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "-1s", "cluster", "info"}, "error: timeout -1s (from flag) is out of range: want more than 0 and at most 1h, e.g. 10s\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--timeout", "2h", "cluster", "info"}, "error: timeout 2h0m0s (from flag) is out of range: want more than 0 and at most 1h, e.g. 10s\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--sasl-mechanism", "GSSAPI", "--sasl-user", "u", "cluster", "info"}, "error: SASL mechanism GSSAPI is not supported by kafkit; use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (from flag)\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"-b", ":::", "cluster", "info"}, "error: brokers (from flag): bad broker address \":::\": want host:port\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--tls-cert", "c.pem", "cluster", "info"}, "error: a TLS client certificate (--tls-cert, from flag) needs its key: add --tls-key FILE\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--tls-key", "k.pem", "cluster", "info"}, "error: a TLS client key (--tls-key, from flag) needs its certificate: add --tls-cert FILE\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--tls-ca", "/dev/zero", "cluster", "info"}, "error: --tls-ca: read /dev/zero: is a device, not a regular file; kafkit reads settings from regular files only\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"--command-config", "/dev/zero", "cluster", "info"}, "error: --command-config: read /dev/zero: is a device, not a regular file; kafkit reads settings from regular files only\nRun 'kafkit cluster info --help' for usage.\n"},
		{[]string{"completion", "tcsh"}, "error: unknown shell \"tcsh\": use one of bash|fish|powershell|zsh\nRun 'kafkit completion --help' for usage.\n"},
	}
	for _, tt := range tests {
		code, out, stderr, _ := execute(t, none, tt.args...)
		if code != cmdutil.ExitUsage || stderr != tt.want || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr\n%q\nwant\n%q", tt.args, code, out, stderr, tt.want)
		}
	}
}

func TestProfileShowClientID(t *testing.T) {
	build.Version = "v9.9.9"
	t.Cleanup(func() { build.Version = "dev" })
	code, out, stderr, _ := execute(t, map[string]string{"KAFKIT_CONFIG": "/nonexistent/x.yaml"}, "--timeout", "20m", "profile", "show", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"\"setting\": \"client_id\",\n    \"value\": \"kafkit/v9.9.9\",\n    \"source\": \"default\"", "\"value\": \"20m0s\""} {
		if !strings.Contains(out, want) {
			t.Errorf("profile show lacks %s:\n%s", want, out)
		}
	}
}

func TestHelpNeverDials(t *testing.T) {
	code, out, _, f := execute(t, map[string]string{"KAFKIT_BROKERS": "127.0.0.1:1"}, "cluster", "info", "--help")
	if code != 0 || !strings.Contains(out, "kafkit cluster info") {
		t.Errorf("exit %d out %q", code, out)
	}
	if _, err := f.Settings(); err != nil {
		t.Fatal(err)
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, stderr, _ := execute(t, nil, "completion", sh)
		if code != 0 || !strings.Contains(out, "kafkit") || len(out) < 500 {
			t.Errorf("%s: exit %d, %d bytes, stderr %q", sh, code, len(out), stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	build.Version, build.Commit = "v1.2.3", "abc1234"
	t.Cleanup(func() { build.Version, build.Commit = "dev", "unknown" })
	code, out, _, _ := execute(t, nil, "version")
	want := "kafkit v1.2.3\ncommit: abc1234\ngo: " + build.GoVersion() + "\n"
	if code != 0 || out != want {
		t.Errorf("exit %d\n%q\nwant\n%q", code, out, want)
	}
}

func TestVersionBrokerOnKfake(t *testing.T) {
	c := testkit.Cluster(t)
	env := testkit.Factory(t, c)
	opts := &versionOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Broker: true, Printer: output.Printer{Format: output.JSON}}
	if err := versionRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kafka_version": "`, `"node_id": 0`, `"node_id": 2`} {
		if !strings.Contains(env.Out.String(), want) {
			t.Errorf("lacks %s:\n%s", want, env.Out.String())
		}
	}
}

func TestVersionBrokerUnreachable(t *testing.T) {
	env := testkit.FactoryFor(t, config.Settings{Brokers: []string{"127.0.0.1:1"}, Timeout: 20 * time.Second, Sources: map[string]string{}})
	opts := &versionOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Broker: true, Printer: output.Printer{Format: output.Table}}
	err := env.F.Explain(versionRun(context.Background(), opts))
	if err == nil || !strings.Contains(err.Error(), "cannot connect to 127.0.0.1:1 (connection refused)") {
		t.Errorf("error = %v", err)
	}
	if env.Out.Len() != 0 {
		t.Errorf("printed data on failure: %q", env.Out.String())
	}
}

func TestProfileList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("default: dev\nprofiles:\n  dev:\n    brokers: a:1\n  prod:\n    brokers: [p:1, q:1]\n    tls: {ca_file: /ca}\n    sasl: {user: ops, password_file: /pw}\n"), 0o600)
	ios, _, out, _ := cmdutil.Test()
	if err := profileListRun(ios, output.Printer{Format: output.Table}, path, os.ReadFile); err != nil {
		t.Fatal(err)
	}
	want := "DEFAULT   NAME   BROKERS   TLS   SASL\n" +
		"*         dev    a:1       no    -\n" +
		"          prod   p:1,q:1   yes   SCRAM-SHA-512 (ops)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	ios, _, out, errOut := cmdutil.Test()
	if err := profileListRun(ios, output.Printer{Format: output.JSON}, filepath.Join(t.TempDir(), "none.yaml"), os.ReadFile); err != nil {
		t.Fatal(err)
	}
	if out.String() != "[]\n" || !strings.Contains(errOut.String(), "no profile file at") {
		t.Errorf("missing file: out %q err %q", out.String(), errOut.String())
	}
}

func TestProfileListBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("profiles:\n  dev:\n    broker: a:1\n"), 0o600)
	for p, want := range map[string]string{
		path:        path + `:3: profile "dev": unknown key "broker"; valid keys here: brokers, client_id, command_config, sasl, timeout, tls`,
		"/dev/zero": "reading profile file: read /dev/zero: is a device, not a regular file; kafkit reads settings from regular files only",
	} {
		ios, _, out, _ := cmdutil.Test()
		err := profileListRun(ios, output.Printer{Format: output.Table}, p, config.ReadFile)
		if cmdutil.ExitCode(err) != 2 || err.Error() != want || out.Len() != 0 {
			t.Errorf("%s: exit %d, %v; want %s", p, cmdutil.ExitCode(err), err, want)
		}
	}
}

func TestReportExplainsAndMapsCodes(t *testing.T) {
	var b bytes.Buffer
	if code := cmdutil.Report(&b, nil, context.Background(), nil, cmdutil.CheckFailed("lag 12 > 10")); code != 3 || b.String() != "error: lag 12 > 10\n" {
		t.Errorf("check failed: %d %q", code, b.String())
	}
	b.Reset()
	if code := cmdutil.Report(&b, nil, context.Background(), nil, cmdutil.SilentError); code != 1 || b.String() != "" {
		t.Errorf("silent: %d %q", code, b.String())
	}
	b.Reset()
	if code := cmdutil.Report(&b, nil, context.Background(), nil, errors.New("boom")); code != 1 || b.String() != "error: boom\n" {
		t.Errorf("plain: %d %q", code, b.String())
	}
}
