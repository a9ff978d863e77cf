package consume

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/text"
)

// A formatter appends one record, with its trailing newline if the format has one, to b. It
// never allocates per record beyond growing b: the hot path of consume is append-only.
type formatter interface {
	appendRecord(b []byte, r *kgo.Record) []byte
}

// nullLiteral is what the default and --print outputs show for a null key or value, as the
// console consumer does.
const nullLiteral = "null"

// valueFormat is the default output: the value, one per line.
type valueFormat struct{}

func (valueFormat) appendRecord(b []byte, r *kgo.Record) []byte {
	if r.Value == nil {
		b = append(b, nullLiteral...)
	} else {
		b = append(b, r.Value...)
	}
	return append(b, '\n')
}

// ---------------------------------------------------------------------------------------------
// -f/--format templates (kcat's tokens)

type tokKind uint8

const (
	tokLiteral    tokKind = iota
	tokTopic              // %t
	tokPartition          // %p
	tokOffset             // %o
	tokKey                // %k
	tokKeyLen             // %K (-1 for null)
	tokValue              // %s
	tokValueLen           // %S (-1 for null)
	tokValueLenBE         // %R big-endian int32 length (-1 for null)
	tokHeaders            // %h k=v,k2=v2
	tokTimestamp          // %T unix milliseconds
	tokTime               // %d RFC 3339 (UTC, milliseconds)
)

type token struct {
	kind tokKind
	lit  []byte
}

// templateTokens is the help text's list of tokens, also used in parse errors.
const templateTokens = `%t topic, %p partition, %o offset, %k key, %K key length, %s value, %S value length, %R value length as 4 big-endian bytes, %h headers (k=v,k2=v2), %T timestamp (unix ms), %d timestamp (RFC 3339), %% a percent sign; escapes \n \t \r \\ \xHH`

// templateKinds maps the letter after % to its token.
var templateKinds = map[byte]tokKind{
	't': tokTopic, 'p': tokPartition, 'o': tokOffset, 'k': tokKey, 'K': tokKeyLen, 's': tokValue,
	'S': tokValueLen, 'R': tokValueLenBE, 'h': tokHeaders, 'T': tokTimestamp, 'd': tokTime,
}

// parseTemplate reads a kcat-style format string (kcat -f): %-tokens and backslash escapes
// (text.Unescape's, the same as produce -K and consume --separator). It is pure; errors name
// the offending token or escape and list the valid ones.
func parseTemplate(s string) ([]token, error) {
	var toks []token
	var lit []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("format %q ends with a lone %%: write %%%% for a percent sign", s)
			}
			i++
			if s[i] == '%' {
				lit = append(lit, '%')
				continue
			}
			k, ok := templateKinds[s[i]]
			if !ok {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return nil, fmt.Errorf("unknown token %%%c in format %q: use %s", r, s, templateTokens)
			}
			if len(lit) > 0 {
				toks = append(toks, token{kind: tokLiteral, lit: lit})
				lit = nil
			}
			toks = append(toks, token{kind: k})
		case '\\':
			n := 2 // \n, or \xHH
			if i+1 < len(s) && s[i+1] == 'x' {
				n = 4
			}
			n = min(n, len(s)-i)
			u, err := text.Unescape(s[i : i+n])
			if err != nil {
				return nil, fmt.Errorf("format %q: %v", s, err)
			}
			lit = append(lit, u...)
			i += n - 1
		default:
			lit = append(lit, s[i])
		}
	}
	if len(lit) > 0 {
		toks = append(toks, token{kind: tokLiteral, lit: lit})
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty format: use %s", templateTokens)
	}
	return toks, nil
}

type templateFormat struct{ toks []token }

func (f templateFormat) appendRecord(b []byte, r *kgo.Record) []byte {
	for i := range f.toks {
		t := &f.toks[i]
		switch t.kind {
		case tokLiteral:
			b = append(b, t.lit...)
		case tokTopic:
			b = append(b, r.Topic...)
		case tokPartition:
			b = strconv.AppendInt(b, int64(r.Partition), 10)
		case tokOffset:
			b = strconv.AppendInt(b, r.Offset, 10)
		case tokKey:
			b = append(b, r.Key...)
		case tokKeyLen:
			b = strconv.AppendInt(b, bytesLen(r.Key), 10)
		case tokValue:
			b = append(b, r.Value...)
		case tokValueLen:
			b = strconv.AppendInt(b, bytesLen(r.Value), 10)
		case tokValueLenBE:
			b = binary.BigEndian.AppendUint32(b, uint32(int32(bytesLen(r.Value))))
		case tokHeaders:
			for j, h := range r.Headers {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, h.Key...)
				b = append(b, '=')
				if h.Value == nil {
					b = append(b, "NULL"...) // as kcat prints a null header value
				} else {
					b = append(b, h.Value...)
				}
			}
		case tokTimestamp:
			b = strconv.AppendInt(b, r.Timestamp.UnixMilli(), 10)
		case tokTime:
			b = r.Timestamp.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		}
	}
	return b
}

// bytesLen is len(p), or -1 for null, as kcat prints lengths.
func bytesLen(p []byte) int64 {
	if p == nil {
		return -1
	}
	return int64(len(p))
}

// ---------------------------------------------------------------------------------------------
// -J/--json

// jsonFormat writes one object per line:
//
//	{"topic":"t","partition":0,"offset":5,"timestamp":1764000000000,"key":"k","value":"v","headers":[{"key":"h","value":"x"}]}
//
// Null keys and values are null; bytes that are not valid UTF-8 are base64 with a
// "<field>_encoding":"base64" field after them. With embedJSON a value that is valid JSON is
// embedded as JSON (compacted to one line).
type jsonFormat struct {
	embedJSON bool
}

func (f jsonFormat) appendRecord(b []byte, r *kgo.Record) []byte {
	b = append(b, `{"topic":`...)
	b = appendJSONString(b, r.Topic)
	b = append(b, `,"partition":`...)
	b = strconv.AppendInt(b, int64(r.Partition), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, r.Offset, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, r.Timestamp.UnixMilli(), 10)
	b = appendJSONBytesField(b, "key", r.Key, false)
	b = appendJSONBytesField(b, "value", r.Value, f.embedJSON)
	b = append(b, `,"headers":[`...)
	for i, h := range r.Headers {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, h.Key)
		b = appendJSONBytesField(b, "value", h.Value, false)
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendJSONBytesField appends `,"name":<data>` and, for bytes that are not UTF-8, the
// `,"name_encoding":"base64"` marker.
func appendJSONBytesField(b []byte, name string, data []byte, embedJSON bool) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	switch {
	case data == nil:
		return append(b, "null"...)
	case embedJSON && json.Valid(data):
		if bytes.ContainsAny(data, "\n\r") {
			var buf bytes.Buffer
			_ = json.Compact(&buf, data) // valid, so it cannot fail
			return append(b, buf.Bytes()...)
		}
		return append(b, data...)
	case utf8.Valid(data):
		return appendJSONString(b, data)
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	b = append(b, `","`...)
	b = append(b, name...)
	return append(b, `_encoding":"base64"`...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. s must be valid UTF-8 (invalid bytes become
// U+FFFD, as encoding/json does).
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		// U+2028 and U+2029 break JavaScript parsers that read JSON lines as code.
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// ---------------------------------------------------------------------------------------------
// --print key,timestamp,partition,offset,headers (the console consumer's print.* properties)

// printFields are the fields --print accepts, in the order they are printed (the console
// consumer's order); the value comes last unless --no-value.
var printFields = []string{"timestamp", "partition", "offset", "epoch", "headers", "key"}

// printFormat is the console consumer's DefaultMessageFormatter: sep between fields, lineSep
// after the last one (no line at all when nothing is printed), null for a null key, value or
// header value.
type printFormat struct {
	timestamp, partition, offset, epoch, headers, key bool
	noValue                                           bool
	sep                                               string
	lineSep, headersSep, null                         string
}

// parsePrint reads --print's comma-separated list; "value" is accepted and printed unless
// noValue is set after.
func parsePrint(list, sep string) (printFormat, error) {
	p := printFormat{sep: sep, lineSep: "\n", headersSep: ",", null: nullLiteral}
	for _, f := range strings.Split(list, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "timestamp":
			p.timestamp = true
		case "partition":
			p.partition = true
		case "offset":
			p.offset = true
		case "epoch":
			p.epoch = true
		case "headers":
			p.headers = true
		case "key":
			p.key = true
		case "value", "":
		case "all":
			p.timestamp, p.partition, p.offset, p.headers, p.key = true, true, true, true, true
		default:
			return p, fmt.Errorf("unknown --print field %q: use a comma-separated list of %s, value or all", f, strings.Join(printFields, ", "))
		}
	}
	return p, nil
}

// appendRecord prints like kafka-console-consumer with print.timestamp=true etc.:
// CreateTime:1764000000000<sep>Partition:0<sep>Offset:5<sep>h1:v1,h2:v2<sep>key<sep>value
func (p printFormat) appendRecord(b []byte, r *kgo.Record) []byte {
	// left counts the fields still to print: each one ends with sep, the last with lineSep.
	left := count(p.timestamp, p.partition, p.offset, p.epoch, p.headers, p.key, !p.noValue)
	end := func(b []byte) []byte {
		left--
		if left > 0 {
			return append(b, p.sep...)
		}
		return append(b, p.lineSep...)
	}
	if p.timestamp {
		if r.Attrs.TimestampType() == 1 {
			b = append(b, "LogAppendTime:"...)
		} else {
			b = append(b, "CreateTime:"...)
		}
		b = end(strconv.AppendInt(b, r.Timestamp.UnixMilli(), 10))
	}
	if p.partition {
		b = end(strconv.AppendInt(append(b, "Partition:"...), int64(r.Partition), 10))
	}
	if p.offset {
		b = end(strconv.AppendInt(append(b, "Offset:"...), r.Offset, 10))
	}
	if p.epoch {
		b = append(b, "Epoch:"...)
		if r.LeaderEpoch < 0 {
			b = end(append(b, "NOT_PRESENT"...))
		} else {
			b = end(strconv.AppendInt(b, int64(r.LeaderEpoch), 10))
		}
	}
	if p.headers {
		b = end(p.appendHeaders(b, r.Headers))
	}
	if p.key {
		b = end(p.appendOrNull(b, r.Key))
	}
	if !p.noValue {
		b = end(p.appendOrNull(b, r.Value))
	}
	return b
}

func (p printFormat) appendHeaders(b []byte, hs []kgo.RecordHeader) []byte {
	if len(hs) == 0 {
		return append(b, "NO_HEADERS"...)
	}
	for i, h := range hs {
		if i > 0 {
			b = append(b, p.headersSep...)
		}
		b = append(b, h.Key...)
		b = append(b, ':')
		b = p.appendOrNull(b, h.Value)
	}
	return b
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func (p printFormat) appendOrNull(b, v []byte) []byte {
	if v == nil {
		return append(b, p.null...)
	}
	return append(b, v...)
}
