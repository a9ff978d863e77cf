package compat

import "sort"

// The Java tools print some sets and maps in java.util.HashMap iteration order. These helpers
// reproduce that order so that output stays byte-identical: buckets by (h ^ h>>>16) masked by
// the table size, in insertion order within a bucket.

// javaStringHash is String.hashCode (UTF-16 code units).
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// javaTopicPartitionHash is TopicPartition.hashCode.
func javaTopicPartitionHash(topic string, partition int32) int32 {
	result := 31 + partition
	return 31*result + javaStringHash(topic)
}

// javaHashOrder returns the indexes of n keys (hashes given in insertion order) in the order a
// HashMap built by inserting them one by one iterates them.
func javaHashOrder(hashes []int32) []int {
	capacity := 16
	for float64(len(hashes)) > 0.75*float64(capacity) {
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
