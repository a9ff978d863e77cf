package partition

// The reassignment JSON of kafka-reassign-partitions.sh, read and written by kafkit so that a
// kafkit plan runs with the Java tool and the other way round:
//   {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// AnyLogDir is the log_dirs entry that lets the broker choose the directory.
const AnyLogDir = "any"

// ReassignmentJSON is the Java tool's file format.
type ReassignmentJSON struct {
	Version    int                `json:"version"`
	Partitions []ReassignmentPart `json:"partitions"`
}

// ReassignmentPart is one partition of a ReassignmentJSON.
type ReassignmentPart struct {
	Topic     string   `json:"topic"`
	Partition int32    `json:"partition"`
	Replicas  []int32  `json:"replicas"`
	LogDirs   []string `json:"log_dirs"`
}

// EncodeJSON renders assignments in the Java tool's format: sorted by topic and partition,
// compact, log_dirs all "any" (what Java's formatAsReassignmentJson writes).
func EncodeJSON(as []Assignment) []byte {
	doc := ReassignmentJSON{Version: 1, Partitions: []ReassignmentPart{}}
	sorted := append([]Assignment(nil), as...)
	sortAssignments(sorted)
	for _, a := range sorted {
		dirs := make([]string, len(a.Replicas))
		for i := range dirs {
			dirs[i] = AnyLogDir
		}
		doc.Partitions = append(doc.Partitions, ReassignmentPart{Topic: a.Topic, Partition: a.Partition, Replicas: nonNil(a.Replicas), LogDirs: dirs})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(doc)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func nonNil(ids []int32) []int32 {
	if ids == nil {
		return []int32{}
	}
	return ids
}

func sortAssignments(as []Assignment) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Topic != as[j].Topic {
			return as[i].Topic < as[j].Topic
		}
		return as[i].Partition < as[j].Partition
	})
}

// DecodeJSON parses a reassignment file and checks what needs no cluster: version 1, at least
// one partition, no partition twice, no broker twice in a replica list, log_dirs either absent
// or "any" for every replica (kafkit does not move replicas between a broker's directories).
// Errors say which entry is wrong.
func DecodeJSON(data []byte) ([]Assignment, error) {
	var doc struct {
		Version    *int `json:"version"`
		Partitions []struct {
			Topic     *string  `json:"topic"`
			Partition *int32   `json:"partition"`
			Replicas  []int32  `json:"replicas"`
			LogDirs   []string `json:"log_dirs"`
		} `json:"partitions"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a reassignment JSON file: %v", err)
	}
	if doc.Version != nil && *doc.Version != 1 {
		return nil, fmt.Errorf("unsupported \"version\": %d (only 1 exists)", *doc.Version)
	}
	if len(doc.Partitions) == 0 {
		return nil, fmt.Errorf("the plan lists no partitions (want {\"version\":1,\"partitions\":[{\"topic\":...,\"partition\":...,\"replicas\":[...]}]})")
	}
	var out []Assignment
	seen := map[string]bool{}
	for n, p := range doc.Partitions {
		if p.Topic == nil || p.Partition == nil {
			return nil, fmt.Errorf("partitions[%d]: \"topic\" and \"partition\" are required", n)
		}
		a := Assignment{Topic: *p.Topic, Partition: *p.Partition, Replicas: p.Replicas}
		if err := checkEntry(a, p.LogDirs, seen); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func checkEntry(a Assignment, logDirs []string, seen map[string]bool) error {
	name := fmt.Sprintf("%s-%d", a.Topic, a.Partition)
	if seen[name] {
		return fmt.Errorf("partition %s is listed twice", name)
	}
	seen[name] = true
	if len(a.Replicas) == 0 {
		return fmt.Errorf("partition %s: the replica list is empty", name)
	}
	dup := map[int32]bool{}
	for _, b := range a.Replicas {
		if dup[b] {
			return fmt.Errorf("partition %s: broker %d is listed twice in replicas %s (a partition has at most one replica per broker)", name, b, joinIDs(a.Replicas))
		}
		dup[b] = true
	}
	if logDirs != nil && len(logDirs) != len(a.Replicas) {
		return fmt.Errorf("partition %s: log_dirs has %d entries for %d replicas", name, len(logDirs), len(a.Replicas))
	}
	for _, d := range logDirs {
		if d != AnyLogDir {
			return fmt.Errorf("partition %s: log_dirs %q: moving replicas between a broker's log directories is not supported by kafkit; use \"any\"", name, strings.Join(logDirs, ","))
		}
	}
	return nil
}
