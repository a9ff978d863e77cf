package compat

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// javaDateTime parses a --to-datetime value as Kafka's Utils.getDateTime does:
// yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (Z, +hh:mm, +hh); without a zone it is UTC.
// It returns unix milliseconds.
func javaDateTime(s string) (int64, error) {
	_, clock, ok := strings.Cut(s, "T")
	if !ok || clock == "" {
		return 0, fmt.Errorf("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format")
	}
	if !strings.ContainsAny(clock, "+-Z") {
		s += "Z"
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05.000Z07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("Unparseable date: %q", s)
}

// javaDuration parses an ISO 8601 duration as java.time.Duration.parse does: [-]PnDTnHnMn.nS,
// each part optional but at least one, letters in any case.
func javaDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("Text cannot be parsed to a Duration: %s", s)
	u := strings.ToUpper(s)
	neg := false
	switch {
	case strings.HasPrefix(u, "-"):
		neg, u = true, u[1:]
	case strings.HasPrefix(u, "+"):
		u = u[1:]
	}
	if !strings.HasPrefix(u, "P") {
		return 0, bad
	}
	days, clock, hasT := strings.Cut(u[1:], "T")
	if (hasT && clock == "") || (days == "" && clock == "") {
		return 0, bad
	}
	var total time.Duration
	if days != "" {
		n, ok := strings.CutSuffix(days, "D")
		d, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			return 0, bad
		}
		total += time.Duration(d) * 24 * time.Hour
	}
	rest, err := clockParts(clock)
	if err != nil {
		return 0, bad
	}
	total += rest
	if neg {
		total = -total
	}
	return total, nil
}

// clockParts reads the nHnMn.nS part of a duration, in that order.
func clockParts(s string) (time.Duration, error) {
	var total time.Duration
	units := []struct {
		letter string
		unit   time.Duration
	}{{"H", time.Hour}, {"M", time.Minute}, {"S", time.Second}}
	for _, u := range units {
		i := strings.Index(s, u.letter)
		if i < 0 {
			continue
		}
		num := s[:i]
		s = s[i+1:]
		if u.letter == "S" {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || num == "" || strings.ContainsAny(num, "eE") {
				return 0, fmt.Errorf("bad seconds")
			}
			total += time.Duration(f * float64(time.Second))
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, err
		}
		total += time.Duration(n) * u.unit
	}
	if s != "" {
		return 0, fmt.Errorf("trailing %q", s)
	}
	return total, nil
}
