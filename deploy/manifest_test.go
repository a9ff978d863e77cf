package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// manifests reads and decodes every *.yaml / *.yml file under this directory.
func manifests(t *testing.T) map[string][]Object {
	t.Helper()
	files := map[string][]Object{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (!strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		objs, err := Decode(data)
		if err != nil {
			t.Errorf("deploy/%s: %v", p, err)
			return nil
		}
		files[p] = objs
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 && !t.Failed() {
		t.Fatal("no manifests found under deploy/")
	}
	return files
}

// TestManifests checks every manifest under deploy/ against the list.
func TestManifests(t *testing.T) {
	for file, objs := range manifests(t) {
		for _, o := range objs {
			for _, problem := range Check(o) {
				t.Errorf("deploy/%s document %d: %s", file, o.Doc, problem)
			}
		}
	}
}

// TestVariants: the README's files exist with the kinds it promises, and the variants do not
// drift apart: the Deployment runs exactly the Pod's spec, and the SASL pod is the plain pod plus
// the SASL environment, mount and volume.
func TestVariants(t *testing.T) {
	files := manifests(t)
	one := func(file, kind string) Object {
		t.Helper()
		objs, ok := files[file]
		if !ok || len(objs) != 1 {
			t.Fatalf("deploy/%s: want one %s document, got %d", file, kind, len(objs))
		}
		o := objs[0]
		if (kind == "Pod") != (o.Pod != nil) {
			t.Fatalf("deploy/%s: want a %s", file, kind)
		}
		return o
	}
	pod := one("kafka-client.yaml", "Pod")
	dep := one("kafka-client-deployment.yaml", "Deployment")
	sasl := one("kafka-client-sasl.yaml", "Pod")

	if !reflect.DeepEqual(dep.PodSpec(), pod.PodSpec()) {
		t.Errorf("kafka-client-deployment.yaml's pod template differs from kafka-client.yaml's pod spec:\n deployment %+v\n pod        %+v", dep.PodSpec(), pod.PodSpec())
	}
	if !reflect.DeepEqual(dep.Deployment.Spec.Template.Metadata.Labels, pod.Pod.Metadata.Labels) {
		t.Errorf("the Deployment's pod labels %v differ from the Pod's %v", dep.Deployment.Spec.Template.Metadata.Labels, pod.Pod.Metadata.Labels)
	}

	s := sasl.PodSpec()
	c := &s.Containers[0]
	if !slices.ContainsFunc(c.Env, func(e EnvVar) bool { return e.Name == "KAFKIT_SASL_PASSWORD_FILE" }) {
		t.Fatal("kafka-client-sasl.yaml does not set KAFKIT_SASL_PASSWORD_FILE")
	}
	c.Env = slices.DeleteFunc(c.Env, func(e EnvVar) bool { return strings.HasPrefix(e.Name, "KAFKIT_SASL_") })
	c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m VolumeMount) bool { return m.Name == SASLSecret })
	s.Volumes = slices.DeleteFunc(s.Volumes, func(v Volume) bool { return v.Name == SASLSecret })
	if !reflect.DeepEqual(s, pod.PodSpec()) {
		t.Errorf("kafka-client-sasl.yaml without its SASL parts differs from kafka-client.yaml:\n sasl %+v\n pod  %+v", s, pod.PodSpec())
	}
}

// TestCheckCatches: each rule of Check fires on a manifest that breaks it, with a message that
// names the field. Mutations apply to the decoded SASL pod, which exercises every rule.
func TestCheckCatches(t *testing.T) {
	data, err := os.ReadFile("kafka-client-sasl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fresh := func() Object {
		objs, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		return objs[0]
	}
	if p := Check(fresh()); len(p) != 0 {
		t.Fatalf("the unmodified SASL pod fails: %v", p)
	}
	f, tr := false, true
	root := int64(0)
	env := func(o Object, name, value string) {
		for i := range o.Pod.Spec.Containers[0].Env {
			if e := &o.Pod.Spec.Containers[0].Env[i]; e.Name == name {
				e.Value = &value
				return
			}
		}
		o.Pod.Spec.Containers[0].Env = append(o.Pod.Spec.Containers[0].Env, EnvVar{Name: name, Value: &value})
	}
	tests := []struct {
		name   string
		mutate func(o Object)
		want   string
	}{
		{"namespace", func(o Object) { o.Pod.Metadata.Namespace = "default" }, "metadata.namespace"},
		{"root user", func(o Object) { o.Pod.Spec.SecurityContext.RunAsUser = &root }, "runAsUser must be 1001"},
		{"runAsNonRoot missing", func(o Object) { o.Pod.Spec.SecurityContext.RunAsNonRoot = nil }, "runAsNonRoot must be true"},
		{"no seccomp", func(o Object) { o.Pod.Spec.SecurityContext.SeccompProfile = nil }, "seccompProfile.type must be RuntimeDefault"},
		{"writable root", func(o Object) { o.Pod.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = &f }, "readOnlyRootFilesystem must be true"},
		{"privilege escalation", func(o Object) { o.Pod.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = &tr }, "allowPrivilegeEscalation must be false"},
		{"capabilities kept", func(o Object) { o.Pod.Spec.Containers[0].SecurityContext.Capabilities = nil }, "capabilities.drop must contain ALL"},
		{"not idle", func(o Object) { o.Pod.Spec.Containers[0].Command = []string{"kafkit", "topic", "list"} }, "want [sleep infinity]"},
		{"big request", func(o Object) { o.Pod.Spec.Containers[0].Resources.Requests["memory"] = "1Gi" }, "requests.memory is 1Gi"},
		{"no cpu request", func(o Object) { delete(o.Pod.Spec.Containers[0].Resources.Requests, "cpu") }, "requests.cpu is not set"},
		{"no limits", func(o Object) { o.Pod.Spec.Containers[0].Resources.Limits = nil }, "limits.memory is not set"},
		{"bad quantity", func(o Object) { o.Pod.Spec.Containers[0].Resources.Limits["cpu"] = "lots" }, `bad quantity "lots"`},
		{"brokers", func(o Object) { env(o, "KAFKIT_BROKERS", "localhost:9092") }, "KAFKIT_BROKERS must be"},
		{"inline password", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD", "secret") }, "KAFKIT_SASL_PASSWORD must not be set"},
		{"bad mechanism", func(o Object) { env(o, "KAFKIT_SASL_MECHANISM", "SCRAM") }, "KAFKIT_SASL_MECHANISM is \"SCRAM\""},
		{"password file elsewhere", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD_FILE", "/etc/pw") }, "is not in a mounted volume"},
		{"wrong key", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD_FILE", "/etc/kafka-user-passwords/pw") }, "is not the secret's key client-passwords"},
		{"secret not optional", func(o Object) { o.Pod.Spec.Volumes[1].Secret.Optional = nil }, "must be optional: true"},
		{"wrong secret", func(o Object) { o.Pod.Spec.Volumes[1].Secret.SecretName = "mine" }, `secret is "mine"`},
		{"world-readable password", func(o Object) { m := 0o644; o.Pod.Spec.Volumes[1].Secret.DefaultMode = &m }, "defaultMode 0644"},
		{"no /tmp", func(o Object) { o.Pod.Spec.Containers[0].VolumeMounts = o.Pod.Spec.Containers[0].VolumeMounts[1:] }, "/tmp must be a writable emptyDir"},
		{"mount without volume", func(o Object) { o.Pod.Spec.Volumes = o.Pod.Spec.Volumes[1:] }, `refers to volume "tmp"`},
		{"two containers", func(o Object) {
			o.Pod.Spec.Containers = append(o.Pod.Spec.Containers, o.Pod.Spec.Containers[0])
		}, "want exactly one container, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fresh()
			tt.mutate(o)
			got := Check(o)
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("want a problem containing %q, got %q", tt.want, got)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"typo in a field", "apiVersion: v1\nkind: Pod\nmetadata: {name: kafka-client}\nspec:\n  containers:\n  - name: k\n    securityContext: {readOnlyRootFileSystem: true}\n",
			"line 7: field readOnlyRootFileSystem not found"},
		{"other kind", "apiVersion: v1\nkind: Service\n", `unexpected "v1" "Service"`},
		{"wrong apiVersion", "apiVersion: apps/v1beta1\nkind: Deployment\n", `unexpected "apps/v1beta1" "Deployment"`},
		{"second document", "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nspec: {bogus: 1}\n", "document 2 (Pod)"},
		{"empty", "", "no YAML documents"},
		{"not YAML", "kind: [\n", "document 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		bad  bool
	}{
		{in: "16Mi", want: 16 << 20},
		{in: "10m", want: 0.010},
		{in: "500m", want: 0.5},
		{in: "1", want: 1},
		{in: "0.5", want: 0.5},
		{in: "64Ki", want: 64 << 10},
		{in: "1Gi", want: 1 << 30},
		{in: "128M", want: 128e6},
		{in: "2k", want: 2000},
		{in: "", bad: true},
		{in: "Mi", bad: true},
		{in: "1e3", bad: true},
		{in: "-1", bad: true},
		{in: "Inf", bad: true},
		{in: "1.2.3", bad: true},
		{in: "16 Mi", bad: true},
		{in: "16mi", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseQuantity(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"16Mi", "10m", "0.5", "1e3", "", "Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseQuantity(s)
		if err == nil && (v < 0 || v != v) {
			t.Errorf("ParseQuantity(%q) = %v without an error", s, v)
		}
	})
}
