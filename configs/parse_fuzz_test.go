package configs

import (
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// FuzzConfigsParseChange: --set/--delete values either parse (every key non-empty, no key both
// set and deleted) or are a usage error.
func FuzzConfigsParseChange(f *testing.F) {
	for _, s := range []string{"a=1|b", "log.retention.ms=1=2|", "=x|y", "k=v|k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, del, _ := strings.Cut(in, "|")
		c, err := ParseChange(strings.Fields(set), strings.Fields(del))
		if err != nil {
			if cmdutil.ExitCode(err) != 2 {
				t.Fatalf("%q: %v", in, err)
			}
			return
		}
		for _, k := range c.Delete {
			if _, both := c.Set[k]; both || k == "" {
				t.Fatalf("%q: key %q", in, k)
			}
		}
		if len(c.Order) != len(c.Set) {
			t.Fatalf("%q: order %v set %v", in, c.Order, c.Set)
		}
	})
}
