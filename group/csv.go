package group

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// The CSV that kafka-consumer-groups --reset-offsets --export writes and --from-file reads:
// one "topic,partition,offset" line per partition, no header; when several groups are reset at
// once, "group,topic,partition,offset". kafkit reads both and writes the first.

// parseResetCSV reads a reset plan for group, and the line of each partition. In four-column
// files, lines of other groups are skipped. Errors name the line.
func parseResetCSV(r io.Reader, group string) (map[tp]int64, map[tp]int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	out := map[tp]int64{}
	lines := map[tp]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("CSV: %v", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		ln, _ := cr.FieldPos(0)
		switch len(rec) {
		case 3:
		case 4:
			if strings.TrimSpace(rec[0]) != group {
				continue
			}
			rec = rec[1:]
		default:
			return nil, nil, fmt.Errorf("CSV line %d: %d fields: want topic,partition,offset (or group,topic,partition,offset)", ln, len(rec))
		}
		topic := strings.TrimSpace(rec[0])
		if topic == "" {
			return nil, nil, fmt.Errorf("CSV line %d: empty topic", ln)
		}
		p, err := strconv.ParseInt(strings.TrimSpace(rec[1]), 10, 32)
		if err != nil || p < 0 {
			return nil, nil, fmt.Errorf("CSV line %d: bad partition %q", ln, rec[1])
		}
		o, err := strconv.ParseInt(strings.TrimSpace(rec[2]), 10, 64)
		if err != nil || o < 0 {
			return nil, nil, fmt.Errorf("CSV line %d: bad offset %q", ln, rec[2])
		}
		k := tp{topic, int32(p)}
		if _, dup := out[k]; dup {
			return nil, nil, fmt.Errorf("CSV line %d: %s/%d appears twice", ln, topic, p)
		}
		out[k] = o
		lines[k] = ln
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("CSV: no offsets for group %q", group)
	}
	return out, lines, nil
}

// writeResetCSV writes offsets as "topic,partition,offset" lines sorted by topic and partition.
func writeResetCSV(w io.Writer, offsets map[tp]int64) error {
	keys := make([]tp, 0, len(offsets))
	for k := range offsets {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Topic != keys[j].Topic {
			return keys[i].Topic < keys[j].Topic
		}
		return keys[i].Partition < keys[j].Partition
	})
	cw := csv.NewWriter(w)
	for _, k := range keys {
		if err := cw.Write([]string{k.Topic, strconv.Itoa(int(k.Partition)), strconv.FormatInt(offsets[k], 10)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
