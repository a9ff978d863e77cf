package compat

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// The five actions of kafka-topics.sh, in the order of its "exactly one action" message.
var topicActions = []string{"list", "describe", "create", "alter", "delete"}

const configsHint = " (To alter topic configurations, the kafka-configs tool can be used.)"

func topicsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "list", Help: "list all available topics"},
		Option{Name: "describe", Help: "list details for the given topics"},
		Option{Name: "create", Help: "create a new topic"},
		Option{Name: "alter", Help: "alter the number of partitions and replica assignment"},
		Option{Name: "delete", Help: "delete a topic"},
		Option{Name: "topic", Arg: RequiredArg, Help: "the topic (a regular expression except with --create)"},
		Option{Name: "topic-id", Arg: RequiredArg, Help: "the topic id to describe"},
		Option{Name: "config", Arg: RequiredArg, Repeat: true, Help: "a topic config override for --create (repeatable)"},
		Option{Name: "delete-config", Arg: RequiredArg, Unsupported: "removed from kafka-topics in Kafka 4.0; use kafkit topic alter TOPIC --delete-config KEY"},
		Option{Name: "partitions", Arg: RequiredArg, Help: "the number of partitions (--create, --alter)"},
		Option{Name: "replication-factor", Arg: RequiredArg, Help: "the replication factor (--create)"},
		Option{Name: "replica-assignment", Arg: RequiredArg, Help: "manual replica assignment b1:b2,b3:b4,... (--create, --alter)"},
		Option{Name: "under-replicated-partitions", Help: "describe only under-replicated partitions"},
		Option{Name: "unavailable-partitions", Help: "describe only partitions whose leader is not available"},
		Option{Name: "under-min-isr-partitions", Help: "describe only partitions with fewer in-sync replicas than min.insync.replicas"},
		Option{Name: "at-min-isr-partitions", Help: "describe only partitions with exactly min.insync.replicas in-sync replicas"},
		Option{Name: "topics-with-overrides", Help: "describe only topics that have overridden configs"},
		Option{Name: "if-exists", Help: "--alter, --delete, --describe: only if the topic exists"},
		Option{Name: "if-not-exists", Help: "--create: only if the topic does not exist"},
		Option{Name: "exclude-internal", Help: "--list, --describe: leave out internal topics"},
		Option{Name: "partition-size-limit-per-response", Arg: RequiredArg, Help: "partitions per DescribeTopicPartitions response"},
	)
	return &Script{
		Name:    "kafka-topics.sh",
		Summary: "Create, delete, describe, or change a topic.",
		Native:  "kafkit topic",
		Options: opts,
		Run:     topicsRun,
	}
}

func topicsRun(ctx context.Context, e *Env, p *Parsed) error {
	action, msg := checkTopicsArgs(p)
	if msg != "" {
		return usageError(e, "kafka-topics.sh", msg)
	}
	req, err := topicRequestFrom(p, action)
	if err != nil {
		return topicsFailure(e, err)
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	switch action {
	case "list":
		err = topicsList(ctx, e, req)
	case "describe":
		err = topicsDescribe(ctx, e, req)
	case "create":
		err = topicsCreate(ctx, e, req)
	case "alter":
		err = topicsAlter(ctx, e, req)
	default:
		err = topicsDelete(ctx, e, req)
	}
	if err != nil {
		return topicsFailure(e, e.Explain(err))
	}
	return nil
}

// topicsFailure prints err as TopicCommand does (on stdout, which scripts grep), and exits 1.
func topicsFailure(e *Env, err error) error {
	if ee, ok := err.(*cmdutil.ExitError); ok && ee.Code != cmdutil.ExitFailure {
		return err
	}
	fmt.Fprintf(e.IO.Out, "Error while executing topic command : %v\n", err)
	return cmdutil.SilentError
}

// checkTopicsArgs applies TopicCommand's option rules (checkArgs, checkRequiredArgs,
// checkInvalidArgs) and returns the action, or the message Java prints before its usage.
func checkTopicsArgs(p *Parsed) (string, string) {
	var actions []string
	for _, a := range topicActions {
		if p.Has(a) {
			actions = append(actions, a)
		}
	}
	if len(actions) != 1 {
		return "", "Command must include exactly one action: --list, --describe, --create, --alter or --delete"
	}
	action := actions[0]
	if action == "describe" && p.Has("if-exists") && !p.Has("topic") && !p.Has("topic-id") {
		return "", "--topic or --topic-id is required to describe a topic"
	}
	if action != "list" && action != "describe" && !p.Has("topic") {
		return "", `Missing required argument "[topic]"`
	}
	if action == "alter" {
		if p.Has("config") {
			return "", `Option combination "[bootstrap-server, config]" can't be used with option "[alter]"` + configsHint
		}
		if !p.Has("partitions") {
			return "", `Missing required argument "[partitions]"`
		}
	}
	return action, invalidTopicCombination(p, action)
}

// invalidTopicCombination is checkInvalidArgs: each option and the actions it cannot go with.
func invalidTopicCombination(p *Parsed, action string) string {
	only := []struct {
		option  string
		actions []string
	}{
		{"config", []string{"alter", "create"}},
		{"partitions", []string{"alter", "create"}},
		{"replication-factor", []string{"create"}},
		{"replica-assignment", []string{"alter", "create"}},
		{"under-replicated-partitions", []string{"describe"}},
		{"under-min-isr-partitions", []string{"describe"}},
		{"at-min-isr-partitions", []string{"describe"}},
		{"unavailable-partitions", []string{"describe"}},
		{"topics-with-overrides", []string{"describe"}},
		{"if-exists", []string{"alter", "delete", "describe"}},
		{"if-not-exists", []string{"create"}},
		{"exclude-internal", []string{"list", "describe"}},
	}
	for _, o := range only {
		if p.Has(o.option) && !contains(o.actions, action) {
			return fmt.Sprintf(`Option "[%s]" can't be used with option "[%s]"`, o.option, action)
		}
	}
	if action == "create" && p.Has("replica-assignment") {
		for _, other := range []string{"partitions", "replication-factor"} {
			if p.Has(other) {
				return fmt.Sprintf(`Option "[replica-assignment]" can't be used with option "[%s]"`, other)
			}
		}
	}
	reports := []string{"under-replicated-partitions", "under-min-isr-partitions", "at-min-isr-partitions", "unavailable-partitions"}
	if p.Has("topics-with-overrides") {
		for _, r := range reports {
			if p.Has(r) {
				return fmt.Sprintf(`Option "[%s]" can't be used with option "[topics-with-overrides]"`, r)
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// includeList is Kafka's TopicFilter.IncludeList: commas mean "or", spaces and surrounding
// quotes are dropped, and the pattern must match the whole name.
func includeList(raw string) (*regexp.Regexp, error) {
	re := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(raw), ",", "|"), " ", "")
	re = strings.TrimRight(strings.TrimLeft(re, `"'`), `"'`)
	c, err := regexp.Compile(`^(?:` + re + `)$`)
	if err != nil {
		return nil, fmt.Errorf("%s is an invalid regex.", re)
	}
	return c, nil
}

// internalTopics are Kafka's Topic.isInternal names.
var internalTopics = map[string]bool{"__consumer_offsets": true, "__transaction_state": true, "__share_group_state": true}

// selectTopics is TopicCommand's getTopics: sorted names, the include list applied, internal
// topics dropped with --exclude-internal.
func selectTopics(all []string, filter *regexp.Regexp, excludeInternal bool) []string {
	sorted := append([]string(nil), all...)
	sort.Strings(sorted)
	var out []string
	for _, n := range sorted {
		if excludeInternal && internalTopics[n] {
			continue
		}
		if filter != nil && !filter.MatchString(n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// printScriptHelp prints the options of a script, as joptsimple's help table lists them.
// Java prints it on stderr and exits 1 even for --help; kafkit prints --help on stdout, exit 0.
func printScriptHelp(io *cmdutil.IOStreams, s *Script, asked bool) error {
	w := io.ErrOut
	if asked {
		w = io.Out
	}
	fmt.Fprintf(w, "%s (kafkit compat): %s\n\nOption\tDescription\n------\t-----------\n", s.Name, s.Summary)
	for _, name := range sortedNames(s.Options) {
		o := findOption(s.Options, name)
		arg := ""
		if o.Arg == RequiredArg {
			arg = " <value>"
		}
		help := o.Help
		if o.Unsupported != "" {
			help = "not supported by kafkit: " + o.Unsupported
		}
		fmt.Fprintf(w, "--%s%s\t%s\n", name, arg, help)
	}
	if asked {
		return nil
	}
	return cmdutil.SilentError
}
