package partition

import (
	"strings"
	"testing"
)

func TestEncodeJSON(t *testing.T) {
	got := string(EncodeJSON([]Assignment{{Topic: "b<&>", Partition: 1, Replicas: []int32{2, 3}}, {Topic: "a", Partition: 0, Replicas: []int32{1}}}))
	want := `{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[1],"log_dirs":["any"]},{"topic":"b<&>","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := string(EncodeJSON(nil)); got != `{"version":1,"partitions":[]}` {
		t.Fatalf("empty: %s", got)
	}
}

func TestDecodeJSON(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}`, ""},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}`, ""},
		{`{`, "not a reassignment JSON file"},
		{`{"version":2,"partitions":[]}`, `unsupported "version": 2`},
		{`{"version":1,"partitions":[]}`, "the plan lists no partitions"},
		{`{"partitions":[{"partition":0,"replicas":[1]}]}`, `partitions[0]: "topic" and "partition" are required`},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}`, "partition t-0 is listed twice"},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[]}]}`, "partition t-0: the replica list is empty"},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[1,1]}]}`, "partition t-0: broker 1 is listed twice in replicas 1,1"},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}`, "log_dirs has 1 entries for 2 replicas"},
		{`{"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/data"]}]}`, "moving replicas between a broker's log directories is not supported"},
	} {
		as, err := DecodeJSON([]byte(c.in))
		switch {
		case c.err == "" && (err != nil || len(as) != 1):
			t.Errorf("%s: %v %v", c.in, as, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: got %v, want %q", c.in, err, c.err)
		}
	}
}

// FuzzDecodeJSON: any input either fails or yields a plan that encodes and decodes back.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}`)
	f.Add(`{"partitions":[{"topic":"","partition":-1,"replicas":[0]}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		as, err := DecodeJSON([]byte(in))
		if err != nil {
			return
		}
		back, err := DecodeJSON(EncodeJSON(as))
		if err != nil || len(back) != len(as) {
			t.Fatalf("round trip of %q: %v %v", in, back, err)
		}
	})
}
