package group

import (
	"context"
	"errors"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// delete --include-internal-topics: a streams group's repartition and changelog topics, named
// by its topology (StreamsGroupDescribe), are deleted after the group is. A topic already gone
// is not an error; any other failure is the group's error (the group itself stays deleted).

// deleteInternalTopics fills InternalTopics of every deleted (or would-be deleted) streams
// group's result, deleting the topics unless the result is a dry run.
func deleteInternalTopics(ctx context.Context, adm *cmdutil.Admin, groups []*groupInfo, results []DeleteResult) {
	info := map[string]*groupInfo{}
	for _, g := range groups {
		info[g.Name] = g
	}
	for i := range results {
		r := &results[i]
		g := info[r.Group]
		if g == nil || g.Type != "streams" || g.Streams == nil || (!r.Deleted && !r.DryRun) {
			continue
		}
		topics := g.Streams.internalTopics()
		if r.DryRun || len(topics) == 0 {
			r.InternalTopics = topics
			continue
		}
		r.InternalTopics, r.Error = deleteTopics(ctx, adm, topics)
	}
}

// deleteTopics deletes topics and returns those deleted (or already gone) and the failures.
func deleteTopics(ctx context.Context, adm *cmdutil.Admin, topics []string) ([]string, string) {
	resp, err := adm.DeleteTopics(ctx, topics...)
	if err != nil {
		return nil, "internal topics not deleted: " + errText(err)
	}
	var done, failed []string
	for _, t := range topics {
		r, ok := resp[t]
		switch {
		case ok && (r.Err == nil || errors.Is(r.Err, kerr.UnknownTopicOrPartition)):
			done = append(done, t)
		case ok:
			failed = append(failed, t+": "+errText(r.Err))
		default:
			failed = append(failed, t+": not in the broker's answer")
		}
	}
	if len(failed) > 0 {
		return done, "internal topics not deleted: " + strings.Join(failed, "; ")
	}
	return done, ""
}

// internalText is the table's mention of the internal topics of a result.
func internalText(r DeleteResult, verb string) string {
	if len(r.InternalTopics) == 0 {
		return ""
	}
	return "; " + verb + " " + text.Count(len(r.InternalTopics), "internal topic") + ": " + text.Safe(strings.Join(r.InternalTopics, ", "))
}
