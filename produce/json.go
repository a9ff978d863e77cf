package produce

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/kafkit/kafkit/internal/offsetspec"
)

// jsonLine is one line of the `json` input. Every field is raw so that errors name the field
// in the user's terms rather than a Go type. Unknown fields (offset, topic ... as printed by a
// consumer) are ignored, so consumed JSON can be produced again.
type jsonLine struct {
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
	KeyB64    json.RawMessage `json:"key_b64"`
	ValueB64  json.RawMessage `json:"value_b64"`
	Headers   json.RawMessage `json:"headers"`
	Partition json.RawMessage `json:"partition"`
	Timestamp json.RawMessage `json:"timestamp"`
	// kafkit consume -J marks bytes that are not UTF-8 this way (the field holds base64).
	KeyEncoding   string `json:"key_encoding"`
	ValueEncoding string `json:"value_encoding"`
}

// parseJSONLine reads one JSON object: key and value are strings (sent as is), null, or any
// other JSON (sent compact); key_b64/value_b64 carry binary; headers are an object or a list
// of [key, value] pairs or {"key":..,"value":..} objects; partition is a number; timestamp is
// unix milliseconds or a time string (see offsetspec.ParseTime). Errors say which field is
// wrong; the caller adds the line number.
func parseJSONLine(line []byte, now time.Time, p *parsed) error {
	*p = parsed{partition: -1, timestamp: -1}
	t := bytes.TrimSpace(line)
	if len(t) == 0 || t[0] != '{' {
		return errors.New(`not a JSON object: each line must be one object such as {"key":"k","value":"v"}`)
	}
	var jl jsonLine
	if err := json.Unmarshal(t, &jl); err != nil {
		return fmt.Errorf("invalid JSON: %s", jsonErr(err))
	}
	var err error
	if jl.Key, jl.KeyB64, err = encoded("key", jl.Key, jl.KeyB64, jl.KeyEncoding); err != nil {
		return err
	}
	if jl.Value, jl.ValueB64, err = encoded("value", jl.Value, jl.ValueB64, jl.ValueEncoding); err != nil {
		return err
	}
	if p.key, err = jsonBytes("key", jl.Key, jl.KeyB64); err != nil {
		return err
	}
	if len(jl.Value) == 0 && len(jl.ValueB64) == 0 {
		return errors.New(`no "value" or "value_b64" field (use "value": null for a null value)`)
	}
	if p.value, err = jsonBytes("value", jl.Value, jl.ValueB64); err != nil {
		return err
	}
	if len(jl.Headers) > 0 && !isNull(jl.Headers) {
		if p.headers, err = jsonHeaders(jl.Headers); err != nil {
			return err
		}
	}
	if len(jl.Partition) > 0 && !isNull(jl.Partition) {
		n, err := strconv.ParseInt(string(jl.Partition), 10, 32)
		if err != nil || n < 0 {
			return fmt.Errorf(`"partition" must be a partition number, not %s`, clipJSON(jl.Partition))
		}
		p.partition = int32(n)
	}
	if len(jl.Timestamp) > 0 && !isNull(jl.Timestamp) {
		if p.timestamp, err = jsonTimestamp(jl.Timestamp, now); err != nil {
			return err
		}
	}
	return nil
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// encoded applies a "<name>_encoding" marker (as kafkit consume -J writes for bytes that are
// not UTF-8): with "base64", the field is read as if it were "<name>_b64".
func encoded(name string, raw, b64 json.RawMessage, enc string) (json.RawMessage, json.RawMessage, error) {
	switch enc {
	case "", "utf8", "utf-8", "string":
		return raw, b64, nil
	case "base64":
		if len(b64) > 0 {
			return nil, nil, fmt.Errorf("both %q and %q given: use one", name, name+"_b64")
		}
		return nil, raw, nil
	}
	return nil, nil, fmt.Errorf("%q must be \"base64\" (or absent), not %q", name+"_encoding", enc)
}

// jsonBytes decodes key/value or its _b64 twin; giving both is an error.
func jsonBytes(name string, raw, b64 json.RawMessage) ([]byte, error) {
	if len(raw) > 0 && len(b64) > 0 {
		return nil, fmt.Errorf("both %q and %q given: use one", name, name+"_b64")
	}
	if len(b64) > 0 {
		if isNull(b64) {
			return nil, nil
		}
		var s string
		if err := json.Unmarshal(b64, &s); err != nil {
			return nil, fmt.Errorf("%q must be a base64 string", name+"_b64")
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not valid base64: %v", name+"_b64", err)
		}
		return b, nil
	}
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%q: %s", name, jsonErr(err))
		}
		return []byte(s), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("%q: %s", name, jsonErr(err))
	}
	return buf.Bytes(), nil
}

// jsonHeaders reads headers as an object (order kept) or a list of pairs.
func jsonHeaders(raw json.RawMessage) ([]header, error) {
	const usage = `"headers" must be an object {"k":"v"} or a list [["k","v"]] / [{"key":"k","value":"v"}]`
	switch raw[0] {
	case '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		if _, err := dec.Token(); err != nil {
			return nil, errors.New(usage)
		}
		var hs []header
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, errors.New(usage)
			}
			k, _ := tok.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, errors.New(usage)
			}
			hv, err := headerValue(k, v)
			if err != nil {
				return nil, err
			}
			hs = append(hs, header{key: k, value: hv})
		}
		return hs, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, errors.New(usage)
		}
		hs := make([]header, 0, len(items))
		for _, it := range items {
			var k string
			var v json.RawMessage
			if len(it) > 0 && it[0] == '[' {
				var pair []json.RawMessage
				if err := json.Unmarshal(it, &pair); err != nil || len(pair) != 2 || json.Unmarshal(pair[0], &k) != nil {
					return nil, errors.New(usage)
				}
				v = pair[1]
			} else if len(it) > 0 && it[0] == '{' {
				var kv struct {
					Key      *string         `json:"key"`
					Value    json.RawMessage `json:"value"`
					Encoding string          `json:"value_encoding"`
				}
				if err := json.Unmarshal(it, &kv); err != nil || kv.Key == nil {
					return nil, errors.New(usage)
				}
				k, v = *kv.Key, kv.Value
				if kv.Encoding != "" {
					_, b64, err := encoded("headers."+k+".value", v, nil, kv.Encoding)
					if err != nil {
						return nil, err
					}
					hv, err := jsonBytes("headers."+k, nil, b64)
					if err != nil {
						return nil, err
					}
					hs = append(hs, header{key: k, value: hv})
					continue
				}
			} else {
				return nil, errors.New(usage)
			}
			hv, err := headerValue(k, v)
			if err != nil {
				return nil, err
			}
			hs = append(hs, header{key: k, value: hv})
		}
		return hs, nil
	}
	return nil, errors.New(usage)
}

// headerValue is a string, null, or other JSON sent compact.
func headerValue(k string, v json.RawMessage) ([]byte, error) {
	b, err := jsonBytes("headers."+k, v, nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// jsonTimestamp is unix milliseconds or a time string.
func jsonTimestamp(raw json.RawMessage, now time.Time) (int64, error) {
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf(`"timestamp": %s`, jsonErr(err))
		}
		ms, err := offsetspec.ParseTime(s, now)
		if err != nil {
			return 0, fmt.Errorf(`"timestamp": %v`, err)
		}
		return ms, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return 0, fmt.Errorf(`"timestamp" must be unix milliseconds or a time such as "2026-11-20T10:00:00Z", not %s`, clipJSON(raw))
	}
	return int64(f), nil
}

// jsonErr words encoding/json's errors without Go type names.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("unexpected %s for %q", te.Value, te.Field)
	}
	return err.Error()
}

func clipJSON(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}
