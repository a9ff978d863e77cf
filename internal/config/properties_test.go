package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseProperties(t *testing.T) {
	in := "# comment\n" +
		"! also a comment\n" +
		"bootstrap.servers=a:9092,b:9092\n" +
		"  security.protocol : SASL_SSL\n" +
		"client.id value with spaces\n" +
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\\n" +
		"    username=\"u\" \\\n" +
		"    password=\"p=w\";\n" +
		"escaped\\=key=tab\\there\n" +
		"unicode=caf\\u00e9\n" +
		"empty=\n" +
		"bare\n" +
		"\n" +
		"dup=1\n" +
		"dup=2\n"
	got, err := ParseProperties(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Property{
		{"bootstrap.servers", "a:9092,b:9092", 3},
		{"security.protocol", "SASL_SSL", 4},
		{"client.id", "value with spaces", 5},
		{"sasl.jaas.config", `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p=w";`, 6},
		{"escaped=key", "tab\there", 9},
		{"unicode", "café", 10},
		{"empty", "", 11},
		{"bare", "", 12},
		{"dup", "1", 14},
		{"dup", "2", 15},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%#v\nwant\n%#v", got, want)
	}
}

func TestParsePropertiesErrors(t *testing.T) {
	for _, in := range []string{"a=\\u12\n", "a=\\uzzzz\n", "x=1\nb=\\u00\n"} {
		if _, err := ParseProperties(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("ParseProperties(%q) error = %v, want one naming the line", in, err)
		}
	}
}

func TestParsePropertiesCRLFAndBOM(t *testing.T) {
	got, err := ParseProperties(strings.NewReader("\ufeffa=1\r\nb=2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "a" || got[0].Value != "1" || got[1].Value != "2" {
		t.Errorf("got %#v", got)
	}
}

func FuzzParseProperties(f *testing.F) {
	f.Add("a=b\n")
	f.Add("key : value\\\n  continued\n# c\n")
	f.Add("x=\\u0041\\t\\\\\n")
	f.Add("\\")
	f.Fuzz(func(t *testing.T, s string) {
		props, err := ParseProperties(strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a line number: %v", err)
			}
			return
		}
		lines := strings.Count(s, "\n") + 1
		prev := 0
		for _, p := range props {
			if p.Line < 1 || p.Line > lines || p.Line < prev {
				t.Fatalf("bad line %d (of %d, previous %d) for %q", p.Line, lines, prev, p.Key)
			}
			prev = p.Line
		}
	})
}
