package offsetspec

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want Spec
		err  bool
	}{
		{"start", Spec{Kind: Start}, false},
		{"earliest", Spec{Kind: Start}, false},
		{"beginning", Spec{Kind: Start}, false},
		{"END", Spec{Kind: End}, false},
		{"latest", Spec{Kind: End}, false},
		{"0", Spec{Kind: Exact, Offset: 0}, false},
		{"42", Spec{Kind: Exact, Offset: 42}, false},
		{"+5", Spec{Kind: FromStart, Offset: 5}, false},
		{"-10", Spec{Kind: FromEnd, Offset: 10}, false},
		{"@2026-11-20T10:00:00Z", Spec{Kind: Time, Millis: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).UnixMilli()}, false},
		{"@2026-11-20T10:00:00+09:00", Spec{Kind: Time, Millis: time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC).UnixMilli()}, false},
		{"@2026-11-20", Spec{Kind: Time, Millis: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).UnixMilli()}, false},
		{"@1763632800000", Spec{Kind: Time, Millis: 1763632800000}, false},
		{"@-1h", Spec{Kind: Time, Millis: now.Add(-time.Hour).UnixMilli()}, false},
		{"@-2d", Spec{Kind: Time, Millis: now.Add(-48 * time.Hour).UnixMilli()}, false},
		{"@-1d12h", Spec{Kind: Time, Millis: now.Add(-36 * time.Hour).UnixMilli()}, false},
		{"", Spec{}, true},
		{"+", Spec{}, true},
		{"-", Spec{}, true},
		{"--5", Spec{}, true},
		{"+-5", Spec{}, true},
		{"abc", Spec{}, true},
		{"@", Spec{}, true},
		{"@yesterday", Spec{}, true},
		{"@-1x", Spec{}, true},
		{"@--1h", Spec{}, true},
		{"1.5", Spec{}, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, now)
		if (err != nil) != tt.err {
			t.Errorf("Parse(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestSpecStringRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{"start", "end", "7", "+3", "-9", "@2026-11-20T10:00:00.5Z"} {
		s, err := Parse(in, now)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(s.String(), now)
		if err != nil || back != s {
			t.Errorf("%q -> %q -> %+v (%v)", in, s.String(), back, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"start", "end", "12", "+1", "-1", "@-1h", "@2026-11-20T10:00:00Z", "@1763632800000", "@-1d2h"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := Parse(s, now)
		if err != nil {
			return
		}
		if spec.Offset < 0 {
			t.Fatalf("Parse(%q) gave a negative offset %d", s, spec.Offset)
		}
		back, err := Parse(spec.String(), now)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, spec.String(), err)
		}
		if back.Kind != spec.Kind || back.Offset != spec.Offset || (spec.Kind == Time && back.Millis != spec.Millis) {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v", s, spec, spec.String(), back)
		}
	})
}
