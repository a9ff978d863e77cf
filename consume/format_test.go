package consume

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func testRecord() *kgo.Record {
	return &kgo.Record{
		Topic: "orders", Partition: 2, Offset: 42,
		Key: []byte("k1"), Value: []byte("hello"),
		Headers:   []kgo.RecordHeader{{Key: "h1", Value: []byte("v1")}, {Key: "h2", Value: nil}},
		Timestamp: time.UnixMilli(1764000000123),
	}
}

func TestParseTemplate(t *testing.T) {
	rec := testRecord()
	nullRec := &kgo.Record{Topic: "t", Partition: 0, Offset: 0, Timestamp: time.UnixMilli(0)}
	tests := []struct {
		tmpl string
		rec  *kgo.Record
		want string
	}{
		{`%s\n`, rec, "hello\n"},
		{`%t/%p@%o %k=%s\n`, rec, "orders/2@42 k1=hello\n"},
		{`%K %S\t%T`, rec, "2 5\t1764000000123"},
		{`%d`, rec, "2025-11-24T16:00:00.123Z"},
		{`%h`, rec, "h1=v1,h2=NULL"},
		{`100%% %o`, rec, "100% 42"},
		{`\x41\\\r`, rec, "A\\\r"},
		{`%k\x01%s\0\"`, rec, "k1\x01hello\x00\""},
		{`%R`, rec, "\x00\x00\x00\x05"},
		{`%R`, nullRec, "\xff\xff\xff\xff"},
		{`[%k][%s] %K %S %h`, nullRec, "[][] -1 -1 "},
		{`plain`, rec, "plain"},
		{`ü%oü`, rec, "ü42ü"},
	}
	for _, tt := range tests {
		toks, err := parseTemplate(tt.tmpl)
		if err != nil {
			t.Errorf("parseTemplate(%q): %v", tt.tmpl, err)
			continue
		}
		got := string(templateFormat{toks}.appendRecord(nil, tt.rec))
		if got != tt.want {
			t.Errorf("template %q: got %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"", "empty format"},
		{"%", "ends with a lone %"},
		{"abc%", "ends with a lone %"},
		{"%v", "unknown token %v"},
		{"%é", "unknown token %é"},
		{`\`, "ends with a lone backslash"},
		{`\q`, `unknown escape \q`},
		{`\x4`, `bad escape \x in "\\x4": write two hex digits`},
		{`\xzz`, `bad escape \xzz`},
		{`%s\x`, `bad escape \x`},
	}
	for _, tt := range tests {
		_, err := parseTemplate(tt.tmpl)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseTemplate(%q) = %v, want an error containing %q", tt.tmpl, err, tt.want)
		}
	}
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{`%t %p %o %k %K %s %S %R %h %T %d %%\n`, `\x00\t`, "%", `\`, "abc"} {
		f.Add(s)
	}
	rec := testRecord()
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := parseTemplate(s)
		if err != nil {
			if toks != nil {
				t.Fatalf("tokens with an error")
			}
			return
		}
		if len(toks) == 0 {
			t.Fatalf("no tokens and no error for %q", s)
		}
		_ = templateFormat{toks}.appendRecord(nil, rec)
		// A template without % or \ prints itself.
		if !strings.ContainsAny(s, `%\`) {
			if got := string(templateFormat{toks}.appendRecord(nil, rec)); got != s {
				t.Fatalf("literal %q printed as %q", s, got)
			}
		}
	})
}

func TestJSONFormat(t *testing.T) {
	tests := []struct {
		name  string
		rec   *kgo.Record
		embed bool
		want  string
	}{
		{"text", testRecord(), false,
			`{"topic":"orders","partition":2,"offset":42,"timestamp":1764000000123,"key":"k1","value":"hello","headers":[{"key":"h1","value":"v1"},{"key":"h2","value":null}]}` + "\n"},
		{"null and binary", &kgo.Record{Topic: "t", Key: nil, Value: []byte{0xff, 0x00, 0x01}, Timestamp: time.UnixMilli(5),
			Headers: []kgo.RecordHeader{{Key: "bin", Value: []byte{0xc3}}}}, false,
			`{"topic":"t","partition":0,"offset":0,"timestamp":5,"key":null,"value":"/wAB","value_encoding":"base64","headers":[{"key":"bin","value":"ww==","value_encoding":"base64"}]}` + "\n"},
		{"escapes", &kgo.Record{Topic: "t", Key: []byte("a\"b\\c\n\x01"), Value: []byte("\u2028é"), Timestamp: time.UnixMilli(0)}, false,
			`{"topic":"t","partition":0,"offset":0,"timestamp":0,"key":"a\"b\\c\n\u0001","value":"\u2028é","headers":[]}` + "\n"},
		{"embedded json", &kgo.Record{Topic: "t", Value: []byte("{\n \"a\": [1, 2]\n}"), Timestamp: time.UnixMilli(0)}, true,
			`{"topic":"t","partition":0,"offset":0,"timestamp":0,"key":null,"value":{"a":[1,2]},"headers":[]}` + "\n"},
		{"not json with --json-values", &kgo.Record{Topic: "t", Value: []byte("plain"), Timestamp: time.UnixMilli(0)}, true,
			`{"topic":"t","partition":0,"offset":0,"timestamp":0,"key":null,"value":"plain","headers":[]}` + "\n"},
	}
	for _, tt := range tests {
		got := string(jsonFormat{embedJSON: tt.embed}.appendRecord(nil, tt.rec))
		if got != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, tt.want)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil {
			t.Errorf("%s: not JSON: %v", tt.name, err)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	f.Add([]byte("a\"b\\c\n\x01\u2028é"))
	f.Add([]byte{0xff, 0xc3})
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := &kgo.Record{Topic: "t", Key: data, Value: data, Timestamp: time.UnixMilli(0)}
		line := jsonFormat{}.appendRecord(nil, rec)
		var v struct {
			Key         *string `json:"key"`
			KeyEncoding string  `json:"key_encoding"`
		}
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("invalid JSON %q: %v", line, err)
		}
		if v.KeyEncoding == "" && *v.Key != string(data) {
			t.Fatalf("key %q came back as %q", data, *v.Key)
		}
	})
}

func TestPrintFormat(t *testing.T) {
	tests := []struct {
		fields, sep string
		rec         *kgo.Record
		want        string
	}{
		{"key", "\t", testRecord(), "k1\thello\n"},
		{"all", "\t", testRecord(), "CreateTime:1764000000123\tPartition:2\tOffset:42\th1:v1,h2:null\tk1\thello\n"},
		{"offset,key", " | ", &kgo.Record{Offset: 7}, "Offset:7 | null | null\n"},
		{"headers", ",", &kgo.Record{Value: []byte("v")}, "NO_HEADERS,v\n"},
		{"value", "\t", testRecord(), "hello\n"},
	}
	for _, tt := range tests {
		p, err := parsePrint(tt.fields, tt.sep)
		if err != nil {
			t.Fatalf("parsePrint(%q): %v", tt.fields, err)
		}
		if got := string(p.appendRecord(nil, tt.rec)); got != tt.want {
			t.Errorf("--print %s: got %q, want %q", tt.fields, got, tt.want)
		}
	}
	extras := []struct {
		fields string
		edit   func(*printFormat)
		rec    *kgo.Record
		want   string
	}{
		{"key", func(p *printFormat) { p.noValue = true }, testRecord(), "k1\n"},
		{"", func(p *printFormat) { p.noValue = true }, testRecord(), ""}, // NoOpMessageFormatter
		{"key", func(p *printFormat) { p.lineSep, p.null = "|", "<nil>" }, &kgo.Record{Value: []byte("v")}, "<nil>\tv|"},
		{"headers", func(p *printFormat) { p.headersSep = ";" }, testRecord(), "h1:v1;h2:null\thello\n"},
		{"epoch,offset", func(p *printFormat) {}, &kgo.Record{Offset: 3, LeaderEpoch: 5, Value: []byte("v")}, "Offset:3\tEpoch:5\tv\n"},
		{"epoch", func(p *printFormat) {}, &kgo.Record{LeaderEpoch: -1, Value: []byte("v")}, "Epoch:NOT_PRESENT\tv\n"},
	}
	for _, tt := range extras {
		p, _ := parsePrint(tt.fields, "\t")
		tt.edit(&p)
		if got := string(p.appendRecord(nil, tt.rec)); got != tt.want {
			t.Errorf("--print %q with extras: got %q, want %q", tt.fields, got, tt.want)
		}
	}
	if _, err := parsePrint("key,colour", "\t"); err == nil || !strings.Contains(err.Error(), `unknown --print field "colour"`) {
		t.Errorf("bad field: %v", err)
	}
}

func TestValueFormat(t *testing.T) {
	if got := string(valueFormat{}.appendRecord(nil, testRecord())); got != "hello\n" {
		t.Errorf("got %q", got)
	}
	if got := string(valueFormat{}.appendRecord(nil, &kgo.Record{})); got != "null\n" {
		t.Errorf("null value: got %q", got)
	}
}

// BenchmarkFormats: formatting appends into a reused buffer without allocating.
func BenchmarkFormats(b *testing.B) {
	rec := testRecord()
	rec.Value = []byte(strings.Repeat("x", 100))
	toks, _ := parseTemplate(`%t %p %o %k %s %h %T\n`)
	pf, _ := parsePrint("all", "\t")
	for _, bc := range []struct {
		name string
		f    formatter
	}{{"value", valueFormat{}}, {"template", templateFormat{toks}}, {"json", jsonFormat{}}, {"print", pf}} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			for b.Loop() {
				buf = bc.f.appendRecord(buf[:0], rec)
			}
		})
	}
}
