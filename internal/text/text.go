// Package text holds the small pure text helpers every command family shares: the escape
// parser for separators typed in a shell, plurals, escaping of names for tables, and the
// de-duplication of names typed more than once.
package text

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unescape turns the escapes people type in a shell into the characters, as kcat does for -K
// and -D: \t \n \r \0 \\ \" \' and \xHH (two hex digits). Anything else after a backslash, or a
// trailing lone backslash, is an error that says which escape is bad, so '\x' or '\q' is never
// taken literally.
func Unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%q ends with a lone backslash: write \\\\ for a backslash", s)
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case '\\', '"', '\'':
			b.WriteByte(s[i])
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf("bad escape \\x in %q: write two hex digits, as in \\x01", s)
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("bad escape \\x%s in %q: write two hex digits, as in \\x01", s[i+1:i+3], s)
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q: use \\t, \\n, \\r, \\0, \\\\ or \\xHH", s[i], s)
		}
	}
	return b.String(), nil
}

// Plural returns word for n == 1 and word+"s" otherwise ("topic", "topics").
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Count returns "1 topic" / "2 topics".
func Count(n int, word string) string {
	return strconv.Itoa(n) + " " + Plural(n, word)
}

// Safe makes a name from the cluster safe to print in a table or a message on a terminal:
// control characters (C0, DEL, C1, including ESC and newlines) and invalid UTF-8 are written as
// Go escapes (\n, \x1b), so a hostile name can neither add a row nor change the terminal's
// colours. Printable text, including non-ASCII letters, is unchanged.
func Safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r < 0xa0) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Unique keeps the first of each string, in the order given ("a,b,a" → "a,b"), so a name typed
// twice on a command line is acted on once.
func Unique(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// SortedUnique is Unique, sorted.
func SortedUnique(ss []string) []string {
	out := Unique(ss)
	sort.Strings(out)
	return out
}
