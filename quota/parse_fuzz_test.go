package quota

import (
	"math"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// FuzzQuotaParseValues: any KEY=VALUE arguments either parse into finite, non-negative values
// of known keys, or are a usage error; never a panic.
func FuzzQuotaParseValues(f *testing.F) {
	for _, s := range []string{"producer_byte_rate=1048576", "request_percentage=12.5 consumer_byte_rate=1e6", "x=", "=1", "producer_byte_rate=NaN", "connection_creation_rate=-0"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, args string, ip bool) {
		e := kadm.ClientQuotaEntity{{Type: typeUser}}
		if ip {
			e = kadm.ClientQuotaEntity{{Type: typeIP}}
		}
		vals, err := ParseValues(strings.Fields(args), []kadm.ClientQuotaEntity{e})
		if err != nil {
			if cmdutil.ExitCode(err) != 2 {
				t.Fatalf("%q: not a usage error: %v", args, err)
			}
			return
		}
		for k, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || !contains(keysFor(e), k) {
				t.Fatalf("%q: accepted %s=%v", args, k, v)
			}
		}
	})
}
