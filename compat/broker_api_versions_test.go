package compat

import (
	"strings"
	"testing"
)

// The usable column follows the Java 4.1.1 client's ranges (javaAPIs), not kafkit's: a broker
// offering OffsetCommit 2-9 is usable at 9, one offering InitProducerId up to 7 at 6 (the
// Java client's latest), and keys the Java client does not know are UNKNOWN.
func TestAPIVersionsText(t *testing.T) {
	keys := map[int16][2]int16{
		0:   {0, 13},
		8:   {2, 9},
		22:  {0, 7},
		27:  {1, 1},
		1:   {0, 2},   // below the Java client's oldest Fetch (4)
		2:   {11, 12}, // above its latest ListOffsets (10)
		200: {0, 3},
	}
	got := apiVersionsText(keys)
	for _, want := range []string{
		"(\n\tProduce(0): 0 to 13 [usable: 13],\n\tFetch(1): 0 to 2 [unusable: node too old],\n\tListOffsets(2): 11 to 12 [unusable: node too new],\n\tMetadata(3): UNSUPPORTED,",
		"\tOffsetCommit(8): 2 to 9 [usable: 9],\n",
		"\tInitProducerId(22): 0 to 7 [usable: 6],\n",
		"\tWriteTxnMarkers(27): 1 [usable: 1],\n",
		"\tDeleteShareGroupOffsets(92): UNSUPPORTED,\n\tUNKNOWN(200): 0 to 3\n)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "LeaderAndIsr") || strings.Contains(got, "Vote(") {
		t.Errorf("broker-only APIs the broker did not offer are listed:\n%s", got)
	}
}
