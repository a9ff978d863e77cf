package compat

import (
	"strings"
	"testing"
	"time"
)

func TestHeadersReader(t *testing.T) {
	tests := []struct {
		props map[string]string
		line  string
		want  string
		err   string
	}{
		{props: map[string]string{}, line: "h1:a,h2:b\tvalue", want: `{"key":null,"value":"value","headers":[["h1","a"],["h2","b"]]}`},
		{props: map[string]string{"parse.key": "true", "key.separator": ":"}, line: "h:x\tk:v:w", want: `{"key":"k","value":"v:w","headers":[["h","x"]]}`},
		{props: map[string]string{"null.marker": "NULL", "parse.key": "true"}, line: "NULL\tNULL\tNULL", want: `{"key":null,"value":null,"headers":[]}`},
		{props: map[string]string{"headers.delimiter": "|", "headers.separator": ";", "headers.key.separator": "="}, line: "a=1;b=2;|v", want: `{"key":null,"value":"v","headers":[["a","1"],["b","2"]]}`},
		{props: map[string]string{"headers.separator": "[,;]"}, line: "a:1;b:2,c:3\tv", want: `{"key":null,"value":"v","headers":[["a","1"],["b","2"],["c","3"]]}`},
		{props: map[string]string{"ignore.error": "true", "parse.key": "true"}, line: "only", want: `{"key":null,"value":"only","headers":[]}`},
		{props: map[string]string{"ignore.error": "true"}, line: "nokeysep\tv", want: `{"key":null,"value":"v","headers":[["nokeysep",null]]}`},
		{props: map[string]string{}, line: "no delimiter", err: "No headers delimiter found on line number 1: 'no delimiter'"},
		{props: map[string]string{}, line: "bad\tv", err: "No header key separator found in pair 'bad' on line number 1"},
		{props: map[string]string{"parse.key": "true"}, line: "h:1\tnokey", err: "No key separator found on line number 1"},
		{props: map[string]string{"null.marker": "N"}, line: "N:1\tv", err: "Header keys should not be equal to the null marker 'N'"},
	}
	for _, tt := range tests {
		r, err := newHeadersReader(tt.props)
		if err != nil {
			t.Fatalf("%v: %v", tt.props, err)
		}
		got, err := r.record(tt.line, 1)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("%q %v:\n got %s %v\nwant %s", tt.line, tt.props, got, err, tt.want)
		}
	}
	if _, err := newHeadersReader(map[string]string{"headers.delimiter": ",", "headers.separator": ","}); err == nil || !strings.Contains(err.Error(), "may not be equal") {
		t.Errorf("equal separators: %v", err)
	}
}

func FuzzHeadersReader(f *testing.F) {
	f.Add("h1:a,h2:b\tk:v", ",", ":")
	f.Add("\t\t", "[", "")
	f.Fuzz(func(t *testing.T, line, sep, keySep string) {
		r, err := newHeadersReader(map[string]string{"headers.separator": sep, "headers.key.separator": keySep, "parse.key": "true", "key.separator": "|"})
		if err != nil {
			return
		}
		_, _ = r.record(line, 1)
	})
}

func TestJavaTimes(t *testing.T) {
	ms, err := javaDateTime("2024-01-02T03:04:05.678")
	if want := time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC).UnixMilli(); err != nil || ms != want {
		t.Errorf("no zone: %d %v, want %d (UTC)", ms, err, want)
	}
	ms, err = javaDateTime("2024-01-02T03:04:05.678+02:00")
	if want := time.Date(2024, 1, 2, 1, 4, 5, 678e6, time.UTC).UnixMilli(); err != nil || ms != want {
		t.Errorf("+02:00: %d %v, want %d", ms, err, want)
	}
	if _, err := javaDateTime("2024-01-02"); err == nil || !strings.Contains(err.Error(), "'T'") {
		t.Errorf("no T: %v", err)
	}
	for in, want := range map[string]time.Duration{"PT1H": time.Hour, "P1DT2H30M": 26*time.Hour + 30*time.Minute, "pt0.5s": 500 * time.Millisecond, "-PT10M": -10 * time.Minute, "P2D": 48 * time.Hour} {
		if got, err := javaDuration(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"1h", "P", "PT", "PT1X", "P1H", "PTS"} {
		if _, err := javaDuration(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzJavaDuration(f *testing.F) {
	f.Add("P1DT2H3M4.5S")
	f.Fuzz(func(t *testing.T, s string) { _, _ = javaDuration(s); _, _ = javaDateTime(s) })
}

func TestWithoutLineReader(t *testing.T) {
	got := strings.Join(withoutLineReader([]string{"produce", "t", "--quiet", "-K", ":", "--allow-missing-key", "--null-marker", "NULL", "--acks", "1"}), " ")
	if want := "produce t --quiet --acks 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
