package topic

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSpecValid(t *testing.T) {
	data := `# provisioning
topics:
  - name: orders
    partitions: 6
    replication_factor: 3
    configs:
      retention.ms: 604800000
      cleanup.policy: "compact,delete"
      preallocate: true
  - name: audit
  - name: logs
    configs: {segment.bytes: 1048576}
`
	got, err := parseSpec("t.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []TopicSpec{
		{Name: "audit", Configs: map[string]string{}, Line: 10, ConfigLines: map[string]int{}},
		{Name: "logs", Configs: map[string]string{"segment.bytes": "1048576"}, Line: 11, ConfigLines: map[string]int{"segment.bytes": 12}},
		{Name: "orders", Partitions: 6, ReplicationFactor: 3, Line: 3,
			Configs:     map[string]string{"retention.ms": "604800000", "cleanup.policy": "compact,delete", "preallocate": "true"},
			ConfigLines: map[string]int{"retention.ms": 7, "cleanup.policy": 8, "preallocate": 9}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseSpec =\n%+v\nwant\n%+v", got, want)
	}
	empty, err := parseSpec("e.yaml", []byte("topics: []\n"))
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty list: %v %v", empty, err)
	}
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"empty", "", []string{"f.yaml: the file is empty; expected:"}},
		{"syntax", "topics:\n  - name: a\n   bad", []string{"f.yaml:1: did not find expected"}},
		{"not a mapping", "- a\n", []string{"f.yaml:1: expected a mapping with a 'topics:' list"}},
		{"no topics", "other: 1\n", []string{`f.yaml:1: unknown key "other": the file has one key, 'topics'`, "f.yaml:1: no 'topics:' list"}},
		{"topics not a list", "topics: {a: 1}\n", []string{"f.yaml:1: 'topics' must be a list"}},
		{"unknown key", "topics:\n  - name: a\n    replicas: 3\n", []string{`f.yaml:3: unknown key "replicas" in topic (did you mean "replication_factor"?)`}},
		{"duplicate name", "topics:\n  - name: a\n  - name: b\n  - name: a\n", []string{`f.yaml:4: topic "a" is listed twice (first at line 2)`}},
		{"duplicate key", "topics:\n  - name: a\n    partitions: 1\n    partitions: 2\n", []string{`f.yaml:4: "partitions" is given twice in this topic (first at line 3)`}},
		{"bad partitions", "topics:\n  - name: a\n    partitions: six\n", []string{`f.yaml:3: partitions: "six" is not a whole number`}},
		{"zero partitions", "topics:\n  - name: a\n    partitions: 0\n", []string{"f.yaml:3: partitions: 0 is out of range (1 to 1048576)"}},
		{"float rf", "topics:\n  - name: a\n    replication_factor: 2.5\n", []string{`f.yaml:3: replication_factor: "2.5" is not a whole number`}},
		{"bad name", "topics:\n  - name: a b\n", []string{`f.yaml:2: topic name "a b" has an illegal character ' '`}},
		{"no name", "topics:\n  - partitions: 1\n", []string{"f.yaml:2: topic without 'name:'"}},
		{"null config", "topics:\n  - name: a\n    configs:\n      retention.ms:\n", []string{`f.yaml:4: config "retention.ms" has no value`}},
		{"list config", "topics:\n  - name: a\n    configs:\n      cleanup.policy: [compact, delete]\n", []string{`f.yaml:4: config "cleanup.policy": the value must be a single value`}},
		{"dup config", "topics:\n  - name: a\n    configs:\n      x.y: 1\n      x.y: 2\n", []string{`f.yaml:5: config "x.y" is given twice (first at line 4)`}},
		{"collision", "topics:\n  - name: a.b\n  - name: a_b\n", []string{`f.yaml:3: topic "a_b" collides with the topic at line 2`}},
		{"several at once", "topics:\n  - name: a\n    partitions: -1\n  - name: a\n    foo: 1\n", []string{"f.yaml:3: partitions: -1 is out of range", `f.yaml:5: unknown key "foo"`, `f.yaml:4: topic "a" is listed twice`}},
		{"two documents", "topics: []\n---\ntopics: []\n", []string{"f.yaml:2: a second YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSpec("f.yaml", []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"topics: []", "topics:\n  - name: a\n    partitions: 3\n", "topics:\n  - name: a\n    configs: {x: 1}\n", "- a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		specs, err := parseSpec("f.yaml", []byte(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, sp := range specs {
			if validateTopicName(sp.Name) != nil || seen[sp.Name] || sp.Partitions < 0 || sp.ReplicationFactor < 0 {
				t.Fatalf("accepted a bad spec %+v", sp)
			}
			seen[sp.Name] = true
		}
	})
}

func TestCheckSpecConfigKeys(t *testing.T) {
	specs, err := parseSpec("f.yaml", []byte("topics:\n  - name: a\n    configs:\n      retention.msx: 1\n      vendor.x: 2\n      retention.ms: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = checkSpecConfigKeys("f.yaml", specs, map[string]bool{"vendor.x": true})
	want := `f.yaml:4: topic "a": unknown topic config "retention.msx" (did you mean "retention.ms"?)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
