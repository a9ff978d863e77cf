package compat

import (
	"sort"
	"unicode/utf16"
)

// The Java tools print some results in the iteration order of a java.util.HashMap or HashSet.
// These helpers reproduce it: elements in bucket order (the spread hash masked by the table
// size, the table growing from 16 while more than 3/4 full), ties in insertion order.

// javaStringHash is String.hashCode over the UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}

// javaTopicPartitionHash is TopicPartition.hashCode.
func javaTopicPartitionHash(topic string, partition int32) int32 {
	return 31*(31+partition) + javaStringHash(topic)
}

// javaLongHash is Long.hashCode.
func javaLongHash(v int64) int32 { return int32(v ^ int64(uint64(v)>>32)) }

// javaHashOrder returns the indexes of elements with these hashes (in insertion order) in the
// order a HashMap holding them iterates.
func javaHashOrder(hashes []int32) []int {
	capacity := 16
	for len(hashes) > capacity*3/4 {
		capacity *= 2
	}
	bucket := func(h int32) int {
		u := uint32(h)
		return int((u ^ (u >> 16)) & uint32(capacity-1))
	}
	idx := make([]int, len(hashes))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return bucket(hashes[idx[a]]) < bucket(hashes[idx[b]]) })
	return idx
}
