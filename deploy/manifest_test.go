package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
)

// manifests reads and decodes every *.yaml / *.yml file under this directory.
func manifests(t *testing.T) map[string][]Object {
	t.Helper()
	files := map[string][]Object{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == "kube" {
			return filepath.SkipDir // the Kubernetes binaries' build module, no manifests
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

// TestVariants: the README's files exist with the kinds and names it promises, and the variants do
// not drift apart: the Deployment runs exactly the Pod's spec, and the SASL pod is the plain pod
// plus the SASL environment, mount and volume.
func TestVariants(t *testing.T) {
	files := manifests(t)
	one := func(file, kind, name string) Object {
		t.Helper()
		objs, ok := files[file]
		if !ok || len(objs) != 1 {
			t.Fatalf("deploy/%s: want one %s document, got %d", file, kind, len(objs))
		}
		o := objs[0]
		if (kind == "Pod") != (o.Pod != nil) {
			t.Fatalf("deploy/%s: want a %s", file, kind)
		}
		if o.Meta().Name != name {
			t.Errorf("deploy/%s: %s is named %q, want %q", file, kind, o.Meta().Name, name)
		}
		return o
	}
	pod := one("kafka-client.yaml", "Pod", PodName)
	dep := one("kafka-client-deployment.yaml", "Deployment", PodName)
	sasl := one("kafka-client-sasl.yaml", "Pod", SASLPodName)

	if !equality.Semantic.DeepEqual(dep.PodSpec(), pod.PodSpec()) {
		t.Errorf("kafka-client-deployment.yaml's pod template differs from kafka-client.yaml's pod spec:\n deployment %+v\n pod        %+v", dep.PodSpec(), pod.PodSpec())
	}
	if !equality.Semantic.DeepEqual(dep.PodMeta().Labels, pod.Pod.Labels) {
		t.Errorf("the Deployment's pod labels %v differ from the Pod's %v", dep.PodMeta().Labels, pod.Pod.Labels)
	}

	s := sasl.PodSpec()
	c := &s.Containers[0]
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "KAFKIT_SASL_PASSWORD_FILE" }) {
		t.Fatal("kafka-client-sasl.yaml does not set KAFKIT_SASL_PASSWORD_FILE")
	}
	c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool { return strings.HasPrefix(e.Name, "KAFKIT_SASL_") })
	c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == SASLSecret })
	s.Volumes = slices.DeleteFunc(s.Volumes, func(v corev1.Volume) bool { return v.Name == SASLSecret })
	if !equality.Semantic.DeepEqual(s, pod.PodSpec()) {
		t.Errorf("kafka-client-sasl.yaml without its SASL parts differs from kafka-client.yaml:\n sasl %+v\n pod  %+v", s, pod.PodSpec())
	}
}

func readSASLPod(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("kafka-client-sasl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCheckCatches: each rule of Check fires on a manifest that breaks it, with a message that
// names the field. Mutations apply to the decoded SASL pod, which exercises every rule. The
// "Pod Security" rows come from the upstream restricted:latest policy.
func TestCheckCatches(t *testing.T) {
	data := readSASLPod(t)
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
	ctr := func(o Object) *corev1.Container { return &o.Pod.Spec.Containers[0] }
	env := func(o Object, name, value string) {
		for i := range ctr(o).Env {
			if e := &ctr(o).Env[i]; e.Name == name {
				e.Value = value
				return
			}
		}
		ctr(o).Env = append(ctr(o).Env, corev1.EnvVar{Name: name, Value: value})
	}
	tests := []struct {
		name   string
		mutate func(o Object)
		want   string
	}{
		{"namespace", func(o Object) { o.Pod.Namespace = "default" }, "metadata.namespace"},
		{"plain name for the SASL pod", func(o Object) { o.Pod.Name = PodName }, `metadata.name is "kafka-client", want "kafka-client-sasl"`},
		{"root user", func(o Object) { o.Pod.Spec.SecurityContext.RunAsUser = &root }, "Pod Security restricted:latest: runAsUser=0"},
		{"other user", func(o Object) { u := int64(1000); o.Pod.Spec.SecurityContext.RunAsUser = &u }, "runAsUser must be 1001"},
		{"runAsNonRoot missing", func(o Object) {
			o.Pod.Spec.SecurityContext.RunAsNonRoot, ctr(o).SecurityContext.RunAsNonRoot = nil, nil
		}, "Pod Security restricted:latest: runAsNonRoot != true"},
		{"runAsNonRoot false in the container", func(o Object) { ctr(o).SecurityContext.RunAsNonRoot = &f }, "Pod Security restricted:latest: runAsNonRoot != true"},
		{"no seccomp", func(o Object) { o.Pod.Spec.SecurityContext.SeccompProfile = nil }, "Pod Security restricted:latest: seccompProfile"},
		{"unconfined seccomp", func(o Object) {
			o.Pod.Spec.SecurityContext.SeccompProfile.Type = corev1.SeccompProfileTypeUnconfined
		}, "Pod Security restricted:latest: seccompProfile"},
		{"privileged", func(o Object) { ctr(o).SecurityContext.Privileged = &tr }, "Pod Security restricted:latest: privileged"},
		{"privilege escalation", func(o Object) { ctr(o).SecurityContext.AllowPrivilegeEscalation = &tr }, "Pod Security restricted:latest: allowPrivilegeEscalation != false"},
		{"capabilities kept", func(o Object) { ctr(o).SecurityContext.Capabilities = nil }, "Pod Security restricted:latest: unrestricted capabilities"},
		{"capability added", func(o Object) {
			ctr(o).SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		}, "Pod Security restricted:latest: unrestricted capabilities"},
		{"host network", func(o Object) { o.Pod.Spec.HostNetwork = true }, "Pod Security restricted:latest: host namespaces"},
		{"hostPath volume", func(o Object) {
			o.Pod.Spec.Volumes[0].VolumeSource = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}
		}, `Pod Security restricted:latest: restricted volume types (volume "tmp" uses restricted volume type "hostPath")`},
		{"writable root", func(o Object) { ctr(o).SecurityContext.ReadOnlyRootFilesystem = &f }, "readOnlyRootFilesystem must be true"},
		{"bad pull policy", func(o Object) { ctr(o).ImagePullPolicy = "Sometimes" }, `imagePullPolicy "Sometimes" is not one of`},
		{"bad restart policy", func(o Object) { o.Pod.Spec.RestartPolicy = "Sometimes" }, `restartPolicy "Sometimes" is not one of`},
		{"not kafkit", func(o Object) { ctr(o).Image = "docker.io/bitnami/kafka:latest" }, "is not a kafkit image"},
		{"not idle", func(o Object) { ctr(o).Command = []string{"kafkit", "topic", "list"} }, "want [sleep infinity]"},
		{"big request", func(o Object) { ctr(o).Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi") }, "requests.memory is 1Gi"},
		{"no cpu request", func(o Object) { delete(ctr(o).Resources.Requests, corev1.ResourceCPU) }, "requests.cpu is not set"},
		{"no limits", func(o Object) { ctr(o).Resources.Limits = nil }, "limits.memory is not set"},
		{"huge cpu limit", func(o Object) { ctr(o).Resources.Limits[corev1.ResourceCPU] = resource.MustParse("4") }, "limits.cpu is 4, want 10m..1"},
		{"brokers", func(o Object) { env(o, "KAFKIT_BROKERS", "localhost:9092") }, "KAFKIT_BROKERS must be"},
		{"inline password", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD", "secret") }, "KAFKIT_SASL_PASSWORD must not be set"},
		{"bad mechanism", func(o Object) { env(o, "KAFKIT_SASL_MECHANISM", "SCRAM") }, "KAFKIT_SASL_MECHANISM is \"SCRAM\""},
		{"password file elsewhere", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD_FILE", "/etc/pw") }, "is not in a mounted volume"},
		{"wrong key", func(o Object) { env(o, "KAFKIT_SASL_PASSWORD_FILE", "/etc/kafka-user-passwords/pw") }, "is not the secret's key client-passwords"},
		{"secret not optional", func(o Object) { o.Pod.Spec.Volumes[1].Secret.Optional = nil }, "must be optional: true"},
		{"wrong secret", func(o Object) { o.Pod.Spec.Volumes[1].Secret.SecretName = "mine" }, `secret is "mine"`},
		{"world-readable password", func(o Object) { m := int32(0o644); o.Pod.Spec.Volumes[1].Secret.DefaultMode = &m }, "defaultMode 0644"},
		{"no /tmp", func(o Object) { ctr(o).VolumeMounts = ctr(o).VolumeMounts[1:] }, "/tmp must be a writable emptyDir"},
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

// TestValidFieldsAccepted: fields the API server takes but that the old hand-written types did not
// list (so the test refused valid manifests) decode and pass.
func TestValidFieldsAccepted(t *testing.T) {
	data := string(readSASLPod(t))
	tests := []struct{ name, old, new string }{
		{"priorityClassName", "  enableServiceLinks: false\n", "  enableServiceLinks: false\n  priorityClassName: system-cluster-critical\n"},
		{"nodeSelector and tolerations", "  enableServiceLinks: false\n",
			"  enableServiceLinks: false\n  nodeSelector: {kubernetes.io/os: linux}\n  tolerations: [{key: dedicated, operator: Equal, value: kafka, effect: NoSchedule}]\n"},
		{"annotations", "  labels:\n", "  annotations: {kafkit.example/owner: platform}\n  labels:\n"},
		{"quantity in another spelling", "memory: 256Mi", "memory: 268435456"},
		{"seccomp Localhost", "      type: RuntimeDefault\n", "      type: Localhost\n      localhostProfile: profiles/kafkit.json\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(data, tt.old) {
				t.Fatalf("kafka-client-sasl.yaml has no %q to replace", tt.old)
			}
			objs, err := Decode([]byte(strings.Replace(data, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if p := Check(objs[0]); len(p) != 0 {
				t.Errorf("Check: %q", p)
			}
		})
	}
}

// TestDecodeRejects: what kubectl apply --validate=strict refuses before the server's validation.
func TestDecodeRejects(t *testing.T) {
	data := string(readSASLPod(t))
	tests := []struct {
		name, yaml, want string
	}{
		{"typo in a field", "apiVersion: v1\nkind: Pod\nmetadata: {name: kafka-client}\nspec:\n  containers:\n  - name: k\n    securityContext: {readOnlyRootFileSystem: true}\n",
			`unknown field "spec.containers[0].securityContext.readOnlyRootFileSystem"`},
		{"field at the wrong level", strings.Replace(data, "  enableServiceLinks: false\n", "  enableServiceLinks: false\n  runAsUser: 1001\n", 1),
			`unknown field "spec.runAsUser"`},
		{"duplicate field", strings.Replace(data, "  enableServiceLinks: false\n", "  enableServiceLinks: false\n  enableServiceLinks: true\n", 1),
			`"enableServiceLinks" already set`},
		{"wrong type", strings.Replace(data, "runAsUser: 1001", "runAsUser: kafkit", 1), "runAsUser"},
		{"bad quantity", strings.Replace(data, "memory: 256Mi", "memory: lots", 1), "quantities must match"},
		{"other kind", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "unexpected /v1, Kind=Service"},
		{"unknown kind", "apiVersion: v1\nkind: Pods\n", `no kind "Pods" is registered for version "v1"`},
		{"wrong apiVersion", "apiVersion: apps/v1beta1\nkind: Deployment\n", `no kind "Deployment" is registered for version "apps/v1beta1"`},
		{"second document", "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nspec: {bogus: 1}\n", `document 2 (Pod): strict decoding error: unknown field "spec.bogus"`},
		{"empty", "# only a comment\n", "no YAML documents"},
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
