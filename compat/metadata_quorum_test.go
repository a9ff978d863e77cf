package compat

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
}

func TestReadControllerConfig(t *testing.T) {
	const meta = "version=1\ncluster.id=abc\nnode.id=5\ndirectory.id=pbvuBlaTTwKRxS5NLJwRFQ\n"
	const ok = "process.roles=controller\nnode.id=5\nlog.dirs=/d/a,/d/b\ncontroller.listener.names=CONTROLLER\n" +
		"listeners=CONTROLLER://0.0.0.0:9093,PLAINTEXT://:9092\nadvertised.listeners=CONTROLLER://c5.example:9093\n"
	for _, c := range []struct {
		name, props string
		files       map[string]string
		want        string
	}{
		{"ok", ok, map[string]string{"/d/a/meta.properties": meta},
			"Added controller 5 with directory id pbvuBlaTTwKRxS5NLJwRFQ and endpoints: CONTROLLER://c5.example:9093"},
		{"metadata.log.dir, two listeners, empty and IPv6 hosts", "process.roles=broker,controller\nnode.id=0\nmetadata.log.dir=/m\nlog.dirs=/d\n" +
			"controller.listener.names=controller,ctl2\nlisteners=CONTROLLER://:9093,CTL2://[::1]:9094\n", map[string]string{"/m/meta.properties": meta},
			"Added controller 0 with directory id pbvuBlaTTwKRxS5NLJwRFQ and endpoints: CONTROLLER://localhost:9093, CTL2://[::1]:9094"},
		{"no node.id", "process.roles=controller\n", nil, "node.id not found in configuration file. Is this a valid controller configuration file?"},
		{"negative", "node.id=-1\n", nil, "node.id was negative in configuration file. Is this a valid controller configuration file?"},
		{"broker", "node.id=4\nprocess.roles=broker\n", nil, "process.roles did not contain 'controller' in configuration file. Is this a valid controller configuration file?"},
		{"no dirs", "node.id=4\nprocess.roles=controller\n", nil, "Neither metadata.log.dir nor log.dirs were found. Is this a valid controller configuration file?"},
		{"no meta.properties", ok, nil, "Unable to read meta.properties from /d/a"},
		{"no directory.id", ok, map[string]string{"/d/a/meta.properties": "version=1\n"}, "No directory id found in /d/a"},
		{"no controller.listener.names", "node.id=4\nprocess.roles=controller\nlog.dirs=/d/a\n", map[string]string{"/d/a/meta.properties": meta},
			"controller.listener.names was not found. Is this a valid controller configuration file?"},
		{"unknown listener", "node.id=4\nprocess.roles=controller\nlog.dirs=/d/a\ncontroller.listener.names=CTL\nlisteners=CONTROLLER://h:1\n", map[string]string{"/d/a/meta.properties": meta},
			"Cannot find information about controller listener name: CTL"},
	} {
		files := map[string]string{"/etc/c.properties": c.props}
		for k, v := range c.files {
			files[k] = v
		}
		got, err := readControllerConfig("/etc/c.properties", fakeFiles(files))
		s := got.line("Added")
		if err != nil {
			s = err.Error()
		}
		if s != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, s, c.want)
		}
	}
	if _, err := readControllerConfig("/nope", fakeFiles(nil)); err == nil || err.Error() != "Properties file /nope does not exists!" {
		t.Errorf("missing file: %v", err)
	}
}

// controllerFiles writes a controller's server.properties and meta.properties; it returns the
// properties file.
func controllerFiles(t *testing.T) string {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "meta.properties"), []byte("version=1\nnode.id=5\ndirectory.id=pbvuBlaTTwKRxS5NLJwRFQ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "server.properties")
	props := "process.roles=controller\nnode.id=5\nlog.dirs=" + data + "\ncontroller.listener.names=CONTROLLER\nlisteners=CONTROLLER://127.0.0.1:14094\n"
	if err := os.WriteFile(p, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAddControllerDryRunSendsNothing(t *testing.T) {
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	s, _ := Lookup("kafka-metadata-quorum.sh")
	// Nothing listens on 127.0.0.1:1: a request would fail.
	err := RunScript(context.Background(), env.F, s, []string{"--bootstrap-server", "127.0.0.1:1", "--command-config", controllerFiles(t), "add-controller", "--dry-run"}, nil)
	want := "DRY RUN of adding controller 5 with directory id pbvuBlaTTwKRxS5NLJwRFQ and endpoints: CONTROLLER://127.0.0.1:14094\n"
	if err != nil || env.Out.String() != want {
		t.Errorf("err %v, stdout %q, stderr %q", err, env.Out.String(), env.ErrOut.String())
	}
	env.Out.Reset()
	err = RunScript(context.Background(), env.F, s, []string{"--bootstrap-server", "127.0.0.1:1", "add-controller"}, nil)
	if !errors.Is(err, cmdutil.SilentError) || env.ErrOut.String() != "You must supply the configuration file of the controller you are adding when using add-controller.\n" {
		t.Errorf("no --command-config: %v, stderr %q", err, env.ErrOut.String())
	}
}

// setKRaftVersion finalizes kraft.version at level on the fake cluster (0: a static quorum).
func setKRaftVersion(t *testing.T, env *testkit.Env, level int16) {
	adm, err := env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	req := kmsg.NewPtrUpdateFeaturesRequest()
	u := kmsg.NewUpdateFeaturesRequestFeatureUpdate()
	u.Feature, u.MaxVersionLevel, u.UpgradeType = "kraft.version", level, 3
	req.FeatureUpdates = append(req.FeatureUpdates, u)
	resp, err := req.RequestWith(context.Background(), adm)
	if err != nil || resp.ErrorCode != 0 {
		t.Fatalf("UpdateFeatures: %v %+v", err, resp)
	}
}

// TestQuorumVoterChangeSendsNothing: on a static quorum kafkit refuses before sending; on a
// dynamic one whose brokers lack AddRaftVoter (kfake) it says so. kfake never sees the request.
func TestQuorumVoterChangeSendsNothing(t *testing.T) {
	c := testkit.Cluster(t)
	sent := false
	for _, k := range []kmsg.Key{kmsg.AddRaftVoter, kmsg.RemoveRaftVoter} {
		c.ControlKey(int16(k), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			sent = true
			return nil, nil, false
		})
	}
	env := testkit.Factory(t, c)
	s, _ := Lookup("kafka-metadata-quorum.sh")
	b := []string{"--bootstrap-server", strings.Join(c.ListenAddrs(), ",")}
	add := append(append([]string{}, b...), "--command-config", controllerFiles(t), "add-controller")
	remove := append(append([]string{}, b...), "remove-controller", "-i", "3", "-d", "pbvuBlaTTwKRxS5NLJwRFQ")
	tooOld := "The brokers do not support adding or removing controllers (AddRaftVoter/RemoveRaftVoter, KIP-853: Kafka 3.9 or later).\n"
	for _, step := range []struct {
		kraft int16
		args  []string
		want  string
	}{{1, add, tooOld}, {1, remove, tooOld}, {0, add, staticQuorum + "\n"}, {0, remove, staticQuorum + "\n"}} {
		setKRaftVersion(t, env, step.kraft)
		env.Out.Reset()
		env.ErrOut.Reset()
		err := RunScript(context.Background(), env.F, s, step.args, nil)
		// The controller's properties are read as client settings too: kafkit names the keys it ignores.
		stderr := strings.TrimPrefix(env.ErrOut.String(), "warning: --command-config: kafkit ignores these properties: controller.listener.names, listeners, log.dirs, node.id, process.roles\n")
		if !errors.Is(err, cmdutil.SilentError) || stderr != step.want || env.Out.String() != "" || sent {
			t.Errorf("kraft.version %d, %v: err %v, sent %v, stdout %q, stderr %q", step.kraft, step.args[2:], err, sent, env.Out.String(), env.ErrOut.String())
		}
	}
}

func TestRaftVoterException(t *testing.T) {
	if got := javaAdminException(kerr.DuplicateVoter, "The voter id for ReplicaKey(id=5) is already part of the set of voters"); got != "org.apache.kafka.common.errors.DuplicateVoterException: The voter id for ReplicaKey(id=5) is already part of the set of voters" {
		t.Error(got)
	}
	if got := javaExceptionName(kerr.VoterNotFound.Message); got != "VoterNotFoundException" {
		t.Error(got)
	}
}

// FuzzReadControllerConfig: any server properties and meta.properties give a controller or an
// error, never a panic; a controller has a valid id and at least one endpoint.
func FuzzReadControllerConfig(f *testing.F) {
	f.Add("process.roles=controller\nnode.id=5\nlog.dirs=/d\ncontroller.listener.names=CONTROLLER\nlisteners=CONTROLLER://[::1]:9093\n", "directory.id=pbvuBlaTTwKRxS5NLJwRFQ\n")
	f.Add("process.roles=controller\nnode.id=1\nmetadata.log.dir=/d\ncontroller.listener.names=A,B\nlisteners=A://:1,B://h:x\n", "")
	f.Fuzz(func(t *testing.T, props, meta string) {
		c, err := readControllerConfig("/c", func(name string) ([]byte, error) {
			if name == "/c" {
				return []byte(props), nil
			}
			if strings.HasSuffix(name, "meta.properties") {
				return []byte(meta), nil
			}
			return nil, fs.ErrNotExist
		})
		if err == nil && (c.ID < 0 || len(c.Endpoints) == 0) {
			t.Errorf("%+v from %q", c, props)
		}
	})
}

func TestExpandQuorumShortOptions(t *testing.T) {
	got, _ := expandQuorumShortOptions([]string{"remove-controller", "-i", "3", "-dAbc", "-i=4", "--", "-i"})
	if strings.Join(got, " ") != "remove-controller --controller-id 3 --controller-directory-id=Abc --controller-id=4 -- -i" {
		t.Error(got)
	}
}
