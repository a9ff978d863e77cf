package compat

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/group"
	"github.com/kafkit/kafkit/internal/cmdutil"
)

// resetScenarios are --reset-offsets' targets; exactly one is required.
var resetScenarios = []string{"to-offset", "to-datetime", "by-duration", "to-earliest", "to-latest", "shift-by", "from-file", "to-current"}

// resetRow is one partition of the plan, as the Java tool prints it.
type resetRow struct {
	group, topic string
	partition    int32
	offset       int64
}

// resetPlan is what --reset-offsets prints: the rows of the groups that could be reset, and a
// message before the table for each one that could not.
type resetPlan struct {
	rows     []resetRow
	messages []string // stdout lines before the table (Java's "Error:" and "Warn:" lines)
	refused  bool     // a group was active: Java exits 0 after saying so, kafkit 1
	groups   int
}

// groupsReset is --reset-offsets: the plan comes from kafkit group seek's engine (group.Seek),
// once per group, with the Java target translated into a seek spec.
func groupsReset(ctx context.Context, e *Env, adm *cmdutil.Admin, p *Parsed) error {
	names, err := groupNames(ctx, adm, p)
	if err != nil {
		return err
	}
	if msg := checkResetArgs(p); msg != "" {
		return usageError(e, "kafka-consumer-groups.sh", msg)
	}
	var csvData []byte
	if f := p.Value("from-file"); f != "" {
		if csvData, err = os.ReadFile(f); err != nil {
			return err
		}
	}
	plan := resetPlan{}
	for _, g := range names {
		if err := resetGroup(ctx, adm, p, g, csvData, &plan); err != nil {
			var ue *usageMessage
			if errors.As(err, &ue) {
				return usageError(e, "kafka-consumer-groups.sh", ue.msg)
			}
			return err
		}
	}
	if !p.Has("dry-run") && !p.Has("execute") {
		fmt.Fprintln(e.IO.ErrOut, resetDefaultWarning)
	}
	printResetPlan(e, p, plan)
	if plan.refused {
		return cmdutil.SilentError
	}
	return nil
}

// resetDefaultWarning is what the Java tool says on stderr when neither --dry-run nor --execute
// is given: the plan is only printed.
const resetDefaultWarning = "WARN: No action will be performed as the --execute option is missing. " +
	"In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. " +
	"You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting."

// usageMessage is a problem the Java tool reports with printUsageAndExit (stderr, exit 1).
type usageMessage struct{ msg string }

func (u *usageMessage) Error() string { return u.msg }

func checkResetArgs(p *Parsed) string {
	n := 0
	for _, s := range resetScenarios {
		if p.Has(s) {
			n++
		}
	}
	switch {
	case n == 0:
		return "Option '[reset-offsets]' requires one of the following scenarios: [" + strings.Join(resetScenarios, "], [") + "]"
	case n > 1:
		return "Option [reset-offsets] takes at most one of these options: [" + strings.Join(resetScenarios, "], [") + "]"
	case p.Has("dry-run") && p.Has("execute"):
		return "Option [execute] cannot be used with option [dry-run]"
	case p.Has("topic") && p.Has("all-topics"):
		return "Option [topic] cannot be used with option [all-topics]"
	case !p.Has("topic") && !p.Has("all-topics") && !p.Has("from-file"):
		return "One of the reset scopes should be defined: --all-topics, --topic."
	}
	return ""
}

// groupNames is --group (each once) or, with --all-groups, every consumer group.
func groupNames(ctx context.Context, adm *cmdutil.Admin, p *Parsed) ([]string, error) {
	if !p.Has("all-groups") {
		names := append([]string(nil), p.Values("group")...)
		sort.Strings(names)
		return dedupSorted(names), nil
	}
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	return consumerGroupNames(listed), nil
}

// consumerGroupNames is what --all-groups means: the classic groups of the consumer protocol
// and the KIP-848 consumer groups, sorted.
func consumerGroupNames(listed kadm.ListedGroups) []string {
	var names []string
	for _, g := range listed.Sorted() {
		if (g.ProtocolType == "consumer" || g.ProtocolType == "") && g.GroupType != "share" && g.GroupType != "streams" {
			names = append(names, g.Group)
		}
	}
	return names
}

func dedupSorted(ss []string) []string {
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// resetGroup plans (and with --execute applies) one group's reset and adds it to plan.
func resetGroup(ctx context.Context, adm *cmdutil.Admin, p *Parsed, g string, csvData []byte, plan *resetPlan) error {
	req, err := seekRequest(p, g, csvData, time.Now())
	if err != nil {
		return err
	}
	return resetWithRequest(ctx, adm, p, req, plan)
}

// resetWithRequest plans (and applies) one group's seek request; kafka-streams-groups.sh
// comes here with its own partitions.
func resetWithRequest(ctx context.Context, adm *cmdutil.Admin, p *Parsed, req group.SeekRequest, plan *resetPlan) error {
	plan.groups++
	if req.AllTopics {
		if empty, err := noCommits(ctx, adm, req.Group); err != nil || empty {
			return err
		}
	}
	if p.Has("to-current") {
		return resetToCurrent(ctx, adm, req, plan)
	}
	res, err := group.Seek(ctx, adm, req, time.Now())
	if err != nil {
		return javaSeekError(err)
	}
	if refuseActive(res, plan) {
		return nil
	}
	if err := rowErrors(res); err != nil {
		return err
	}
	if p.Has("to-datetime") || p.Has("by-duration") {
		if err := emptyAfterTime(ctx, adm, req.To, res, plan); err != nil {
			return err
		}
	}
	addRows(plan, res, nil)
	return nil
}

// seekRequest translates the Java scenario into a kafkit seek spec.
func seekRequest(p *Parsed, g string, csvData []byte, now time.Time) (group.SeekRequest, error) {
	req := group.SeekRequest{Group: g, Topics: p.Values("topic"), AllTopics: p.Has("all-topics"), Execute: p.Has("execute") && !p.Has("dry-run")}
	switch {
	case p.Has("to-earliest"):
		req.To = "start"
	case p.Has("to-latest"), p.Has("to-current"):
		req.To = "end"
	case p.Has("to-offset"):
		n, err := strconv.ParseInt(p.Value("to-offset"), 10, 64)
		if err != nil {
			return req, &usageMessage{fmt.Sprintf("Cannot parse argument '%s' of option to-offset", p.Value("to-offset"))}
		}
		req.To = strconv.FormatInt(max(n, 0), 10)
	case p.Has("shift-by"):
		n, err := strconv.ParseInt(p.Value("shift-by"), 10, 64)
		if err != nil {
			return req, &usageMessage{fmt.Sprintf("Cannot parse argument '%s' of option shift-by", p.Value("shift-by"))}
		}
		req.To = fmt.Sprintf("%+d", n)
	case p.Has("to-datetime"):
		ms, err := javaDateTime(p.Value("to-datetime"))
		if err != nil {
			return req, err
		}
		req.To = "@" + strconv.FormatInt(ms, 10)
	case p.Has("by-duration"):
		d, err := javaDuration(p.Value("by-duration"))
		if err != nil {
			return req, err
		}
		req.To = "@" + strconv.FormatInt(now.Add(-d).UnixMilli(), 10)
	case p.Has("from-file"):
		req.CSV, req.Topics, req.AllTopics = csvData, nil, false
	}
	return req, nil
}

func noCommits(ctx context.Context, adm *cmdutil.Admin, g string) (bool, error) {
	offs, err := adm.FetchOffsets(ctx, g)
	if err != nil {
		return false, err
	}
	n := 0
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			n++
		}
	})
	return n == 0, nil
}

// refuseActive is Java's check: only an Empty (or Dead) group is reset.
func refuseActive(res group.SeekResult, plan *resetPlan) bool {
	if res.Members == 0 && (res.State == "Empty" || res.State == "Dead" || res.State == "does not exist") {
		return false
	}
	plan.messages = append(plan.messages, "", fmt.Sprintf("Error: Assignments can only be reset if the group '%s' is inactive, but the current state is %s.", res.Group, res.State))
	plan.refused = true
	return true
}

// rowErrors turns the plan's first partition error into the Java tool's failure.
func rowErrors(res group.SeekResult) error {
	for _, r := range res.Plan {
		switch {
		case r.Error == "":
		case strings.Contains(r.Error, "no committed offset"):
			return &usageMessage{fmt.Sprintf("Cannot shift offset for partition %s-%d since there is no current committed offset", r.Topic, r.Partition)}
		default:
			return fmt.Errorf("%s-%d: %s", r.Topic, r.Partition, r.Error)
		}
	}
	return nil
}

// javaSeekError words the seek engine's refusals as the Java tool's exceptions.
func javaSeekError(err error) error {
	if msg := err.Error(); strings.Contains(msg, "does not exist") && strings.HasPrefix(msg, "topic") {
		return errors.New(kerr.UnknownTopicOrPartition.Description)
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Code == cmdutil.ExitUsage {
		return &usageMessage{ee.Err.Error()}
	}
	return err
}

// resetToCurrent is Java's --to-current: the committed offset, or the log end for a partition
// without one; applied through the seek engine's --to-file path.
func resetToCurrent(ctx context.Context, adm *cmdutil.Admin, req group.SeekRequest, plan *resetPlan) error {
	execute := req.Execute
	req.Execute = false
	res, err := group.Seek(ctx, adm, req, time.Now())
	if err != nil {
		return javaSeekError(err)
	}
	if refuseActive(res, plan) {
		return nil
	}
	if err := rowErrors(res); err != nil {
		return err
	}
	target := map[string]int64{}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range res.Plan {
		o := *r.New
		if r.Current != nil {
			o = *r.Current
		}
		target[fmt.Sprintf("%s/%d", r.Topic, r.Partition)] = o
		_ = w.Write([]string{r.Topic, strconv.Itoa(int(r.Partition)), strconv.FormatInt(o, 10)})
	}
	w.Flush()
	if execute && len(res.Plan) > 0 {
		applied, err := group.Seek(ctx, adm, group.SeekRequest{Group: req.Group, CSV: b.Bytes(), Execute: true}, time.Now())
		if err != nil {
			return javaSeekError(err)
		}
		if err := rowErrors(applied); err != nil {
			return err
		}
	}
	addRows(plan, res, target)
	return nil
}

// emptyAfterTime prints Java's warning for each partition without a record at or after the
// time (the seek engine moves those to the log end, as Java does).
func emptyAfterTime(ctx context.Context, adm *cmdutil.Admin, to string, res group.SeekResult, plan *resetPlan) error {
	ms, _ := strconv.ParseInt(strings.TrimPrefix(to, "@"), 10, 64)
	topics := map[string]bool{}
	for _, r := range res.Plan {
		topics[r.Topic] = true
	}
	if len(topics) == 0 {
		return nil
	}
	listed, err := adm.ListOffsetsAfterMilli(ctx, ms, sortedKeys(topics)...)
	if err != nil {
		return err
	}
	for _, r := range res.Plan {
		if o, ok := listed.Lookup(r.Topic, r.Partition); ok && o.Err == nil && (o.Offset < 0 || o.Timestamp < 0) { // kadm lists the end for those, without a timestamp
			plan.messages = append(plan.messages, "", fmt.Sprintf("Warn: Partition %d from topic %s is empty. Falling back to latest known offset.", r.Partition, r.Topic))
		}
	}
	return nil
}

func addRows(plan *resetPlan, res group.SeekResult, target map[string]int64) {
	for _, r := range res.Plan {
		o := *r.New
		if t, ok := target[fmt.Sprintf("%s/%d", r.Topic, r.Partition)]; ok {
			o = t
		}
		plan.rows = append(plan.rows, resetRow{group: res.Group, topic: r.Topic, partition: r.Partition, offset: o})
	}
}

// jacksonCSV quotes a CSV string column as the Java tool's Jackson CsvMapper does: strings
// longer than 24 characters always (it does not scan those), shorter ones when they hold a
// separator, a quote, a control character or start with the comment character '#'.
func jacksonCSV(s string) string {
	quote := len(s) > 24 || strings.HasPrefix(s, "#")
	for _, c := range s {
		quote = quote || c == ',' || c == '"' || c < ' '
	}
	if !quote {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// printResetPlan prints the table, or with --export the CSV (with the group column unless a
// single --group was given), as the Java tool does.
func printResetPlan(e *Env, p *Parsed, plan resetPlan) {
	out := e.IO.Out
	for _, m := range plan.messages {
		fmt.Fprintln(out, m)
	}
	if p.Has("export") {
		single := len(p.Values("group")) == 1 && !p.Has("all-groups")
		for _, r := range plan.rows {
			line := jacksonCSV(r.topic) + "," + strconv.Itoa(int(r.partition)) + "," + strconv.FormatInt(r.offset, 10)
			if !single {
				line = jacksonCSV(r.group) + "," + line
			}
			fmt.Fprintln(out, line)
		}
		fmt.Fprintln(out)
		return
	}
	format := "\n%-30s %-30s %-10s %-15s"
	if plan.groups > 0 {
		fmt.Fprintf(out, format, "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET")
	}
	for _, r := range plan.rows {
		fmt.Fprintf(out, format, r.group, r.topic, strconv.Itoa(int(r.partition)), strconv.FormatInt(r.offset, 10))
	}
	fmt.Fprintln(out)
}
