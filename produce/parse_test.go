package produce

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func readAllLines(t *testing.T, r io.Reader, max int) (lines []string, errs []string) {
	t.Helper()
	lr := newLineReader(r, max)
	for {
		b, _, err := lr.next()
		if err == io.EOF {
			return
		}
		var tl *lineTooLongError
		if errors.As(err, &tl) {
			errs = append(errs, tl.Error())
			lines = append(lines, "<too long>")
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 3*readBufSize+17) // longer than the bufio buffer
	tests := []struct {
		name, in string
		max      int
		want     []string
		errs     []string
	}{
		{"empty input", "", 100, nil, nil},
		{"one line no newline", "abc", 100, []string{"abc"}, nil},
		{"LF", "a\nb\n", 100, []string{"a", "b"}, nil},
		{"CRLF", "a\r\nb\r\n", 100, []string{"a", "b"}, nil},
		{"CR in the middle stays", "a\rb\n", 100, []string{"a\rb"}, nil},
		{"empty lines", "\n\na\n\n", 100, []string{"", "", "a", ""}, nil},
		{"last line without newline, CR trimmed", "a\nb\r", 100, []string{"a", "b"}, nil},
		{"long line", long + "\nshort\n", len(long), []string{long, "short"}, nil},
		{"long line CRLF", long + "\r\nshort", len(long), []string{long, "short"}, nil},
		{"too long line is skipped and sized", "a\n" + long + "\nb\n", 1000, []string{"a", "<too long>", "b"}, []string{"line of 3145745 bytes is too long"}},
		{"too long last line", "a\n" + long, 1000, []string{"a", "<too long>"}, []string{"line of 3145745 bytes is too long"}},
		{"too long line CRLF", long + "\r\n", 1000, []string{"<too long>"}, []string{"line of 3145745 bytes is too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				if len(tt.in) > 1<<20 {
					r = iotest.HalfReader(strings.NewReader(tt.in))
				}
				got, errs := readAllLines(t, r, tt.max)
				if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
					t.Errorf("lines: got %d %.80q, want %d %.80q", len(got), got, len(tt.want), tt.want)
				}
				if strings.Join(errs, "|") != strings.Join(tt.errs, "|") {
					t.Errorf("errors: got %q, want %q", errs, tt.errs)
				}
			}
		})
	}
}

func TestLineFormatParse(t *testing.T) {
	null := func(s string) *string { return &s }
	tests := []struct {
		name       string
		f          lineFormat
		line       string
		key, value *string // nil: null
		err        string
	}{
		{"value only", lineFormat{}, "hello", nil, null("hello"), ""},
		{"empty line is an empty value", lineFormat{}, "", nil, null(""), ""},
		{"key,value", lineFormat{sep: []byte(",")}, "k,v", null("k"), null("v"), ""},
		{"split at the first separator", lineFormat{sep: []byte(",")}, "k,v,w", null("k"), null("v,w"), ""},
		{"empty key and value", lineFormat{sep: []byte(",")}, ",", null(""), null(""), ""},
		{"multi-byte separator", lineFormat{sep: []byte("::")}, "a:b::c", null("a:b"), null("c"), ""},
		{"tab", lineFormat{sep: []byte("\t")}, "k\tv", null("k"), null("v"), ""},
		{"missing separator", lineFormat{sep: []byte(",")}, "kv", nil, nil, `no key separator "," in the line (pass --allow-missing-key to send such lines with a null key)`},
		{"missing separator allowed", lineFormat{sep: []byte(","), allowMissingKey: true}, "kv", nil, null("kv"), ""},
		{"null marker key", lineFormat{sep: []byte(","), nullMarker: []byte("NULL")}, "NULL,v", nil, null("v"), ""},
		{"null marker value (tombstone)", lineFormat{sep: []byte(","), nullMarker: []byte("NULL")}, "k,NULL", null("k"), nil, ""},
		{"null marker whole line", lineFormat{nullMarker: []byte("NULL")}, "NULL", nil, nil, ""},
		{"null marker only when equal", lineFormat{nullMarker: []byte("NULL")}, "NULLx", nil, null("NULLx"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p parsed
			err := tt.f.parse([]byte(tt.line), &p)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkBytes(t, "key", p.key, tt.key)
			checkBytes(t, "value", p.value, tt.value)
			if p.partition != -1 || p.timestamp != -1 {
				t.Errorf("partition/timestamp = %d/%d, want -1/-1", p.partition, p.timestamp)
			}
		})
	}
}

func checkBytes(t *testing.T, what string, got []byte, want *string) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %q, want null", what, got)
	case want != nil && got == nil:
		t.Errorf("%s = null, want %q", what, *want)
	case want != nil && string(got) != *want:
		t.Errorf("%s = %q, want %q", what, got, *want)
	}
}

func TestParseJSONLine(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := func(s string) *string { return &s }
	tests := []struct {
		name       string
		line       string
		key, value *string
		headers    string // k=v;k2=<nil>
		partition  int32
		timestamp  int64
		err        string
	}{
		{"strings", `{"key":"k","value":"v"}`, s("k"), s("v"), "", -1, -1, ""},
		{"no key is null", `{"value":"v"}`, nil, s("v"), "", -1, -1, ""},
		{"null value", `{"key":"k","value":null}`, s("k"), nil, "", -1, -1, ""},
		{"JSON value sent compact", `{"value": {"a": [1, 2 ], "b":"x"}}`, nil, s(`{"a":[1,2],"b":"x"}`), "", -1, -1, ""},
		{"number key", `{"key":42,"value":"v"}`, s("42"), s("v"), "", -1, -1, ""},
		{"escapes", `{"value":"a\"b\n\u00e9"}`, nil, s("a\"b\né"), "", -1, -1, ""},
		{"base64", `{"key_b64":"AAE=","value_b64":"/wA="}`, s("\x00\x01"), s("\xff\x00"), "", -1, -1, ""},
		{"headers object keeps order", `{"value":"v","headers":{"z":"1","a":"2","n":null}}`, nil, s("v"), "z=1;a=2;n=<nil>", -1, -1, ""},
		{"headers pairs", `{"value":"v","headers":[["a","1"],["a","2"]]}`, nil, s("v"), "a=1;a=2", -1, -1, ""},
		{"headers key/value objects", `{"value":"v","headers":[{"key":"a","value":"1"}]}`, nil, s("v"), "a=1", -1, -1, ""},
		{"partition and ms timestamp", `{"value":"v","partition":3,"timestamp":1700000000000}`, nil, s("v"), "", 3, 1700000000000, ""},
		{"time string", `{"value":"v","timestamp":"2026-11-20T10:00:00Z"}`, nil, s("v"), "", -1, now.UnixMilli(), ""},
		{"kafkit consume -J output", `{"topic":"t","partition":2,"offset":5,"timestamp":1764000000000,"key":"k","value":"AAE=","value_encoding":"base64","headers":[{"key":"h","value":"/w==","value_encoding":"base64"},{"key":"n","value":null}]}`, s("k"), s("\x00\x01"), "h=\xff;n=<nil>", 2, 1764000000000, ""},
		{"bad encoding", `{"value":"v","value_encoding":"hex"}`, nil, nil, "", 0, 0, `"value_encoding" must be "base64" (or absent), not "hex"`},
		{"unknown fields ignored", `{"topic":"t","offset":5,"value":"v"}`, nil, s("v"), "", -1, -1, ""},
		{"surrounding spaces", "  {\"value\":\"v\"}  ", nil, s("v"), "", -1, -1, ""},
		{"malformed", `{"value":"v"`, nil, nil, "", 0, 0, "invalid JSON: unexpected end of JSON input (at byte 12)"},
		{"not an object", `["v"]`, nil, nil, "", 0, 0, `not a JSON object: each line must be one object such as {"key":"k","value":"v"}`},
		{"plain text", `hello`, nil, nil, "", 0, 0, `not a JSON object: each line must be one object such as {"key":"k","value":"v"}`},
		{"empty line", ``, nil, nil, "", 0, 0, `not a JSON object: each line must be one object such as {"key":"k","value":"v"}`},
		{"no value", `{"key":"k"}`, nil, nil, "", 0, 0, `no "value" or "value_b64" field (use "value": null for a null value)`},
		{"both value and b64", `{"value":"v","value_b64":"AA=="}`, nil, nil, "", 0, 0, `both "value" and "value_b64" given: use one`},
		{"bad base64", `{"value_b64":"!!"}`, nil, nil, "", 0, 0, `"value_b64" is not valid base64: illegal base64 data at input byte 0`},
		{"bad partition", `{"value":"v","partition":-1}`, nil, nil, "", 0, 0, `"partition" must be a partition number, not -1`},
		{"bad partition type", `{"value":"v","partition":"1"}`, nil, nil, "", 0, 0, `"partition" must be a partition number, not "1"`},
		{"bad timestamp", `{"value":"v","timestamp":1.5}`, nil, nil, "", 0, 0, `"timestamp" must be unix milliseconds or a time such as "2026-11-20T10:00:00Z", not 1.5`},
		{"bad headers", `{"value":"v","headers":"x"}`, nil, nil, "", 0, 0, `"headers" must be an object {"k":"v"} or a list [["k","v"]] / [{"key":"k","value":"v"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p parsed
			err := parseJSONLine([]byte(tt.line), now, &p)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkBytes(t, "key", p.key, tt.key)
			checkBytes(t, "value", p.value, tt.value)
			var hs []string
			for _, h := range p.headers {
				v := string(h.value)
				if h.value == nil {
					v = "<nil>"
				}
				hs = append(hs, h.key+"="+v)
			}
			if got := strings.Join(hs, ";"); got != tt.headers {
				t.Errorf("headers = %s, want %s", got, tt.headers)
			}
			if p.partition != tt.partition || p.timestamp != tt.timestamp {
				t.Errorf("partition/timestamp = %d/%d, want %d/%d", p.partition, p.timestamp, tt.partition, tt.timestamp)
			}
		})
	}
}

func TestReadRaw(t *testing.T) {
	bin := []byte{0, 1, 2, '\n', '\r', 0xff}
	b, err := readRaw(bytes.NewReader(bin), 6)
	if err != nil || !bytes.Equal(b, bin) {
		t.Fatalf("readRaw = %q, %v", b, err)
	}
	b, err = readRaw(strings.NewReader(""), 6)
	if err != nil || b == nil || len(b) != 0 {
		t.Fatalf("empty input: %q (nil %v), %v; want an empty non-null value", b, b == nil, err)
	}
	_, err = readRaw(bytes.NewReader(make([]byte, 1000)), 10)
	var tl *lineTooLongError
	if !errors.As(err, &tl) || tl.Size != 1000 {
		t.Fatalf("oversized: %v, want size 1000", err)
	}
}

func TestRecordBatchSize(t *testing.T) {
	// The size kgo uses to fit a lone record in a batch: build batches of one record and
	// compare with the client's own accounting through ProducerBatchMaxBytes would need a
	// broker; instead check the arithmetic on known encodings.
	tests := []struct {
		key, value []byte
		hs         []kgo.RecordHeader
		want       int
	}{
		// body: attrs, ts delta, offset delta (3) + key -1 (1) + value len 1 + 5 bytes + 0 headers (1) = 11; length prefix 1
		{nil, []byte("hello"), nil, 65 + 1 + 11},
		// key "k" (1+1), value 200 bytes (2+200), 1 header "h"="v" (1+1+1+1): body 3+2+202+1+4 = 212, prefix 2
		{[]byte("k"), make([]byte, 200), []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}, 65 + 2 + 212},
	}
	for _, tt := range tests {
		if got := recordBatchSize(tt.key, tt.value, tt.hs); got != tt.want {
			t.Errorf("recordBatchSize(%d, %d, %d headers) = %d, want %d", len(tt.key), len(tt.value), len(tt.hs), got, tt.want)
		}
	}
}

func FuzzLineFormat(f *testing.F) {
	f.Add([]byte("k,v"), []byte(","), true, []byte("NULL"))
	f.Add([]byte("NULL"), []byte("::"), false, []byte("NULL"))
	f.Add([]byte(""), []byte("\t"), true, []byte(""))
	f.Fuzz(func(t *testing.T, line, sep []byte, allow bool, marker []byte) {
		if len(sep) == 0 {
			sep = nil
		}
		lf := lineFormat{sep: sep, allowMissingKey: allow, nullMarker: marker}
		var p parsed
		if err := lf.parse(line, &p); err != nil {
			if sep == nil || allow || bytes.Contains(line, sep) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// Nothing is lost: key + sep + value is the line, unless a null marker replaced a part.
		if sep != nil && p.key != nil && p.value != nil {
			if got := string(p.key) + string(sep) + string(p.value); got != string(line) {
				t.Fatalf("key %q + value %q != line %q", p.key, p.value, line)
			}
		}
		if p.value != nil && len(marker) > 0 && bytes.Equal(p.value, marker) {
			t.Fatalf("value equal to the null marker was not nulled")
		}
	})
}

func FuzzParseJSONLine(f *testing.F) {
	f.Add([]byte(`{"key":"k","value":{"a":1},"headers":{"h":"v"},"partition":1,"timestamp":5}`))
	f.Add([]byte(`{"key_b64":"AA==","value_b64":null,"headers":[["a","b"]]}`))
	f.Add([]byte(`{"value":"x","timestamp":"-1h"}`))
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, line []byte) {
		var p parsed
		if err := parseJSONLine(line, now, &p); err != nil {
			if strings.Contains(err.Error(), "json.") || strings.Contains(err.Error(), "produce.") {
				t.Fatalf("error shows a Go type: %v", err)
			}
			return
		}
		if p.partition < -1 || p.timestamp < -1 {
			t.Fatalf("bad partition/timestamp %d/%d", p.partition, p.timestamp)
		}
	})
}

func FuzzLineReader(f *testing.F) {
	f.Add([]byte("a\r\nb\n\nc"), 4)
	f.Add([]byte(strings.Repeat("x", 100)+"\n"), 10)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 1 || max > 1<<16 {
			return
		}
		lr := newLineReader(bytes.NewReader(in), max)
		total := 0
		for {
			b, n, err := lr.next()
			total += n
			if err == io.EOF {
				break
			}
			var tl *lineTooLongError
			if errors.As(err, &tl) {
				if tl.Size <= max {
					t.Fatalf("too long at %d bytes with max %d", tl.Size, max)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.IndexByte(b, '\n') >= 0 {
				t.Fatalf("line %q holds a newline", b)
			}
		}
		if total != len(in) {
			t.Fatalf("consumed %d of %d bytes", total, len(in))
		}
	})
}
