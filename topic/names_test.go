package topic

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidateTopicName(t *testing.T) {
	long := strings.Repeat("a", 250)
	tests := []struct {
		name, wantErr string
	}{
		{"orders", ""},
		{"Orders.v1_x-2", ""},
		{strings.Repeat("a", 249), ""},
		{"", "topic name is empty"},
		{".", `topic name "." is not allowed`},
		{"..", `topic name ".." is not allowed`},
		{"...", ""},
		{long, "is 250 characters long; the limit is 249"},
		{"a b", `topic name "a b" has an illegal character ' ' at position 2`},
		{"a/b", `illegal character '/'`},
		{"café", `illegal character 'é'`},
	}
	for _, tt := range tests {
		err := validateTopicName(tt.name)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("validateTopicName(%q) = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("validateTopicName(%q) = %v, want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestCollisions(t *testing.T) {
	got := collisions([]string{"a.b", "a_c", "x", "same.name"}, []string{"a_b", "a_c", "same.name"})
	want := map[string]string{"a.b": "a_b"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("collisions = %v, want %v", got, want)
	}
	if !mixesDotUnderscore("a.b_c") || mixesDotUnderscore("a.b.c") || mixesDotUnderscore("a_b") {
		t.Fatal("mixesDotUnderscore")
	}
}

func TestParseConfigPairs(t *testing.T) {
	tests := []struct {
		in      []string
		want    map[string]string
		wantErr string
	}{
		{nil, map[string]string{}, ""},
		{[]string{"retention.ms=1000", "cleanup.policy=compact,delete"}, map[string]string{"retention.ms": "1000", "cleanup.policy": "compact,delete"}, ""},
		{[]string{"a=b=c"}, map[string]string{"a": "b=c"}, ""},
		{[]string{"a="}, map[string]string{"a": ""}, ""},
		{[]string{"novalue"}, nil, `bad config "novalue": use key=value`},
		{[]string{"=x"}, nil, `bad config "=x"`},
		{[]string{"a=1", "a=2"}, nil, `config "a" given twice`},
	}
	for _, tt := range tests {
		got, err := parseConfigPairs(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseConfigPairs(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseConfigPairs(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseConfigPairs(f *testing.F) {
	for _, s := range []string{"a=b", "=", "retention.ms=1", "a=b=c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseConfigPairs([]string{s})
		if err != nil {
			return
		}
		if len(m) != 1 {
			t.Fatalf("%q: %d entries", s, len(m))
		}
		for k, v := range m {
			if k == "" || !strings.Contains(s, k) || !strings.HasSuffix(s, v) {
				t.Fatalf("%q parsed to %q=%q", s, k, v)
			}
		}
	})
}

func TestParseReplicaAssignment(t *testing.T) {
	tests := []struct {
		in      string
		want    [][]int32
		wantErr string
	}{
		{"1:2:3,2:3:1", [][]int32{{1, 2, 3}, {2, 3, 1}}, ""},
		{"1", [][]int32{{1}}, ""},
		{" 1 : 2 , 2:1", [][]int32{{1, 2}, {2, 1}}, ""},
		{"1:2,3", nil, "partition 1 has 1 replicas, partition 0 has 2"},
		{"1:1", nil, "partition 0 lists broker 1 twice"},
		{"1:x", nil, `partition 0 has "x", not a broker id`},
		{"", nil, "not a broker id"},
		{"1:-2", nil, "not a broker id"},
	}
	for _, tt := range tests {
		got, err := parseReplicaAssignment(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseReplicaAssignment(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseReplicaAssignment(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseReplicaAssignment(f *testing.F) {
	for _, s := range []string{"1:2:3,2:3:1", "1", "1:1", ",", "1:2,3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseReplicaAssignment(s)
		if err != nil {
			return
		}
		for _, reps := range a {
			if len(reps) != len(a[0]) || len(reps) == 0 {
				t.Fatalf("%q: uneven or empty assignment %v", s, a)
			}
		}
	})
}

func TestCompileTopicRegexMatchesWholeName(t *testing.T) {
	re, err := compileTopicRegex("orders|pay.*")
	if err != nil {
		t.Fatal(err)
	}
	got := matchNames(re, []string{"orders", "orders2", "payments", "xpay", "a"})
	if want := []string{"orders", "payments"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("matchNames = %v, want %v", got, want)
	}
	if _, err := compileTopicRegex("a("); err == nil || !strings.Contains(err.Error(), `bad regular expression "a(": missing closing )`) {
		t.Fatalf("bad regex error = %v", err)
	}
}

func TestUnknownConfigMessage(t *testing.T) {
	if got := unknownConfigMessage("retention.msx"); got != `unknown topic config "retention.msx" (did you mean "retention.ms"?)` {
		t.Fatal(got)
	}
	if got := unknownConfigMessage("zzzzzzzzzzzz"); got != `unknown topic config "zzzzzzzzzzzz"` {
		t.Fatal(got)
	}
	if got := unknownConfigKeys([]string{"retention.ms", "x.y", "vendor.key"}, map[string]bool{"vendor.key": true}); !reflect.DeepEqual(got, []string{"x.y"}) {
		t.Fatal(got)
	}
}

func TestParseBeforeAndAt(t *testing.T) {
	now := mustTime("2026-11-20T10:00:00Z")
	for in, want := range map[string]string{
		"100": "100", "end": "end", "-5": "-5", "+3": "+3",
		"2026-11-20T09:00:00Z": "@2026-11-20T09:00:00Z", "-1h": "@2026-11-20T09:00:00Z", "@-2h": "@2026-11-20T08:00:00Z",
	} {
		s, err := parseBefore(in, now)
		if err != nil || s.String() != want {
			t.Errorf("parseBefore(%q) = %v, %v; want %s", in, s, err, want)
		}
	}
	for _, in := range []string{"start", "abc", ""} {
		if _, err := parseBefore(in, now); err == nil {
			t.Errorf("parseBefore(%q): no error", in)
		}
	}
	for in, want := range map[string]int64{"earliest": tsEarliest, "latest": tsLatest, "-1h": now.Add(-3600e9).UnixMilli(), "1763632800000": 1763632800000, "@2026-11-20T10:00:00Z": now.UnixMilli()} {
		got, err := parseAt(in, now)
		if err != nil || got != want {
			t.Errorf("parseAt(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseAt("soon", now); err == nil {
		t.Error("parseAt(soon): no error")
	}
}
