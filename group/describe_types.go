package group

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/output"
)

// The describe tables of share and streams groups.

// shareOffsetTable is a share group's table: the share-partition start offset (the first
// record not yet acknowledged, KIP-932's SPSO), the log end, the lag and how many members
// are assigned the partition (a share partition is read by several members at once).
func shareOffsetTable(d DescribedGroup, wide bool) ([]string, [][]string) {
	readers := map[tp]int{}
	for _, m := range d.Members {
		for t, ps := range m.Assigned {
			for _, p := range ps {
				readers[tp{t, p}]++
			}
		}
	}
	note := wide
	for _, r := range d.Partitions {
		if r.Note != "" || r.Error != "" {
			note = true
		}
	}
	headers := []string{"GROUP", "TOPIC", "PARTITION", "START-OFFSET", "LOG-END-OFFSET", "LAG", "MEMBERS"}
	if wide {
		headers = append(headers[:4], append([]string{"LOG-START-OFFSET"}, headers[4:]...)...)
	}
	if note {
		headers = append(headers, "NOTE")
	}
	var rows [][]string
	for _, r := range d.Partitions {
		row := []string{d.Group, r.Topic, strconv.Itoa(int(r.Partition)), num(r.CurrentOffset)}
		if wide {
			row = append(row, num(r.LogStartOffset))
		}
		row = append(row, num(r.LogEndOffset), num(r.Lag), strconv.Itoa(readers[tp{r.Topic, r.Partition}]))
		if note {
			row = append(row, output.Dash(joinNonEmpty("; ", r.Error, r.Note)))
		}
		rows = append(rows, row)
	}
	return headers, rows
}

// writeStreamsMembers lists a streams group's members with their tasks, as
// kafka-streams-groups.sh --describe --members: ACTIVE, STANDBY and WARMUP tasks written
// subtopology:partitions ("0:0,1 1:2").
func writeStreamsMembers(t *output.Text, d DescribedGroup) error {
	if len(d.Members) == 0 {
		return t.Linef("Group %s has no active members.", d.Group)
	}
	var rows [][]string
	for _, m := range d.Members {
		tk := m.Tasks
		if tk == nil {
			tk = &memberTasks{}
		}
		rows = append(rows, []string{d.Group, m.MemberID, output.Dash(tk.ProcessID), output.Dash(m.ClientID), output.Dash(m.Host),
			tasksText(tk.Active), tasksText(tk.Standby), tasksText(tk.Warmup)})
	}
	return safeTable(t, []string{"GROUP", "MEMBER-ID", "PROCESS-ID", "CLIENT-ID", "HOST", "ACTIVE-TASKS", "STANDBY-TASKS", "WARMUP-TASKS"}, rows)
}

// tasksText writes tasks as "sub:p,p sub:p", sorted; "-" when there are none.
func tasksText(m map[string][]int32) string {
	subs := make([]string, 0, len(m))
	for s := range m {
		subs = append(subs, s)
	}
	sort.Strings(subs)
	var parts []string
	for _, s := range subs {
		ps := make([]string, len(m[s]))
		for i, p := range m[s] {
			ps[i] = strconv.Itoa(int(p))
		}
		parts = append(parts, s+":"+strings.Join(ps, ","))
	}
	return output.Dash(strings.Join(parts, " "))
}

// writeSubtopologies lists a streams group's sub-topologies with the topics they read and
// their internal topics.
func writeSubtopologies(t *output.Text, d DescribedGroup) error {
	var rows [][]string
	for _, s := range d.Streams.Subtopologies {
		rows = append(rows, []string{d.Group, s.ID, output.Dash(strings.Join(s.SourceTopics, ",")),
			output.Dash(strings.Join(s.RepartitionSourceTopics, ",")), output.Dash(strings.Join(s.RepartitionSinkTopics, ",")),
			output.Dash(strings.Join(s.StateChangelogTopics, ","))})
	}
	return safeTable(t, []string{"GROUP", "SUBTOPOLOGY", "SOURCE-TOPICS", "REPARTITION-SOURCE", "REPARTITION-SINK", "CHANGELOGS"}, rows)
}
