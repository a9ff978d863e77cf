package group

import (
	"fmt"
	"strconv"
	"strings"
)

// The --topic T[:P,..] selection of seek and delete-offsets.

// topicSel is one --topic T[:P,..]; nil Partitions means all of them.
type topicSel struct {
	Topic      string
	Partitions []int32
}

// parseTopicSel reads "topic" or "topic:0,1,2".
func parseTopicSel(s string) (topicSel, error) {
	t, ps, has := strings.Cut(s, ":")
	t = strings.TrimSpace(t)
	if t == "" {
		return topicSel{}, fmt.Errorf("empty topic in %q: use topic or topic:0,1", s)
	}
	sel := topicSel{Topic: t}
	if !has {
		return sel, nil
	}
	for _, p := range strings.Split(ps, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
		if err != nil || n < 0 {
			return topicSel{}, fmt.Errorf("bad partition %q in %q: use topic:0,1,2", p, s)
		}
		sel.Partitions = append(sel.Partitions, int32(n))
	}
	sel.Partitions = sortedPartitions(sel.Partitions)
	return sel, nil
}
