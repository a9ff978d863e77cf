package partition

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTopicSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		want TopicPartitions
		err  string
	}{
		{in: "orders", want: TopicPartitions{Topic: "orders"}},
		{in: "orders:3", want: TopicPartitions{Topic: "orders", Partitions: []int32{3}}},
		{in: "orders:5,0,2,0", want: TopicPartitions{Topic: "orders", Partitions: []int32{0, 2, 5}}},
		{in: ":1", err: "no topic name"},
		{in: "orders:", err: `"" is not a partition number`},
		{in: "orders:-1", err: `"-1" is not a partition number`},
		{in: "orders:a", err: `"a" is not a partition number`},
	} {
		got, err := ParseTopicSpec(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestMergeSpecs(t *testing.T) {
	got := mergeSpecs([]TopicPartitions{{"a", []int32{1}}, {"b", []int32{0}}, {"a", []int32{0, 1}}, {"b", nil}})
	want := []TopicPartitions{{"a", []int32{0, 1}}, {"b", nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func FuzzParseTopicSpec(f *testing.F) {
	for _, s := range []string{"orders", "orders:1,2", ":", "a:-1", "a:99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := ParseTopicSpec(s)
		if err != nil {
			return
		}
		if tp.Topic == "" || strings.Contains(tp.Topic, ":") {
			t.Fatalf("%q gave topic %q", s, tp.Topic)
		}
		for i, p := range tp.Partitions {
			if p < 0 || (i > 0 && p <= tp.Partitions[i-1]) {
				t.Fatalf("%q gave partitions %v", s, tp.Partitions)
			}
		}
	})
}
