package compat

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// kafka-share-groups.sh --delete and --delete-offsets.

// delete checks each group against the share-group listing (not a share group, dead, not
// empty: refused before any request), deletes the rest and reports as the Java tool does.
func (s *shareCompat) delete(ctx context.Context) error {
	listed, err := listedOfType(ctx, s.adm, "share")
	if err != nil {
		return err
	}
	names := s.p.Values("group")
	if s.p.Has("all-groups") {
		names = listed.Groups()
	}
	toDelete, failed := deleteChecks(text.SortedUnique(names), listed, "Share", "Group '%s' is not a share group.")
	var deleted []string
	if len(toDelete) > 0 {
		resp, err := s.adm.DeleteGroups(ctx, toDelete...)
		if err != nil && resp == nil {
			return err
		}
		for _, n := range toDelete {
			r, ok := resp[n]
			switch {
			case !ok:
				failed[n] = "org.apache.kafka.common.KafkaException: the coordinator did not answer"
			case r.Err != nil:
				failed[n] = exceptionText(r.Err)
			default:
				deleted = append(deleted, n)
			}
		}
	}
	s.printDeleted(deleted, failed)
	return nil
}

func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

func (s *shareCompat) printDeleted(deleted []string, failed map[string]string) {
	out := s.e.IO.Out
	if len(failed) == 0 {
		fmt.Fprintf(out, "Deletion of requested share groups (%s) was successful.\n", quotedList(deleted))
		return
	}
	s.status = cmdutil.SilentError
	fmt.Fprintf(out, "\nError: Deletion of some share groups failed:\n")
	for _, n := range sortedKeys(failed) {
		fmt.Fprintf(out, "* Group '%s' could not be deleted due to: %s\n", n, failed[n])
	}
	if len(deleted) > 0 {
		fmt.Fprintf(out, "\nThese share groups were deleted successfully: %s\n", quotedList(deleted))
	}
}

// deleteOffsets sends one DeleteShareGroupOffsets and prints TOPIC STATUS per topic.
func (s *shareCompat) deleteOffsets(ctx context.Context) error {
	group := s.p.Value("group")
	topics := text.SortedUnique(s.p.Values("topic"))
	req := kmsg.NewPtrDeleteShareGroupOffsetsRequest()
	req.GroupID = group
	for _, t := range topics {
		rt := kmsg.NewDeleteShareGroupOffsetsRequestTopic()
		rt.Topic = t
		req.Topics = append(req.Topics, rt)
	}
	kr, err := s.adm.Request(ctx, req)
	if err != nil {
		return err
	}
	resp := kr.(*kmsg.DeleteShareGroupOffsetsResponse)
	results := map[string]string{}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		s.status = cmdutil.SilentError
		switch err {
		case kerr.TopicAuthorizationFailed, kerr.UnknownTopicOrPartition:
		default:
			fmt.Fprintf(s.e.IO.Out, "\nError: %s\n", kafkaException(err, resp.ErrorMessage).Error())
		}
		for _, t := range topics {
			results[t] = "Error: " + kafkaException(err, resp.ErrorMessage).Error()
		}
	}
	for _, t := range resp.Topics {
		results[t.Topic] = "Successful"
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			results[t.Topic] = "Error: " + kafkaException(err, t.ErrorMessage).Error()
			s.status = cmdutil.SilentError
		}
	}
	s.printTopicStatus(results)
	return nil
}

func (s *shareCompat) printTopicStatus(results map[string]string) {
	if len(results) > 0 {
		w := 15
		for t := range results {
			w = max(w, len(t))
		}
		fmt.Fprintf(s.e.IO.Out, "\n%-*s %s", w, "TOPIC", "STATUS")
		topics := sortedKeys(results)
		sort.Strings(topics)
		for _, t := range topics {
			fmt.Fprintf(s.e.IO.Out, "\n%-*s %s", w, t, results[t])
		}
	}
	fmt.Fprintln(s.e.IO.Out)
}

// exceptionText is an error as Java's Throwable.toString prints it: class: message.
func exceptionText(err error) string {
	if je, ok := kafkaException(err, nil).(javaError); ok {
		return je.class + ": " + je.msg
	}
	return "org.apache.kafka.common.KafkaException: " + err.Error()
}
