// Package offsetspec parses the user's ways of naming a position in a partition: start, end,
// an offset, an offset relative to start or end, or a point in time. Parsing is pure: the clock
// is an argument.
package offsetspec

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is what a Spec refers to.
type Kind int

// The kinds of position.
const (
	Start     Kind = iota // the log start offset (earliest)
	End                   // the high watermark (latest)
	Exact                 // Offset itself
	FromStart             // log start + Offset
	FromEnd               // high watermark - Offset
	Time                  // the first offset whose timestamp is >= Millis
)

// Spec is a parsed position.
type Spec struct {
	Kind   Kind
	Offset int64 // Exact, FromStart, FromEnd (always >= 0)
	Millis int64 // Time: unix milliseconds
}

func (s Spec) String() string {
	switch s.Kind {
	case Start:
		return "start"
	case End:
		return "end"
	case Exact:
		return strconv.FormatInt(s.Offset, 10)
	case FromStart:
		return "+" + strconv.FormatInt(s.Offset, 10)
	case FromEnd:
		return "-" + strconv.FormatInt(s.Offset, 10)
	case Time:
		return "@" + time.UnixMilli(s.Millis).UTC().Format(time.RFC3339Nano)
	}
	return "?"
}

// Parse reads an offset spec:
//
//	start | earliest | beginning     the log start offset
//	end | latest                     the high watermark
//	N                                offset N
//	+N                               N after the start
//	-N                               N before the end (the last N records)
//	@2026-11-20T10:00:00Z            first offset at or after that time (RFC 3339, or 2006-01-02[T15:04:05] in UTC)
//	@1763632800000                   the same with unix milliseconds
//	@-1h, @-30m, @-2d                that long before now
//
// Errors list the accepted forms.
func Parse(s string, now time.Time) (Spec, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "start", "earliest", "beginning", "oldest", "first":
		return Spec{Kind: Start}, nil
	case "end", "latest", "newest", "last":
		return Spec{Kind: End}, nil
	case "":
		return Spec{}, fmt.Errorf("empty offset: %s", forms)
	}
	if strings.HasPrefix(t, "@") {
		ms, err := ParseTime(t[1:], now)
		if err != nil {
			return Spec{}, err
		}
		return Spec{Kind: Time, Millis: ms}, nil
	}
	kind := Exact
	num := t
	switch t[0] {
	case '+':
		kind, num = FromStart, t[1:]
	case '-':
		kind, num = FromEnd, t[1:]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || num == "" || num[0] == '+' || num[0] == '-' {
		return Spec{}, fmt.Errorf("bad offset %q: %s", s, forms)
	}
	return Spec{Kind: kind, Offset: n}, nil
}

const forms = "use start, end, N, +N (after start), -N (before end), @2026-11-20T10:00:00Z, @<unix-ms> or @-1h"

// ParseTime reads a point in time: RFC 3339 (with or without fraction or zone: a zoneless time
// is UTC), a date, unix milliseconds, or a negative duration before now (-1h, -90s, -2d).
func ParseTime(s string, now time.Time) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty time: use 2026-11-20T10:00:00Z, unix milliseconds, or -1h")
	}
	if t[0] == '-' {
		d, err := ParseDuration(t[1:])
		if err != nil {
			return 0, fmt.Errorf("bad relative time %q: use a duration before now such as -1h, -30m, -2d", s)
		}
		return now.Add(-d).UnixMilli(), nil
	}
	if ms, err := strconv.ParseInt(t, 10, 64); err == nil {
		if ms < 0 {
			return 0, fmt.Errorf("bad time %q: unix milliseconds cannot be negative", s)
		}
		return ms, nil
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"}
	for _, l := range layouts {
		if tt, err := time.ParseInLocation(l, t, time.UTC); err == nil {
			return tt.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("bad time %q: use 2026-11-20T10:00:00Z (RFC 3339), 2026-11-20, unix milliseconds, or -1h", s)
}

// ParseDuration is time.ParseDuration plus days ("2d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		days, s = n, s[i+1:]
		if s == "" {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("bad duration %q: must not be negative", s)
	}
	return time.Duration(days)*24*time.Hour + d, nil
}
