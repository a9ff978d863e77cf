package compat

import (
	"sort"
	"strconv"
	"strings"
)

// What the JVM decides in kafka-configs.sh output: java.util.HashMap iteration order and
// Double.toString. ConfigCommand prints quota entities and their values straight from the
// HashMaps that DescribeClientQuotasResponse.complete fills, so the order is the buckets'.

// javaHashMapCapacity is the table size of a HashMap built with new HashMap<>(n) after n puts.
func javaHashMapCapacity(n int) int {
	c := 1
	for c < n {
		c <<= 1
	}
	for n > int(float32(c)*0.75) {
		c <<= 1
	}
	return c
}

// javaSizedHashOrder returns the indexes of keys (with their hashCodes, in insertion order) in
// the order a HashMap built with new HashMap<>(n) iterates them after n puts: by bucket, then by
// insertion.
func javaSizedHashOrder(hashes []int32) []int {
	c := javaHashMapCapacity(len(hashes))
	bucket := func(h int32) int {
		u := uint32(h)
		return int((u ^ (u >> 16)) & uint32(c-1))
	}
	idx := make([]int, len(hashes))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return bucket(hashes[idx[a]]) < bucket(hashes[idx[b]]) })
	return idx
}

// javaDouble is Double.toString: plain notation with at least one decimal between 10^-3 and
// 10^7, computerized scientific notation (1.0E7) outside.
func javaDouble(d float64) string {
	if d == 0 {
		return "0.0"
	}
	abs := d
	if abs < 0 {
		abs = -abs
	}
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(d, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(d, 'e', -1, 64) // 2e+07, 1.5e-05
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}
