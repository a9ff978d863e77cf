package compat

import (
	"reflect"
	"testing"
)

func TestJavaStringHash(t *testing.T) {
	// Values from Java's "...".hashCode() (java 17).
	for s, want := range map[string]int32{"": 0, "a": 97, "foo": 101574, "__consumer_offsets": -970371369} {
		if got := javaStringHash(s); got != want {
			t.Errorf("javaStringHash(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestJavaHashOrderLogDirs(t *testing.T) {
	// kafka-log-dirs.sh printed __consumer_offsets partitions 0,5,3,4,1,2 for a map of 0..5.
	var hs []int32
	for p := int32(0); p < 6; p++ {
		hs = append(hs, javaTopicPartitionHash("__consumer_offsets", p))
	}
	if got, want := javaHashOrder(hs), []int{0, 5, 3, 4, 1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}
