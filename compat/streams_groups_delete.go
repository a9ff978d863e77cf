package compat

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/text"
)

// kafka-streams-groups.sh --delete [--delete-all-internal-topics] and --delete-offsets, as
// StreamsGroupCommand reports them. Its per-group results are java.util.HashMaps keyed by
// group id: javaStringOrder gives their order. The Java tool exits 0 after a failure; kafkit
// exits 1 (README).

// javaStringOrder puts names (each once) in a HashMap<String, ?>'s iteration order.
func javaStringOrder(names []string) []string {
	sorted := text.SortedUnique(names)
	hs := make([]int32, len(sorted))
	for i, n := range sorted {
		hs[i] = javaStringHash(n)
	}
	out := make([]string, 0, len(sorted))
	for _, i := range javaHashOrder(hs) {
		out = append(out, sorted[i])
	}
	return out
}

// streamsDeleteChecks is preAdminCallChecks: a group must be listed as a streams group and
// be Empty; the others fail with the Java exception's text.
func streamsDeleteChecks(names []string, listed kadm.ListedGroups) (ok []string, failed map[string]string) {
	return deleteChecks(text.Unique(names), listed, "Streams", "Group '%s' does not exist or is not a streams group.")
}

// deleteChecks is what the share and streams tools check before they delete: each group must
// be listed with their type (else notListed) and be Empty; kind is "Share" or "Streams".
func deleteChecks(names []string, listed kadm.ListedGroups, kind, notListed string) (ok []string, failed map[string]string) {
	failed = map[string]string{}
	for _, n := range names {
		l, found := listed[n]
		switch {
		case !found:
			failed[n] = "java.lang.IllegalArgumentException: " + fmt.Sprintf(notListed, n)
		case l.State == "Dead":
			failed[n] = fmt.Sprintf("java.lang.IllegalStateException: %s group '%s' group state is DEAD.", kind, n)
		case l.State != "Empty":
			failed[n] = fmt.Sprintf("org.apache.kafka.common.errors.GroupNotEmptyException: %s group '%s' is not EMPTY.", kind, n)
		default:
			ok = append(ok, n)
		}
	}
	return ok, failed
}

func (s *streamsCompat) delete(ctx context.Context) error {
	listed, err := listedOfType(ctx, s.adm, "streams")
	if err != nil {
		return err
	}
	names := s.p.Values("group")
	if s.p.Has("all-groups") {
		names = listed.Groups()
	}
	toDelete, failed := streamsDeleteChecks(names, listed)
	var deleted []string
	internal := map[string][]string{}
	topicFailures := map[string]string{}
	if len(toDelete) > 0 {
		if s.p.Has("delete-all-internal-topics") {
			internal = s.internalTopics(ctx, toDelete)
		}
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
				failed[n] = javaAdminException(r.Err, r.ErrMessage)
			default:
				deleted = append(deleted, n)
			}
		}
		topicFailures = s.deleteGroupTopics(ctx, javaStringOrder(deleted), internal)
	}
	s.printStreamsDeleted(javaStringOrder(deleted), failed, internal, topicFailures)
	return nil
}

// streamsInternalName is isInferredInternalTopic: the application id's prefix and an internal
// topic suffix.
var streamsInternalName = regexp.MustCompile(`(-changelog|-repartition|-subscription-registration-topic|-subscription-response-topic)$|.+-KTABLE-FK-JOIN-SUBSCRIPTION-(REGISTRATION|RESPONSE)-\d+-topic$`)

// internalTopics is retrieveInternalTopics: per group, its repartition source and changelog
// topics that are not source topics and are named as internal (the others are kept, with an
// error line); groups in HashMap order, as the tool prints the errors.
func (s *streamsCompat) internalTopics(ctx context.Context, names []string) map[string][]string {
	out := map[string][]string{}
	ds := group.DescribeStreamsGroups(ctx, s.adm, names, false)
	for _, n := range names {
		if d := ds[n]; d.Err != nil {
			fmt.Fprintf(s.e.IO.Out, "\nError: Retrieving internal topics failed due to java.util.concurrent.ExecutionException: %s\n", javaAdminException(d.Err, d.ErrMessage))
			return out
		}
	}
	for _, n := range javaStringOrder(names) {
		topics, errs := streamsGroupInternal(ds[n])
		for _, e := range errs {
			fmt.Fprintf(s.e.IO.Out, "\n%s\n", e)
		}
		if len(topics) > 0 {
			out[n] = topics
		}
	}
	return out
}

func streamsGroupInternal(d group.StreamsDescription) (topics, errs []string) {
	if d.Topology == nil {
		return nil, nil
	}
	source := map[string]bool{}
	for _, st := range d.Topology.Subtopologies {
		for _, t := range st.SourceTopics {
			source[t] = true
		}
	}
	for _, st := range d.Topology.Subtopologies {
		for _, ti := range append(append([]kmsg.TopicInfo{}, st.RepartitionSourceTopics...), st.StateChangelogTopics...) {
			switch {
			case source[ti.Topic]:
			case strings.HasPrefix(ti.Topic, d.Group+"-") && streamsInternalName.MatchString(ti.Topic):
				topics = append(topics, ti.Topic)
			default:
				errs = append(errs, fmt.Sprintf("Error: The internal topic '%s' is not inferred as internal and thus will not be deleted with the group '%s'.", ti.Topic, d.Group))
			}
		}
	}
	return topics, errs
}

// deleteGroupTopics is maybeDeleteInternalTopics: each deleted group's internal topics; a
// group whose topics could not all be deleted has the first failure's text.
func (s *streamsCompat) deleteGroupTopics(ctx context.Context, deleted []string, internal map[string][]string) map[string]string {
	failures := map[string]string{}
	for _, g := range deleted {
		topics := internal[g]
		if len(topics) == 0 {
			continue
		}
		resp, err := s.adm.DeleteTopics(ctx, topics...)
		if err != nil {
			failures[g] = javaAdminException(err, "")
			continue
		}
		first := ""
		for _, t := range topics {
			if r, ok := resp[t]; ok && r.Err != nil {
				fmt.Fprintf(s.e.IO.Out, "Failed to delete internal topic: %s\n", t)
				if first == "" {
					first = javaAdminException(r.Err, r.ErrMessage)
				}
			}
		}
		if first != "" {
			failures[g] = first
		}
	}
	return failures
}

func quotedJoin(names []string) string { return "'" + strings.Join(names, "', '") + "'" }

func (s *streamsCompat) printStreamsDeleted(deleted []string, failed map[string]string, internal map[string][]string, topicFailures map[string]string) {
	out := s.e.IO.Out
	if len(failed) == 0 {
		fmt.Fprintf(out, "Deletion of requested streams groups (%s) was successful.\n", quotedJoin(deleted))
	} else {
		s.status = cmdutil.SilentError
		fmt.Fprintf(out, "\nError: Deletion of some streams groups failed:\n")
		for _, n := range javaStringOrder(sortedKeys(failed)) {
			fmt.Fprintf(out, "* Group '%s' could not be deleted due to: %s\n", n, failed[n])
		}
		if len(deleted) > 0 {
			fmt.Fprintf(out, "\nThese streams groups were deleted successfully: %s.\n", quotedJoin(deleted))
		}
	}
	if len(internal) == 0 || len(deleted) == 0 {
		return
	}
	if len(topicFailures) == 0 {
		var ok []string
		for _, g := range deleted {
			if internal[g] != nil {
				ok = append(ok, g)
			}
		}
		fmt.Fprintf(out, "Deletion of associated internal topics of the streams groups (%s) was successful.\n", quotedJoin(ok))
		return
	}
	fmt.Fprintln(out, "Deletion of some associated internal topics failed:")
	for _, g := range javaStringOrder(sortedKeys(topicFailures)) {
		if !strings.Contains(topicFailures[g], "UnknownTopicOrPartitionException") {
			s.status = cmdutil.SilentError
		}
		fmt.Fprintf(out, "* Internal topics of the streams group '%s' could not be deleted due to: %s\n", g, topicFailures[g])
	}
}

// streamsOffsetStatus is one row of --delete-offsets: partition -1 for a topic that could not
// be described.
type streamsOffsetStatus struct {
	topic     string
	partition int32
	err       string
}

func (s *streamsCompat) deleteOffsets(ctx context.Context) error {
	g := s.p.Value("group")
	var rows []streamsOffsetStatus
	var set kadm.TopicsSet
	var err error
	if s.p.Has("all-input-topics") {
		set, err = s.inputTopicCommits(ctx, g)
	} else {
		set, rows, err = s.namedPartitions(ctx, s.p.Values("input-topic"))
	}
	if err != nil {
		return err
	}
	var top error
	var resp kadm.DeleteOffsetsResponses
	if len(set) > 0 {
		resp, top = s.adm.DeleteOffsets(ctx, g, set)
	}
	for t, ps := range set {
		for p := range ps {
			r := streamsOffsetStatus{topic: t, partition: p}
			if e, ok := resp.Lookup(t, p); ok && e != nil {
				r.err = javaAdminException(e, "")
			} else if top != nil {
				r.err = javaAdminException(top, "")
			}
			rows = append(rows, r)
		}
	}
	if top == nil {
		top = resp.Error()
	}
	s.printDeleteOffsets(g, top, rows)
	return nil
}

// inputTopicCommits is getInputTopicOffsets: the group's commits on its topology's source
// topics.
func (s *streamsCompat) inputTopicCommits(ctx context.Context, g string) (kadm.TopicsSet, error) {
	d := group.DescribeStreamsGroups(ctx, s.adm, []string{g}, false)[g]
	if d.Err != nil {
		return nil, errors.New("java.util.concurrent.ExecutionException: " + javaAdminException(d.Err, d.ErrMessage))
	}
	source := map[string]bool{}
	if d.Topology != nil {
		for _, st := range d.Topology.Subtopologies {
			for _, t := range st.SourceTopics {
				source[t] = true
			}
		}
	}
	commits, err := s.adm.FetchOffsets(ctx, g)
	if err != nil {
		return nil, errors.New("java.util.concurrent.ExecutionException: " + javaAdminException(err, ""))
	}
	set := kadm.TopicsSet{}
	commits.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 && source[o.Topic] {
			set.Add(o.Topic, o.Partition)
		}
	})
	return set, nil
}

// namedPartitions expands --input-topic T (every partition) and T:0,1 (those); a topic that
// cannot be described is a row with its error.
func (s *streamsCompat) namedPartitions(ctx context.Context, args []string) (kadm.TopicsSet, []streamsOffsetStatus, error) {
	set := kadm.TopicsSet{}
	var whole []string
	for _, a := range args {
		if !strings.Contains(a, ":") {
			whole = append(whole, a)
			continue
		}
		tps, err := javaTopicPartitions(a)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range tps {
			set.Add(k.topic, k.partition)
		}
	}
	var rows []streamsOffsetStatus
	if len(whole) == 0 {
		return set, nil, nil
	}
	td, err := s.adm.ListTopics(ctx, whole...)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range text.Unique(whole) {
		d, ok := td[t]
		switch {
		case !ok:
			rows = append(rows, streamsOffsetStatus{topic: t, partition: -1, err: javaAdminException(kerr.UnknownTopicOrPartition, "")})
		case d.Err != nil:
			rows = append(rows, streamsOffsetStatus{topic: t, partition: -1, err: javaAdminException(d.Err, "")})
		default:
			for p := range d.Partitions {
				set.Add(t, p)
			}
		}
	}
	return set, rows, nil
}

// javaTopicPartitions is parseTopicsWithPartitions: "topic:0,1,2"; its errors are the Java
// tool's IllegalArgumentException (a usage error).
func javaTopicPartitions(arg string) ([]tpKey, error) {
	parts := strings.Split(arg, ":")
	for len(parts) > 0 && parts[len(parts)-1] == "" { // String.split drops trailing empty strings
		parts = parts[:len(parts)-1]
	}
	if len(parts) != 2 {
		return nil, &usageMessage{"Invalid topic arg '" + arg + "', expected topic name and partitions"}
	}
	var out []tpKey
	for _, p := range strings.Split(parts[1], ",") {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil {
			return nil, &usageMessage{"Invalid partition '" + p + "' specified in topic arg '" + arg + "''"}
		}
		out = append(out, tpKey{parts[0], int32(n)})
	}
	return out, nil
}

func (s *streamsCompat) printDeleteOffsets(g string, top error, rows []streamsOffsetStatus) {
	out := s.e.IO.Out
	var ke *kerr.Error
	switch {
	case top == nil:
		fmt.Fprintf(out, "Request succeeded for deleting offsets from group %s.\n", g)
	case errors.As(top, &ke) && (ke == kerr.InvalidGroupID || ke == kerr.GroupIDNotFound || ke == kerr.GroupAuthorizationFailed || ke == kerr.NonEmptyGroup):
		fmt.Fprintf(out, "\nError: %s\n", ke.Description)
	case errors.As(top, &ke) && (ke == kerr.GroupSubscribedToTopic || ke == kerr.TopicAuthorizationFailed || ke == kerr.UnknownTopicOrPartition):
		fmt.Fprintf(out, "\nError: Encountered some partition-level error, see the follow-up details.\n")
	case errors.As(top, &ke):
		fmt.Fprintf(out, "\nError: Encountered some unknown error: %s\n", ke.Message)
	default:
		fmt.Fprintf(out, "\nError: Encountered some unknown error: UNKNOWN_SERVER_ERROR\n")
	}
	w := 15
	for _, r := range rows {
		w = max(w, len(r.topic))
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].topic+strconv.Itoa(int(rows[i].partition)) < rows[j].topic+strconv.Itoa(int(rows[j].partition))
	})
	f := "\n%-*s %-10s %-15s"
	fmt.Fprintf(out, f, w, "TOPIC", "PARTITION", "STATUS")
	for _, r := range rows {
		part, status := strconv.Itoa(int(r.partition)), "Successful"
		if r.partition < 0 {
			part = "-"
		}
		if r.err != "" {
			status = "Error: " + r.err
			s.status = cmdutil.SilentError
		}
		fmt.Fprintf(out, f, w, r.topic, part, status)
	}
	fmt.Fprintln(out)
	if top != nil {
		s.status = cmdutil.SilentError
	}
}
