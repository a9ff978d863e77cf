package group

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestResetCSVRoundTrip(t *testing.T) {
	in := map[tp]int64{{"orders", 0}: 10, {"orders", 1}: 0, {"audit.log", 5}: 123456789012}
	var b bytes.Buffer
	if err := writeResetCSV(&b, in); err != nil {
		t.Fatal(err)
	}
	// The kafka-consumer-groups --export format for one group.
	want := "audit.log,5,123456789012\norders,0,10\norders,1,0\n"
	if b.String() != want {
		t.Fatalf("CSV\n%s\nwant\n%s", b.String(), want)
	}
	out, _, err := parseResetCSV(&b, "g")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %v != %v", out, in)
	}
}

func TestParseResetCSV(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[tp]int64
		err      string
	}{
		{name: "three columns, spaces and blank lines", in: "t, 0, 5\n\nt,1,6\n", want: map[tp]int64{{"t", 0}: 5, {"t", 1}: 6}},
		{name: "four columns keep this group", in: "g,t,0,5\nother,t,0,9\ng,u,2,1\n", want: map[tp]int64{{"t", 0}: 5, {"u", 2}: 1}},
		{name: "wrong field count", in: "t,0\n", err: "CSV line 1: 2 fields"},
		{name: "bad partition", in: "t,x,5\n", err: `CSV line 1: bad partition "x"`},
		{name: "negative offset", in: "t,0,5\nt,1,-3\n", err: `CSV line 2: bad offset "-3"`},
		{name: "duplicate", in: "t,0,5\nt,0,6\n", err: "CSV line 2: t/0 appears twice"},
		{name: "empty topic", in: ",0,5\n", err: "CSV line 1: empty topic"},
		{name: "no line for the group", in: "other,t,0,5\n", err: `CSV: no offsets for group "g"`},
		{name: "empty", in: "", err: `CSV: no offsets for group "g"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := parseResetCSV(strings.NewReader(tt.in), "g")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v want %v", got, tt.want)
			}
		})
	}
}

// FuzzResetCSV: whatever parses writes back and parses to the same plan.
func FuzzResetCSV(f *testing.F) {
	for _, s := range []string{"t,0,5\n", "g,t,0,5\n", "a,1,2\nb,3,4\n", "\"x,y\",0,1\n", "\" #x\",0,1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, _, err := parseResetCSV(strings.NewReader(s), "g")
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := writeResetCSV(&b, m); err != nil {
			t.Fatal(err)
		}
		m2, _, err := parseResetCSV(&b, "g")
		if err != nil {
			t.Fatalf("re-parse of %q: %v", b.String(), err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("%v != %v", m, m2)
		}
	})
}
