package text

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestUnescape(t *testing.T) {
	tests := []struct {
		in, want string
		err      string
	}{
		{in: ",", want: ","},
		{in: `\t`, want: "\t"},
		{in: `a\nb\r`, want: "a\nb\r"},
		{in: `\x01`, want: "\x01"},
		{in: `\x1F-`, want: "\x1f-"},
		{in: `\0`, want: "\x00"},
		{in: `\\`, want: `\`},
		{in: `\"\'`, want: `"'`},
		{in: `::`, want: `::`},
		{in: `\x`, err: `bad escape \x`},
		{in: `\x1`, err: `bad escape \x`},
		{in: `\xZZ`, err: `bad escape \xZZ`},
		{in: `\q`, err: `unknown escape \q`},
		{in: `a\`, err: "lone backslash"},
	}
	for _, tt := range tests {
		got, err := Unescape(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Unescape(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Unescape(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`\t`, `\x01`, `\x`, `a\`, `\\\n`, "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Unescape(s)
		if err != nil {
			return
		}
		if !strings.Contains(s, `\`) && got != s {
			t.Fatalf("no escapes but changed: %q -> %q", s, got)
		}
		if len(got) > len(s) {
			t.Fatalf("unescaped is longer: %q -> %q", s, got)
		}
	})
}

func TestPlural(t *testing.T) {
	if Plural(1, "topic") != "topic" || Plural(0, "topic") != "topics" || Count(2, "group") != "2 groups" || Count(1, "group") != "1 group" {
		t.Fatal("plural")
	}
}

func TestSafe(t *testing.T) {
	tests := map[string]string{
		"orders":                      "orders",
		"Bestellungen-ü":              "Bestellungen-ü",
		"evil\nGROUP FAKE\x1b[31mRED": `evil\nGROUP FAKE\x1b[31mRED`,
		"tab\there":                   `tab\there`,
		"del\x7f":                     `del\x7f`,
		"c1\u0085":                    `c1\u0085`,
		"bad\xffutf8":                 `bad\xffutf8`,
	}
	for in, want := range tests {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafe: whatever the input, the output has no control characters and is valid UTF-8.
func FuzzSafe(f *testing.F) {
	for _, s := range []string{"a", "evil\n\x1b[31m", "\xff\xfe", "ü\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Safe(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Safe(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("Safe(%q) = %q keeps control %U", s, got, r)
			}
		}
	})
}

func TestUnique(t *testing.T) {
	in := []string{"b", "a", "b", "c", "a"}
	if got := Unique(in); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("Unique = %q, want first of each in order", got)
	}
	if got := SortedUnique(in); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SortedUnique = %q", got)
	}
	if got := Unique(nil); got != nil {
		t.Errorf("Unique(nil) = %q, want nil", got)
	}
	if !slices.Equal(in, []string{"b", "a", "b", "c", "a"}) {
		t.Errorf("input changed: %q", in)
	}
}
