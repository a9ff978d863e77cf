// Package deploy checks kafkit's Kubernetes manifests (the *.yaml files in this directory).
//
// It is its own Go module so that kafkit's main module does not depend on Kubernetes. Manifests are
// decoded strictly into the real API types (k8s.io/api, with apimachinery's strict deserializer, as
// `kubectl apply --validate=strict` does): an unknown or misspelt field (readOnlyRootFileSystem), a
// duplicate field, a value of the wrong type or a malformed quantity is an error. Every pod spec is
// then checked by the upstream Pod Security admission policy (k8s.io/pod-security-admission) at
// restricted:latest, and by kafkit's own rules on top: image, idle command, uid, read-only root,
// resources, environment, the default broker address and the SASL secret wiring.
//
// This is the offline check (`make manifest-test`); `make kube-test` applies the same files to a
// real API server (scripts/kube-test.sh).
package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// What the issue asks of the client pod.
const (
	Namespace = "kafka"
	// PodName is the plain Pod's and the Deployment's name; SASLPodName the SASL Pod's. They differ
	// because a Pod's spec is immutable: applying the SASL Pod over a plain Pod of the same name
	// fails with "pod updates may not change fields other than ...".
	PodName       = "kafka-client"
	SASLPodName   = "kafka-client-sasl"
	User          = 1001
	Brokers       = "kafka-controller-headless.kafka.svc.cluster.local:9092"
	SASLSecret    = "kafka-user-passwords"
	SASLSecretKey = "client-passwords"
)

// Resource bounds: small requests so the pod schedules anywhere, limits that leave room for a
// consume of a busy topic.
var (
	MaxRequestMem = resource.MustParse("16Mi")
	MaxRequestCPU = resource.MustParse("10m")
	MaxLimitMem   = resource.MustParse("256Mi")
	MaxLimitCPU   = resource.MustParse("1")
)

// Object is one decoded YAML document: exactly one of Pod and Deployment is set.
type Object struct {
	Doc        int // 1-based position in the file
	Pod        *corev1.Pod
	Deployment *appsv1.Deployment
}

// Meta returns the object's own metadata.
func (o Object) Meta() *metav1.ObjectMeta {
	if o.Deployment != nil {
		return &o.Deployment.ObjectMeta
	}
	return &o.Pod.ObjectMeta
}

// PodMeta returns the metadata of the pods the object makes (a Deployment's template).
func (o Object) PodMeta() *metav1.ObjectMeta {
	if o.Deployment != nil {
		return &o.Deployment.Spec.Template.ObjectMeta
	}
	return &o.Pod.ObjectMeta
}

// PodSpec returns the object's pod spec (a Deployment's template), for reading or changing.
func (o Object) PodSpec() *corev1.PodSpec {
	if o.Deployment != nil {
		return &o.Deployment.Spec.Template.Spec
	}
	return &o.Pod.Spec
}

var deserializer = func() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	// EnableStrict: unknown and duplicate fields are errors, as with kubectl --validate=strict.
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
}()

// Decode reads every YAML document of a manifest file into the Kubernetes API types. Errors name
// the document; only v1 Pods and apps/v1 Deployments are expected.
func Decode(data []byte) ([]Object, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []Object
	for n := 1; ; n++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", n, err)
		}
		if isEmptyDocument(doc) {
			n--
			continue
		}
		obj, gvk, err := deserializer.Decode(doc, nil, nil)
		if err != nil {
			kind := ""
			if gvk != nil && gvk.Kind != "" {
				kind = " (" + gvk.Kind + ")"
			}
			return nil, fmt.Errorf("document %d%s: %v", n, kind, err)
		}
		o := Object{Doc: n}
		switch obj := obj.(type) {
		case *corev1.Pod:
			o.Pod = obj
		case *appsv1.Deployment:
			o.Deployment = obj
		default:
			return nil, fmt.Errorf("document %d: unexpected %s (only v1 Pod and apps/v1 Deployment are expected here)", n, gvk)
		}
		objs = append(objs, o)
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("no YAML documents")
	}
	return objs, nil
}

// isEmptyDocument: only comments and blank lines (a file's header before its first ---).
func isEmptyDocument(doc []byte) bool {
	for line := range strings.Lines(string(doc)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") && line != "---" {
			return false
		}
	}
	return true
}

var restricted = func() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}()

// PodSecurity returns the object's violations of the Pod Security Standards' restricted level at
// its latest version: what the API server's admission refuses in a namespace labelled
// pod-security.kubernetes.io/enforce=restricted.
func PodSecurity(o Object) []string {
	lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	var out []string
	for _, r := range restricted.EvaluatePod(lv, o.PodMeta(), o.PodSpec()) {
		if !r.Allowed {
			out = append(out, fmt.Sprintf("Pod Security restricted:latest: %s (%s)", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return out
}

// Check returns what is wrong with one object: Pod Security restricted:latest, then kafkit's own
// rules (namespace and name, idle command, uid 1001, read-only root, small requests and limits,
// KAFKIT_BROKERS, a writable /tmp, and the SASL secret wiring when the object uses SASL). Nil means
// it passes.
func Check(o Object) []string {
	p := problems(PodSecurity(o))
	meta := o.Meta()
	s := o.PodSpec()
	want := PodName
	if o.Pod != nil && usesSASL(s) {
		want = SASLPodName
	}
	if o.Deployment != nil {
		checkDeployment(&p, o.Deployment)
	}
	p.want(meta.Namespace == Namespace, "metadata.namespace is %q, want %q", meta.Namespace, Namespace)
	p.want(meta.Name == want, "metadata.name is %q, want %q (the name the README's kubectl exec uses)", meta.Name, want)
	checkPodSpec(&p, s)
	return p
}

type problems []string

func (p *problems) want(ok bool, format string, args ...any) {
	if !ok {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}

func usesSASL(s *corev1.PodSpec) bool {
	for _, c := range s.Containers {
		if slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return strings.HasPrefix(e.Name, "KAFKIT_SASL_") }) {
			return true
		}
	}
	return false
}

func checkDeployment(p *problems, d *appsv1.Deployment) {
	p.want(d.Spec.Replicas != nil && *d.Spec.Replicas == 1, "spec.replicas must be 1 (one client pod)")
	var sel map[string]string
	if d.Spec.Selector != nil {
		sel = d.Spec.Selector.MatchLabels
	}
	p.want(len(sel) > 0, "spec.selector.matchLabels is empty")
	for k, v := range sel {
		p.want(d.Spec.Template.Labels[k] == v, "spec.selector.matchLabels %s=%s is not a label of the pod template", k, v)
	}
	p.want(d.Spec.Template.Namespace == "", "spec.template.metadata.namespace must be empty (the Deployment's namespace applies)")
}

// The values the API server accepts for the enums the manifests set. Decoding takes any string;
// the server's validation (make kube-test) refuses others, and so does this check, offline.
var (
	pullPolicies   = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}
	restartPolices = []corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}
)

func checkPodSpec(p *problems, s *corev1.PodSpec) {
	sc := s.SecurityContext
	if sc == nil {
		sc = &corev1.PodSecurityContext{}
	}
	p.want(sc.RunAsUser != nil && *sc.RunAsUser == User, "securityContext.runAsUser must be %d (the image's kafkit user)", User)
	p.want(sc.RunAsGroup == nil || *sc.RunAsGroup == User, "securityContext.runAsGroup must be %d if set", User)
	p.want(s.AutomountServiceAccountToken != nil && !*s.AutomountServiceAccountToken, "automountServiceAccountToken must be false (kafkit needs no Kubernetes API access)")
	p.want(s.RestartPolicy == "" || slices.Contains(restartPolices, s.RestartPolicy), "restartPolicy %q is not one of %v", s.RestartPolicy, restartPolices)

	if len(s.Containers) != 1 {
		p.want(false, "want exactly one container, got %d", len(s.Containers))
		return
	}
	c := s.Containers[0]
	p.want(strings.Contains(c.Image, "kafkit"), "container image %q is not a kafkit image", c.Image)
	p.want(c.ImagePullPolicy == "" || slices.Contains(pullPolicies, c.ImagePullPolicy), "container imagePullPolicy %q is not one of %v", c.ImagePullPolicy, pullPolicies)
	p.want(slices.Equal(c.Command, []string{"sleep", "infinity"}) && len(c.Args) == 0,
		"container command is %q %q, want [sleep infinity] (idle, for kubectl exec)", c.Command, c.Args)

	csc := c.SecurityContext
	if csc == nil {
		csc = &corev1.SecurityContext{}
	}
	// Pod Security restricted covers runAsNonRoot, seccomp, privilege escalation and capabilities;
	// it does not ask for a read-only root or a particular uid.
	p.want(isTrue(csc.ReadOnlyRootFilesystem), "container securityContext.readOnlyRootFilesystem must be true")
	p.want(csc.RunAsUser == nil || *csc.RunAsUser == User, "container securityContext.runAsUser must be %d if set", User)

	checkResources(p, c.Resources)

	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		_, dup := env[e.Name]
		p.want(!dup, "env %s is set twice", e.Name)
		env[e.Name] = e
	}
	b, ok := env["KAFKIT_BROKERS"]
	p.want(ok && b.Value == Brokers, "env KAFKIT_BROKERS must be %q (the headless service)", Brokers)
	_, inline := env["KAFKIT_SASL_PASSWORD"]
	p.want(!inline, "env KAFKIT_SASL_PASSWORD must not be set: mount the secret and set KAFKIT_SASL_PASSWORD_FILE, so the password is not in `env`")

	volumes := map[string]corev1.Volume{}
	for _, v := range s.Volumes {
		volumes[v.Name] = v
	}
	mounts := map[string]corev1.VolumeMount{} // by mount path
	for _, m := range c.VolumeMounts {
		_, ok := volumes[m.Name]
		p.want(ok, "volumeMount %s refers to volume %q, which is not in spec.volumes", m.MountPath, m.Name)
		mounts[m.MountPath] = m
	}
	tmp, ok := mounts["/tmp"]
	p.want(ok && volumes[tmp.Name].EmptyDir != nil && !tmp.ReadOnly, "/tmp must be a writable emptyDir mount (the root filesystem is read-only)")

	checkSASL(p, env, mounts, volumes)
}

func checkResources(p *problems, r corev1.ResourceRequirements) {
	bound := func(list corev1.ResourceList, name corev1.ResourceName, where string, lo, hi resource.Quantity) {
		q, ok := list[name]
		if !ok {
			p.want(false, "resources.%s.%s is not set", where, name)
			return
		}
		p.want(q.Cmp(lo) >= 0 && q.Cmp(hi) <= 0 && q.Sign() > 0, "resources.%s.%s is %s, want %s..%s", where, name, q.String(), lo.String(), hi.String())
	}
	var zero resource.Quantity
	bound(r.Requests, corev1.ResourceMemory, "requests", zero, MaxRequestMem)
	bound(r.Requests, corev1.ResourceCPU, "requests", zero, MaxRequestCPU)
	bound(r.Limits, corev1.ResourceMemory, "limits", MaxRequestMem, MaxLimitMem)
	bound(r.Limits, corev1.ResourceCPU, "limits", MaxRequestCPU, MaxLimitCPU)
}

// checkSASL: SASL is optional; when the manifest uses it, the password must come as a file from
// the Bitnami chart's secret.
func checkSASL(p *problems, env map[string]corev1.EnvVar, mounts map[string]corev1.VolumeMount, volumes map[string]corev1.Volume) {
	user, hasUser := env["KAFKIT_SASL_USER"]
	file, hasFile := env["KAFKIT_SASL_PASSWORD_FILE"]
	if mech, ok := env["KAFKIT_SASL_MECHANISM"]; ok {
		p.want(slices.Contains([]string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}, mech.Value), "env KAFKIT_SASL_MECHANISM is %q, want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", mech.Value)
		p.want(hasUser, "env KAFKIT_SASL_MECHANISM is set without KAFKIT_SASL_USER")
	}
	if !hasUser && !hasFile {
		return
	}
	p.want(hasUser && user.Value != "", "env KAFKIT_SASL_USER must be set (a plain value) with KAFKIT_SASL_PASSWORD_FILE")
	if !hasFile || !path.IsAbs(file.Value) {
		p.want(false, "env KAFKIT_SASL_PASSWORD_FILE must be set to an absolute path with KAFKIT_SASL_USER")
		return
	}
	dir, base := path.Split(file.Value)
	m, ok := mounts[path.Clean(dir)]
	if !ok {
		p.want(false, "KAFKIT_SASL_PASSWORD_FILE %s is not in a mounted volume (mount the %s secret at %s)", file.Value, SASLSecret, path.Clean(dir))
		return
	}
	p.want(m.ReadOnly, "the volumeMount at %s (the SASL password) must be readOnly", m.MountPath)
	sec := volumes[m.Name].Secret
	if sec == nil {
		p.want(false, "the volume mounted at %s must be a secret volume (%s)", m.MountPath, SASLSecret)
		return
	}
	p.want(sec.SecretName == SASLSecret, "the SASL password secret is %q, want %q (the Bitnami chart's)", sec.SecretName, SASLSecret)
	p.want(isTrue(sec.Optional), "the %s secret volume must be optional: true (the pod must start without SASL)", SASLSecret)
	p.want(sec.DefaultMode == nil || *sec.DefaultMode&0o007 == 0, "the SASL secret's defaultMode %#o lets every user read the password", deref(sec.DefaultMode))
	found := len(sec.Items) == 0 && base == SASLSecretKey
	for _, it := range sec.Items {
		if it.Key == SASLSecretKey && it.Path == base {
			found = true
		}
	}
	p.want(found, "KAFKIT_SASL_PASSWORD_FILE %s is not the secret's key %s", file.Value, SASLSecretKey)
}

func isTrue(b *bool) bool { return b != nil && *b }

func deref(i *int32) int32 {
	if i == nil {
		return 0
	}
	return *i
}
