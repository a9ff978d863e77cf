// Package deploy checks kafkit's Kubernetes manifests (the *.yaml files in this directory).
//
// It is its own Go module so that kafkit's main module does not depend on it: the check needs only
// a YAML parser, not the Kubernetes client. The types below are the small subset of the Kubernetes
// API that the manifests use; decoding is strict, so a misspelt field (readOnlyRootFileSystem) is
// an error instead of a silently ignored setting. Run it with `make manifest-test`.
package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// What the issue asks of the client pod.
const (
	Namespace     = "kafka"
	PodName       = "kafka-client"
	User          = 1001
	Brokers       = "kafka-controller-headless.kafka.svc.cluster.local:9092"
	SASLSecret    = "kafka-user-passwords"
	SASLSecretKey = "client-passwords"
	MaxRequestMem = 16 << 20 // 16Mi
	MaxRequestCPU = 0.010    // 10m
	MaxLimitMem   = 256 << 20
	MaxLimitCPU   = 1.0
)

// ObjectMeta is the part of metadata the manifests use.
type ObjectMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// Pod is a v1 Pod.
type Pod struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   ObjectMeta `yaml:"metadata"`
	Spec       PodSpec    `yaml:"spec"`
}

// Deployment is an apps/v1 Deployment.
type Deployment struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   ObjectMeta `yaml:"metadata"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Template struct {
			Metadata ObjectMeta `yaml:"metadata"`
			Spec     PodSpec    `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// PodSpec is the part of a pod spec the manifests use.
type PodSpec struct {
	AutomountServiceAccountToken  *bool              `yaml:"automountServiceAccountToken"`
	EnableServiceLinks            *bool              `yaml:"enableServiceLinks"`
	TerminationGracePeriodSeconds *int               `yaml:"terminationGracePeriodSeconds"`
	RestartPolicy                 string             `yaml:"restartPolicy"`
	ServiceAccountName            string             `yaml:"serviceAccountName"`
	NodeSelector                  map[string]string  `yaml:"nodeSelector"`
	SecurityContext               PodSecurityContext `yaml:"securityContext"`
	Containers                    []Container        `yaml:"containers"`
	Volumes                       []Volume           `yaml:"volumes"`
}

// PodSecurityContext is spec.securityContext.
type PodSecurityContext struct {
	RunAsNonRoot   *bool           `yaml:"runAsNonRoot"`
	RunAsUser      *int64          `yaml:"runAsUser"`
	RunAsGroup     *int64          `yaml:"runAsGroup"`
	FSGroup        *int64          `yaml:"fsGroup"`
	SeccompProfile *SeccompProfile `yaml:"seccompProfile"`
}

// SeccompProfile is a securityContext's seccompProfile.
type SeccompProfile struct {
	Type             string `yaml:"type"`
	LocalhostProfile string `yaml:"localhostProfile"`
}

// Container is one entry of spec.containers.
type Container struct {
	Name            string                   `yaml:"name"`
	Image           string                   `yaml:"image"`
	ImagePullPolicy string                   `yaml:"imagePullPolicy"`
	Command         []string                 `yaml:"command"`
	Args            []string                 `yaml:"args"`
	WorkingDir      string                   `yaml:"workingDir"`
	Env             []EnvVar                 `yaml:"env"`
	Resources       Resources                `yaml:"resources"`
	SecurityContext ContainerSecurityContext `yaml:"securityContext"`
	VolumeMounts    []VolumeMount            `yaml:"volumeMounts"`
	Stdin           bool                     `yaml:"stdin"`
	TTY             bool                     `yaml:"tty"`
}

// EnvVar is one entry of a container's env.
type EnvVar struct {
	Name      string  `yaml:"name"`
	Value     *string `yaml:"value"`
	ValueFrom *struct {
		SecretKeyRef     *KeyRef `yaml:"secretKeyRef"`
		ConfigMapKeyRef  *KeyRef `yaml:"configMapKeyRef"`
		ResourceFieldRef *struct {
			Resource      string `yaml:"resource"`
			ContainerName string `yaml:"containerName"`
			Divisor       string `yaml:"divisor"`
		} `yaml:"resourceFieldRef"`
		FieldRef *struct {
			FieldPath string `yaml:"fieldPath"`
		} `yaml:"fieldRef"`
	} `yaml:"valueFrom"`
}

// KeyRef names a key of a Secret or ConfigMap.
type KeyRef struct {
	Name     string `yaml:"name"`
	Key      string `yaml:"key"`
	Optional *bool  `yaml:"optional"`
}

// Resources is a container's resources.
type Resources struct {
	Requests map[string]string `yaml:"requests"`
	Limits   map[string]string `yaml:"limits"`
}

// ContainerSecurityContext is a container's securityContext.
type ContainerSecurityContext struct {
	RunAsNonRoot             *bool           `yaml:"runAsNonRoot"`
	RunAsUser                *int64          `yaml:"runAsUser"`
	RunAsGroup               *int64          `yaml:"runAsGroup"`
	ReadOnlyRootFilesystem   *bool           `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool           `yaml:"allowPrivilegeEscalation"`
	Privileged               *bool           `yaml:"privileged"`
	SeccompProfile           *SeccompProfile `yaml:"seccompProfile"`
	Capabilities             *struct {
		Add  []string `yaml:"add"`
		Drop []string `yaml:"drop"`
	} `yaml:"capabilities"`
}

// VolumeMount is one entry of a container's volumeMounts.
type VolumeMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
	SubPath   string `yaml:"subPath"`
	ReadOnly  bool   `yaml:"readOnly"`
}

// Volume is one entry of spec.volumes (emptyDir and secret only).
type Volume struct {
	Name     string `yaml:"name"`
	EmptyDir *struct {
		Medium    string `yaml:"medium"`
		SizeLimit string `yaml:"sizeLimit"`
	} `yaml:"emptyDir"`
	Secret *struct {
		SecretName  string `yaml:"secretName"`
		Optional    *bool  `yaml:"optional"`
		DefaultMode *int   `yaml:"defaultMode"`
		Items       []struct {
			Key  string `yaml:"key"`
			Path string `yaml:"path"`
			Mode *int   `yaml:"mode"`
		} `yaml:"items"`
	} `yaml:"secret"`
}

// Object is one decoded YAML document: exactly one of Pod and Deployment is set.
type Object struct {
	Doc        int // 1-based position in the file
	Pod        *Pod
	Deployment *Deployment
}

// PodSpec returns the object's pod spec (a Deployment's template).
func (o Object) PodSpec() PodSpec {
	if o.Deployment != nil {
		return o.Deployment.Spec.Template.Spec
	}
	return o.Pod.Spec
}

// Decode reads every YAML document of a manifest file. Errors name the document and, for fields
// that are not in the types above, the line: such a field is either a typo or a Kubernetes field
// these types do not list yet (then add it).
func Decode(data []byte) ([]Object, error) {
	// First pass: the kind of each document, so the second, strict pass knows what to decode into.
	var kinds []string
	d := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var head struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
		}
		err := d.Decode(&head)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", len(kinds)+1, err)
		}
		switch {
		case head.Kind == "Pod" && head.APIVersion == "v1",
			head.Kind == "Deployment" && head.APIVersion == "apps/v1":
		default:
			return nil, fmt.Errorf("document %d: unexpected %q %q (only v1 Pod and apps/v1 Deployment are expected here)", len(kinds)+1, head.APIVersion, head.Kind)
		}
		kinds = append(kinds, head.Kind)
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("no YAML documents")
	}
	d = yaml.NewDecoder(bytes.NewReader(data))
	d.KnownFields(true)
	objs := make([]Object, 0, len(kinds))
	for i, kind := range kinds {
		o := Object{Doc: i + 1}
		var err error
		if kind == "Pod" {
			o.Pod = &Pod{}
			err = d.Decode(o.Pod)
		} else {
			o.Deployment = &Deployment{}
			err = d.Decode(o.Deployment)
		}
		if err != nil {
			hint := ""
			if strings.Contains(err.Error(), "not found in type") {
				hint = " (a typo, or a Kubernetes field that the types in deploy/manifest.go do not list yet: add it there)"
			}
			return nil, fmt.Errorf("document %d (%s): %v%s", i+1, kind, err, hint)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// Check returns what is wrong with one object against the list: namespace, idle command,
// non-root uid 1001, read-only root, no privilege escalation, all capabilities dropped, seccomp,
// small requests and limits, KAFKIT_BROKERS, a writable /tmp, and the SASL secret wiring when the
// object uses SASL. Nil means it passes.
func Check(o Object) []string {
	var p problems
	meta := ObjectMeta{}
	if o.Pod != nil {
		meta = o.Pod.Metadata
	} else {
		meta = o.Deployment.Metadata
		checkDeployment(&p, o.Deployment)
	}
	p.want(meta.Namespace == Namespace, "metadata.namespace is %q, want %q", meta.Namespace, Namespace)
	p.want(meta.Name == PodName, "metadata.name is %q, want %q (the name the README's kubectl exec uses)", meta.Name, PodName)
	checkPodSpec(&p, o.PodSpec())
	return p
}

type problems []string

func (p *problems) want(ok bool, format string, args ...any) {
	if !ok {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}

func checkDeployment(p *problems, d *Deployment) {
	p.want(d.Spec.Replicas != nil && *d.Spec.Replicas == 1, "spec.replicas must be 1 (one client pod)")
	sel := d.Spec.Selector.MatchLabels
	p.want(len(sel) > 0, "spec.selector.matchLabels is empty")
	for k, v := range sel {
		p.want(d.Spec.Template.Metadata.Labels[k] == v, "spec.selector.matchLabels %s=%s is not a label of the pod template", k, v)
	}
	p.want(d.Spec.Template.Metadata.Namespace == "", "spec.template.metadata.namespace must be empty (the Deployment's namespace applies)")
}

func checkPodSpec(p *problems, s PodSpec) {
	sc := s.SecurityContext
	p.want(isTrue(sc.RunAsNonRoot), "securityContext.runAsNonRoot must be true")
	p.want(sc.RunAsUser != nil && *sc.RunAsUser == User, "securityContext.runAsUser must be %d (the image's kafkit user)", User)
	p.want(sc.RunAsGroup == nil || *sc.RunAsGroup == User, "securityContext.runAsGroup must be %d if set", User)
	p.want(sc.SeccompProfile != nil && sc.SeccompProfile.Type == "RuntimeDefault", "securityContext.seccompProfile.type must be RuntimeDefault")
	p.want(s.AutomountServiceAccountToken != nil && !*s.AutomountServiceAccountToken, "automountServiceAccountToken must be false (kafkit needs no Kubernetes API access)")

	if len(s.Containers) != 1 {
		p.want(false, "want exactly one container, got %d", len(s.Containers))
		return
	}
	c := s.Containers[0]
	p.want(strings.Contains(c.Image, "kafkit"), "container image %q is not a kafkit image", c.Image)
	p.want(slices.Equal(c.Command, []string{"sleep", "infinity"}) && len(c.Args) == 0,
		"container command is %q %q, want [sleep infinity] (idle, for kubectl exec)", c.Command, c.Args)

	csc := c.SecurityContext
	p.want(isTrue(csc.ReadOnlyRootFilesystem), "container securityContext.readOnlyRootFilesystem must be true")
	p.want(csc.AllowPrivilegeEscalation != nil && !*csc.AllowPrivilegeEscalation, "container securityContext.allowPrivilegeEscalation must be false")
	p.want(csc.Privileged == nil || !*csc.Privileged, "container securityContext.privileged must not be true")
	p.want(csc.Capabilities != nil && slices.Contains(csc.Capabilities.Drop, "ALL"), "container securityContext.capabilities.drop must contain ALL")
	p.want(csc.Capabilities == nil || len(csc.Capabilities.Add) == 0, "container securityContext.capabilities.add must be empty")
	p.want(csc.RunAsNonRoot == nil || *csc.RunAsNonRoot, "container securityContext.runAsNonRoot must not be false")
	p.want(csc.RunAsUser == nil || *csc.RunAsUser == User, "container securityContext.runAsUser must be %d if set", User)
	p.want(csc.SeccompProfile == nil || csc.SeccompProfile.Type == "RuntimeDefault", "container securityContext.seccompProfile.type must be RuntimeDefault if set")

	checkResources(p, c.Resources)

	env := map[string]EnvVar{}
	for _, e := range c.Env {
		_, dup := env[e.Name]
		p.want(!dup, "env %s is set twice", e.Name)
		env[e.Name] = e
	}
	b, ok := env["KAFKIT_BROKERS"]
	p.want(ok && b.Value != nil && *b.Value == Brokers, "env KAFKIT_BROKERS must be %q (the headless service)", Brokers)
	_, inline := env["KAFKIT_SASL_PASSWORD"]
	p.want(!inline, "env KAFKIT_SASL_PASSWORD must not be set: mount the secret and set KAFKIT_SASL_PASSWORD_FILE, so the password is not in `env`")

	volumes := map[string]Volume{}
	for _, v := range s.Volumes {
		volumes[v.Name] = v
	}
	mounts := map[string]VolumeMount{} // by mount path
	for _, m := range c.VolumeMounts {
		_, ok := volumes[m.Name]
		p.want(ok, "volumeMount %s refers to volume %q, which is not in spec.volumes", m.MountPath, m.Name)
		mounts[m.MountPath] = m
	}
	tmp, ok := mounts["/tmp"]
	p.want(ok && volumes[tmp.Name].EmptyDir != nil && !tmp.ReadOnly, "/tmp must be a writable emptyDir mount (the root filesystem is read-only)")

	checkSASL(p, env, mounts, volumes)
}

func checkResources(p *problems, r Resources) {
	quantity := func(m map[string]string, key, where string) (float64, bool) {
		s, ok := m[key]
		if !ok {
			p.want(false, "resources.%s.%s is not set", where, key)
			return 0, false
		}
		q, err := ParseQuantity(s)
		p.want(err == nil, "resources.%s.%s: %v", where, key, err)
		return q, err == nil
	}
	if q, ok := quantity(r.Requests, "memory", "requests"); ok {
		p.want(q > 0 && q <= MaxRequestMem, "resources.requests.memory is %s, want at most 16Mi", r.Requests["memory"])
	}
	if q, ok := quantity(r.Requests, "cpu", "requests"); ok {
		p.want(q > 0 && q <= MaxRequestCPU, "resources.requests.cpu is %s, want at most 10m", r.Requests["cpu"])
	}
	if q, ok := quantity(r.Limits, "memory", "limits"); ok {
		p.want(q >= MaxRequestMem && q <= MaxLimitMem, "resources.limits.memory is %s, want 16Mi..256Mi", r.Limits["memory"])
	}
	if q, ok := quantity(r.Limits, "cpu", "limits"); ok {
		p.want(q >= MaxRequestCPU && q <= MaxLimitCPU, "resources.limits.cpu is %s, want 10m..1", r.Limits["cpu"])
	}
}

// checkSASL: SASL is optional; when the manifest uses it, the password must come as a file from
// the Bitnami chart's secret.
func checkSASL(p *problems, env map[string]EnvVar, mounts map[string]VolumeMount, volumes map[string]Volume) {
	user, hasUser := env["KAFKIT_SASL_USER"]
	file, hasFile := env["KAFKIT_SASL_PASSWORD_FILE"]
	if mech, ok := env["KAFKIT_SASL_MECHANISM"]; ok {
		v := ""
		if mech.Value != nil {
			v = *mech.Value
		}
		p.want(slices.Contains([]string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}, v), "env KAFKIT_SASL_MECHANISM is %q, want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", v)
		p.want(hasUser, "env KAFKIT_SASL_MECHANISM is set without KAFKIT_SASL_USER")
	}
	if !hasUser && !hasFile {
		return
	}
	p.want(hasUser && user.Value != nil && *user.Value != "", "env KAFKIT_SASL_USER must be set (a plain value) with KAFKIT_SASL_PASSWORD_FILE")
	if !hasFile || file.Value == nil || !path.IsAbs(*file.Value) {
		p.want(false, "env KAFKIT_SASL_PASSWORD_FILE must be set to an absolute path with KAFKIT_SASL_USER")
		return
	}
	dir, base := path.Split(*file.Value)
	m, ok := mounts[path.Clean(dir)]
	if !ok {
		p.want(false, "KAFKIT_SASL_PASSWORD_FILE %s is not in a mounted volume (mount the %s secret at %s)", *file.Value, SASLSecret, path.Clean(dir))
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
	p.want(sec.DefaultMode == nil || *sec.DefaultMode&0o007 == 0, "the SASL secret's defaultMode %#o lets every user read the password", derefInt(sec.DefaultMode))
	found := len(sec.Items) == 0 && base == SASLSecretKey
	for _, it := range sec.Items {
		if it.Key == SASLSecretKey && it.Path == base {
			found = true
		}
	}
	p.want(found, "KAFKIT_SASL_PASSWORD_FILE %s is not the secret's key %s", *file.Value, SASLSecretKey)
}

func isTrue(b *bool) bool { return b != nil && *b }

func derefInt(i *int) int {
	if i == nil {
		return 0
	}
	return *i
}

// ParseQuantity parses a Kubernetes resource quantity ("16Mi", "10m", "0.5", "1G") into base units
// (bytes or cores). It covers plain decimals with the binary and decimal suffixes; exponent forms
// such as 1e3 (rare in hand-written manifests) are rejected with an error.
func ParseQuantity(s string) (float64, error) {
	suffixes := []struct {
		suffix string
		mult   float64
	}{
		{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40},
		{"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
	}
	num, mult := s, 1.0
	for _, sf := range suffixes {
		if strings.HasSuffix(s, sf.suffix) {
			num, mult = strings.TrimSuffix(s, sf.suffix), sf.mult
			break
		}
	}
	// Plain decimals only: ParseFloat alone would also take "Inf", "1e3" and "0x1p3".
	digits, dots := 0, 0
	for _, r := range num {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dots++
		default:
			return 0, fmt.Errorf("bad quantity %q (want e.g. 16Mi, 10m, 0.5)", s)
		}
	}
	if digits == 0 || dots > 1 {
		return 0, fmt.Errorf("bad quantity %q (want e.g. 16Mi, 10m, 0.5)", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("bad quantity %q (want e.g. 16Mi, 10m, 0.5)", s)
	}
	return v * mult, nil
}
