package topic

// Small helpers the verbs share for messages and tables.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// optInt renders an optional number, "-" when it is missing.
func optInt(v *int64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(*v, 10)
}

// sortedKeys returns the keys of m in order, so that output never depends on map order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// int32List renders replica ids as "1,2,3".
func int32List(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// quoteList returns "a", "b" for error messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// notFoundError is `topic "foo" not found` or `topics "a", "b" not found` (exit 1).
func notFoundError(missing []string) error {
	if len(missing) == 1 {
		return fmt.Errorf("topic %q not found", missing[0])
	}
	return fmt.Errorf("topics %s not found", quoteList(missing))
}

// errorf prints one failed item on stderr, in the same "error: " form main uses.
func errorf(io *cmdutil.IOStreams, format string, args ...any) {
	fmt.Fprintf(io.ErrOut, "error: "+format+"\n", args...)
}

// warnf prints a warning on stderr; warnings are always shown (they are about the user's data).
func warnf(io *cmdutil.IOStreams, format string, args ...any) {
	fmt.Fprintf(io.ErrOut, "warning: "+format+"\n", args...)
}
