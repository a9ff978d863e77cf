package compat

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// With parse.headers=true the Java LineMessageReader reads
// headers<headers.delimiter>[key<key.separator>]value lines; kafkit produce has no such line
// format, so compat parses each line as the Java reader does and hands kafkit produce the
// record as a JSON line (--input json): the same engine sends it.

// headersReader is LineMessageReader's configuration with parse.headers=true.
type headersReader struct {
	parseKey, ignoreError           bool
	keySep, delimiter, headerKeySep string
	headersSep                      *regexp.Regexp // headers.separator is a regular expression
	nullMarker                      string
	hasNull                         bool
}

// newHeadersReader reads the reader properties; the Java reader's checks are usage errors.
func newHeadersReader(reader map[string]string) (*headersReader, error) {
	get := func(k, def string) string {
		if v, ok := reader[k]; ok {
			return v
		}
		return def
	}
	on := func(k string) bool { return strings.EqualFold(strings.TrimSpace(reader[k]), "true") }
	r := &headersReader{parseKey: on("parse.key"), ignoreError: on("ignore.error"), keySep: get("key.separator", "\t"),
		delimiter: get("headers.delimiter", "\t"), headerKeySep: get("headers.key.separator", ":")}
	r.nullMarker, r.hasNull = reader["null.marker"]
	sep := get("headers.separator", ",")
	re, err := regexp.Compile(sep)
	if err != nil {
		return nil, cmdutil.UsageErrorf("kafka-console-producer.sh: headers.separator %q is not a regular expression kafkit reads: %v", sep, err)
	}
	r.headersSep = re
	pairs := [][2]string{{"headers.delimiter", "headers.separator"}, {"headers.delimiter", "headers.key.separator"}, {"headers.separator", "headers.key.separator"}}
	vals := map[string]string{"headers.delimiter": r.delimiter, "headers.separator": sep, "headers.key.separator": r.headerKeySep, "key.separator": r.keySep}
	if r.hasNull {
		for _, k := range []string{"key.separator", "headers.separator", "headers.delimiter", "headers.key.separator"} {
			pairs = append(pairs, [2]string{"null.marker", k})
		}
		vals["null.marker"] = r.nullMarker
	}
	for _, p := range pairs {
		if vals[p[0]] == vals[p[1]] {
			return nil, cmdutil.UsageErrorf("kafka-console-producer.sh: %s and %s may not be equal", p[0], p[1])
		}
	}
	return r, nil
}

// jsonRecord is the produce --input json line of one input line.
type jsonRecord struct {
	Key     *string      `json:"key"`
	Value   *string      `json:"value"`
	Headers [][2]*string `json:"headers"`
}

// record parses line n (from 1) as LineMessageReader does; errors are its KafkaException's.
func (r *headersReader) record(line string, n int) ([]byte, error) {
	var rec jsonRecord
	rest := line
	headers, ok, err := r.cut(&rest, r.delimiter, "headers delimiter", line, n)
	if err != nil {
		return nil, err
	}
	if ok && !(r.hasNull && headers == r.nullMarker) {
		if rec.Headers, err = r.splitHeaders(headers, n); err != nil {
			return nil, err
		}
	}
	if r.parseKey {
		key, ok, err := r.cut(&rest, r.keySep, "key separator", line, n)
		if err != nil {
			return nil, err
		}
		if ok {
			rec.Key = r.nullable(key)
		}
	}
	rec.Value = r.nullable(rest)
	if rec.Headers == nil {
		rec.Headers = [][2]*string{}
	}
	return json.Marshal(rec)
}

// cut takes what is before sep off rest; without sep it is an error unless ignore.error.
func (r *headersReader) cut(rest *string, sep, what, line string, n int) (string, bool, error) {
	before, after, ok := strings.Cut(*rest, sep)
	if !ok {
		if r.ignoreError {
			return "", false, nil
		}
		return "", false, fmt.Errorf("org.apache.kafka.common.KafkaException: No %s found on line number %d: '%s'", what, n, line)
	}
	*rest = after
	return before, true, nil
}

func (r *headersReader) nullable(s string) *string {
	if r.hasNull && s == r.nullMarker {
		return nil
	}
	return &s
}

func (r *headersReader) splitHeaders(s string, n int) ([][2]*string, error) {
	parts := r.headersSep.Split(s, -1)
	// Java's String.split drops trailing empty strings, except that no match at all gives
	// the input itself: "" splits into [""] (a pair without a key separator).
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	out := [][2]*string{}
	for _, pair := range parts {
		k, v, ok := strings.Cut(pair, r.headerKeySep)
		switch {
		case !ok && r.ignoreError:
			out = append(out, [2]*string{&pair, nil})
			continue
		case !ok:
			return nil, fmt.Errorf("org.apache.kafka.common.KafkaException: No header key separator found in pair '%s' on line number %d", pair, n)
		case r.hasNull && k == r.nullMarker:
			return nil, fmt.Errorf("org.apache.kafka.common.KafkaException: Header keys should not be equal to the null marker '%s' as they can't be null", r.nullMarker)
		}
		out = append(out, [2]*string{&k, r.nullable(v)})
	}
	return out, nil
}

// pipe feeds kafkit produce the JSON lines of in; a line the Java reader would refuse stops
// the input with its error (on errOut), as the Java producer stops.
func (r *headersReader) pipe(in io.Reader, errOut io.Writer) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<30)
		n := 0
		for sc.Scan() {
			n++
			b, err := r.record(strings.TrimSuffix(sc.Text(), "\r"), n)
			if err != nil {
				fmt.Fprintln(errOut, err)
				pw.CloseWithError(err)
				return
			}
			if _, err := pw.Write(append(b, '\n')); err != nil {
				return
			}
		}
		pw.CloseWithError(sc.Err())
	}()
	return pr
}
