package compat

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// The Java tool sends --delete and --delete-offsets as they are and reports the broker's
// answer per group or partition; kafkit group delete / delete-offsets plan and refuse first,
// which would change the output, so these two send the one request themselves.

func groupsDelete(ctx context.Context, e *Env, adm *cmdutil.Admin, p *Parsed) error {
	names, err := groupNames(ctx, adm, p)
	if err != nil {
		return err
	}
	resp, err := adm.DeleteGroups(ctx, names...)
	if err != nil && resp == nil {
		return err
	}
	var ok, failed []string
	for _, g := range names {
		if r, found := resp[g]; !found || r.Err != nil {
			failed = append(failed, g)
		} else {
			ok = append(ok, g)
		}
	}
	out := e.IO.Out
	if len(failed) == 0 {
		fmt.Fprintf(out, "Deletion of requested consumer groups ('%s') was successful.\n", strings.Join(ok, "', '"))
		return nil
	}
	fmt.Fprintln(out, "\nError: Deletion of some consumer groups failed:")
	for _, g := range failed {
		cause := "no answer from the group's coordinator"
		if r, found := resp[g]; found {
			cause = javaException(r.Err)
		}
		fmt.Fprintf(out, "* Group '%s' could not be deleted due to: %s\n", g, cause)
	}
	if len(ok) > 0 {
		fmt.Fprintf(out, "\nThese consumer groups were deleted successfully: '%s'\n", strings.Join(ok, "', '"))
	}
	return cmdutil.SilentError // Java exits 0 here
}

// offsetStatus is one row of --delete-offsets' table; partition -1 is a topic that could not
// be described.
type offsetStatus struct {
	topic     string
	partition int32
	err       error
}

func groupsDeleteOffsets(ctx context.Context, e *Env, adm *cmdutil.Admin, p *Parsed) error {
	g, topics := p.Value("group"), p.Values("topic")
	if len(p.Values("group")) != 1 || len(topics) == 0 {
		return usageError(e, "kafka-consumer-groups.sh", "Option [delete-offsets] takes the following options: [group], [topic]")
	}
	set, rows, err := deleteOffsetsTargets(ctx, adm, topics)
	if err != nil {
		return err
	}
	resp, groupErr := adm.DeleteOffsets(ctx, g, set)
	set.Each(func(t string, part int32) {
		perr := groupErr
		if perr == nil {
			perr, _ = resp.Lookup(t, part)
		}
		rows = append(rows, offsetStatus{topic: t, partition: part, err: perr})
	})
	printDeleteOffsets(e, g, groupErr, rows)
	if groupErr != nil || failedRows(rows) {
		return cmdutil.SilentError // Java exits 0 here
	}
	return nil
}

// deleteOffsetsTargets is the partitions of --topic T:P,P and of every partition of --topic T;
// a topic that cannot be described is a row with its error.
func deleteOffsetsTargets(ctx context.Context, adm *cmdutil.Admin, topics []string) (kadm.TopicsSet, []offsetStatus, error) {
	set := kadm.TopicsSet{}
	var whole []string
	for _, t := range topics {
		name, parts, ok := strings.Cut(t, ":")
		if !ok {
			whole = append(whole, t)
			continue
		}
		for _, s := range strings.Split(parts, ",") {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return nil, nil, fmt.Errorf("Invalid partition '%s' specified in topic arg '%s''", s, t)
			}
			set.Add(name, int32(n))
		}
	}
	var rows []offsetStatus
	if len(whole) == 0 {
		return set, rows, nil
	}
	td, err := adm.ListTopics(ctx, whole...)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range whole {
		d, ok := td[t]
		switch {
		case !ok:
			rows = append(rows, offsetStatus{topic: t, partition: -1, err: kerr.UnknownTopicOrPartition})
		case d.Err != nil:
			rows = append(rows, offsetStatus{topic: t, partition: -1, err: d.Err})
		default:
			set.Add(t, d.Partitions.Numbers()...)
		}
	}
	return set, rows, nil
}

func failedRows(rows []offsetStatus) bool {
	for _, r := range rows {
		if r.err != nil {
			return true
		}
	}
	return false
}

func printDeleteOffsets(e *Env, g string, groupErr error, rows []offsetStatus) {
	out := e.IO.Out
	partitionErr := false
	for _, r := range rows {
		partitionErr = partitionErr || (r.partition >= 0 && r.err != nil)
	}
	var ke *kerr.Error
	switch {
	case groupErr != nil && errors.As(groupErr, &ke):
		fmt.Fprintf(out, "\nError: %s\n", ke.Description)
	case groupErr != nil:
		fmt.Fprintf(out, "\nError: Encountered some unknown error: %v\n", groupErr)
	case partitionErr:
		fmt.Fprintln(out, "\nError: Encountered some partition-level error, see the follow-up details.")
	default:
		fmt.Fprintf(out, "Request succeeded for deleting offsets from group %s.\n", g)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].topic+strconv.Itoa(int(rows[i].partition)) < rows[j].topic+strconv.Itoa(int(rows[j].partition))
	})
	width := 15
	for _, r := range rows {
		width = max(width, len(r.topic))
	}
	format := fmt.Sprintf("\n%%-%ds %%-10s %%-15s", width)
	fmt.Fprintf(out, format, "TOPIC", "PARTITION", "STATUS")
	for _, r := range rows {
		part, status := strconv.Itoa(int(r.partition)), "Successful"
		if r.partition < 0 {
			part = "-"
		}
		if r.err != nil {
			status = "Error: " + javaException(r.err)
		}
		fmt.Fprintf(out, format, r.topic, part, status)
	}
	fmt.Fprintln(out)
}
