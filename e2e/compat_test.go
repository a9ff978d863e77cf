//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// compatCase is one kafka-*.sh command line run through the real Java tool and through kafkit
// (invoked by the script's name) on the same cluster state; stdout and the exit code must match
// after compatNormalize.
type compatCase struct {
	name   string
	script string // kafka-topics.sh
	args   string // split on spaces; {B} is the bootstrap list, {T} the case's topic, {R} a regex of it
	// mutates: each tool gets its own topic ({T} differs) and the side effects are compared.
	mutates bool
	// setup creates what the command needs, for the topic the tool will see.
	setup func(t *testing.T, topic string)
	// state describes the side effect on topic, compared between the tools (mutating cases).
	state func(t *testing.T, topic string) string
	// sorted: the Java tool's line order is not defined (hash order): compare sorted lines.
	sorted bool
	stdin  string
	// javaExitsZero: the Java tool exits 0 after printing an error; kafkit exits 1 (a
	// documented difference in the README).
	javaExitsZero bool
	// volatile: numbers change between the two runs (offsets, timestamps): compare with digit
	// runs and padding collapsed.
	volatile bool
	// file is written per tool (with {T} expanded) and its path replaces {F} in args.
	file string
}

var compatClasses = map[string]string{
	"kafka-acls.sh":                   "org.apache.kafka.tools.AclCommand",
	"kafka-topics.sh":                 "org.apache.kafka.tools.TopicCommand",
	"kafka-console-consumer.sh":       "org.apache.kafka.tools.consumer.ConsoleConsumer",
	"kafka-console-producer.sh":       "org.apache.kafka.tools.ConsoleProducer",
	"kafka-consumer-groups.sh":        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
	"kafka-get-offsets.sh":            "org.apache.kafka.tools.GetOffsetShell",
	"kafka-metadata-quorum.sh":        "org.apache.kafka.tools.MetadataQuorumCommand",
	"kafka-configs.sh":                "kafka.admin.ConfigCommand",
	"kafka-delete-records.sh":         "org.apache.kafka.tools.DeleteRecordsCommand",
	"kafka-producer-perf-test.sh":     "org.apache.kafka.tools.ProducerPerformance",
	"kafka-consumer-perf-test.sh":     "org.apache.kafka.tools.ConsumerPerformance",
	"kafka-e2e-latency.sh":            "org.apache.kafka.tools.EndToEndLatency",
	"kafka-transactions.sh":           "org.apache.kafka.tools.TransactionsCommand",
	"kafka-leader-election.sh":        "org.apache.kafka.tools.LeaderElectionCommand",
	"kafka-log-dirs.sh":               "org.apache.kafka.tools.LogDirsCommand",
	"kafka-features.sh":               "org.apache.kafka.tools.FeatureCommand",
	"kafka-cluster.sh":                "org.apache.kafka.tools.ClusterTool",
	"kafka-reassign-partitions.sh":    "org.apache.kafka.tools.reassign.ReassignPartitionsCommand",
	"kafka-groups.sh":                 "org.apache.kafka.tools.GroupsCommand",
	"kafka-share-groups.sh":           "org.apache.kafka.tools.consumer.group.ShareGroupCommand",
	"kafka-streams-groups.sh":         "org.apache.kafka.tools.streams.StreamsGroupCommand",
	"kafka-console-share-consumer.sh": "org.apache.kafka.tools.consumer.ConsoleShareConsumer",
}

// compatNormalize drops what only the JVM prints (log4j lines and stack traces) and the given
// names, so that the two tools' outputs compare.
func compatNormalize(s string, names map[string]string, sorted bool) string {
	logLine := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} \[.*\] (ERROR|WARN|INFO) `)
	more := regexp.MustCompile(`^\t\.\.\. \d+ more$`)
	var lines []string
	inLog := false
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if logLine.MatchString(l) {
			inLog = true
			continue
		}
		// A log line's stack trace, and the empty line log4j ends it with.
		if inLog && (l == "" || strings.HasPrefix(l, "\tat ") || strings.HasPrefix(l, "Caused by: ") || more.MatchString(l)) {
			continue
		}
		inLog = false
		for from, to := range names {
			l = strings.ReplaceAll(l, from, to)
		}
		lines = append(lines, l)
	}
	if sorted {
		sort.Strings(lines)
	}
	return strings.Join(lines, "\n") + "\n"
}

// compatLink is a directory with kafkit linked under every script name.
func compatLink(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for script := range compatClasses {
		if err := os.Symlink(binPath, filepath.Join(dir, script)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCompatCase(t *testing.T, dir string, c compatCase) {
	base := Unique(t, "compat")
	topics := map[string]string{"java": base, "kafkit": base}
	if c.mutates {
		topics = map[string]string{"java": base + "-j", "kafkit": base + "-k"}
	}
	if c.setup != nil {
		c.setup(t, topics["java"])
		if c.mutates {
			c.setup(t, topics["kafkit"])
		}
	}
	expand := func(topic string) []string {
		file := ""
		if c.file != "" {
			file = WriteFile(t, topic+".json", strings.ReplaceAll(c.file, "{T}", topic))
		}
		a := strings.NewReplacer("{B}", Brokers(), "{T}", topic, "{R}", regexp.QuoteMeta(topic)+".*", "{F}", file).Replace(c.args)
		return strings.Fields(a)
	}
	j := JavaTool(t, c.stdin, compatClasses[c.script], expand(topics["java"])...)
	k := run(t.Context(), nil, c.stdin, filepath.Join(dir, c.script), expand(topics["kafkit"])...)
	names := map[string]string{topics["java"]: "{T}", topics["kafkit"]: "{T}"}
	jo, ko := compatNormalize(j.Stdout, names, c.sorted), compatNormalize(k.Stdout, names, c.sorted)
	if c.volatile {
		digits, pad := regexp.MustCompile(`[0-9]+`), regexp.MustCompile(` +`)
		jo, ko = pad.ReplaceAllString(digits.ReplaceAllString(jo, "N"), " "), pad.ReplaceAllString(digits.ReplaceAllString(ko, "N"), " ")
	}
	wantK := j.Code
	if c.javaExitsZero && j.Code == 0 {
		wantK = 1
	}
	if jo != ko || k.Code != wantK {
		t.Errorf("%s %s\njava (exit %d):\n%s\nkafkit (exit %d):\n%s\nkafkit stderr:\n%s", c.script, c.args, j.Code, jo, k.Code, ko, k.Stderr)
	}
	if c.state != nil {
		js, ks := c.state(t, topics["java"]), c.state(t, topics["kafkit"])
		if js != ks {
			t.Errorf("side effects differ:\njava:   %s\nkafkit: %s", js, ks)
		}
	}
	if k.Elapsed > 0 && j.Elapsed > 0 {
		t.Logf("java %s, kafkit %s (%.0fx)", j.Elapsed.Round(time.Millisecond), k.Elapsed.Round(time.Millisecond), float64(j.Elapsed)/float64(k.Elapsed))
	}
}

// compatTopic creates a topic with partitions and replication factor and optional configs.
func compatTopic(partitions int32, rf int16, configs map[string]*string) func(t *testing.T, topic string) {
	return func(t *testing.T, topic string) {
		t.Helper()
		adm := Admin(t)
		if _, err := adm.CreateTopic(t.Context(), partitions, rf, configs, topic); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = Admin(t).DeleteTopics(context.Background(), topic) }) // t.Context() is done when cleanups run
		compatWaitTopic(t, adm, topic, int(partitions))
	}
}

func compatWaitTopic(t *testing.T, adm *kadm.Client, topic string, partitions int) {
	t.Helper()
	for i := 0; i < 150; i++ {
		td, err := adm.ListTopics(t.Context(), topic)
		if err == nil && td.Has(topic) && len(td[topic].Partitions) == partitions && td[topic].Err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("topic %s not ready", topic)
}

// compatTopicState is the topic's shape: partition count, replication factor, overrides.
func compatTopicState(t *testing.T, topic string) string {
	t.Helper()
	adm := Admin(t)
	time.Sleep(300 * time.Millisecond)
	td, err := adm.ListTopics(t.Context(), topic)
	if err != nil || !td.Has(topic) {
		return "absent"
	}
	d := td[topic]
	rc, _ := adm.DescribeTopicConfigs(t.Context(), topic)
	var overrides []string
	for _, r := range rc {
		for _, c := range r.Configs {
			if c.Source.String() == "DYNAMIC_TOPIC_CONFIG" && c.Value != nil {
				overrides = append(overrides, c.Key+"="+*c.Value)
			}
		}
	}
	sort.Strings(overrides)
	t.Cleanup(func() { _, _ = Admin(t).DeleteTopics(context.Background(), topic) }) // t.Context() is done when cleanups run
	return strings.Join([]string{itoa(len(d.Partitions)), itoa(d.Partitions.NumReplicas()), strings.Join(overrides, ",")}, " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCompatTopics(t *testing.T) {
	dir := compatLink(t)
	retention := "86400000"
	cases := []compatCase{
		{name: "list-exclude-internal", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --exclude-internal --topic {R}", setup: compatTopic(3, 2, nil)},
		{name: "list-regex", script: "kafka-topics.sh", args: "--bootstrap-server={B} --list --topic {R}", setup: compatTopic(1, 1, nil)},
		{name: "list-nothing-matches", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --topic {T}-none"},
		{name: "describe", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T}", setup: compatTopic(3, 3, map[string]*string{"retention.ms": &retention})},
		{name: "describe-regex", script: "kafka-topics.sh", args: "--describe --topic {R} --bootstrap-server {B}", setup: compatTopic(6, 2, nil)},
		{name: "describe-under-replicated-none", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --under-replicated-partitions", setup: compatTopic(2, 3, nil)},
		{name: "describe-at-min-isr", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --at-min-isr-partitions", setup: compatTopic(2, 2, nil)},
		{name: "describe-under-min-isr", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --under-min-isr-partitions", setup: compatTopic(2, 1, nil)},
		{name: "describe-unavailable-none", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --unavailable-partitions", setup: compatTopic(2, 3, nil)},
		{name: "describe-with-overrides", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --topics-with-overrides", setup: compatTopic(1, 1, map[string]*string{"retention.ms": &retention})},
		{name: "describe-missing", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T}"},
		{name: "describe-missing-if-exists", script: "kafka-topics.sh", args: "--bootstrap-server {B} --describe --topic {T} --if-exists"},
		{name: "create", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 3 --replication-factor 3", mutates: true, state: compatTopicState},
		{name: "create-configs", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 2 --replication-factor 2 --config retention.ms=1000 --config cleanup.policy=compact", mutates: true, state: compatTopicState},
		{name: "create-equals-syntax", script: "kafka-topics.sh", args: "--bootstrap-server={B} --create --topic={T} --partitions=1", mutates: true, state: compatTopicState},
		{name: "create-assignment", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --replica-assignment 1:2,2:3,3:1", mutates: true, state: compatTopicState},
		{name: "create-exists", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 1", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "create-if-not-exists", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 1 --if-not-exists", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "create-rf-too-big", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 1 --replication-factor 5", mutates: true, state: compatTopicState},
		{name: "create-bad-config", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --config retention.ms=abc", mutates: true, state: compatTopicState},
		{name: "create-collision-warning", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T}.x_y --partitions 1", mutates: true},
		{name: "alter-partitions", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --partitions 4", setup: compatTopic(2, 2, nil), mutates: true, state: compatTopicState},
		{name: "alter-fewer-partitions", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --partitions 1", setup: compatTopic(2, 2, nil), mutates: true, state: compatTopicState},
		{name: "alter-missing", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --partitions 4", mutates: true},
		{name: "alter-missing-if-exists", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --partitions 4 --if-exists", mutates: true},
		{name: "delete", script: "kafka-topics.sh", args: "--bootstrap-server {B} --delete --topic {T}", setup: compatTopic(1, 1, nil), mutates: true, state: compatTopicState},
		{name: "delete-missing", script: "kafka-topics.sh", args: "--bootstrap-server {B} --delete --topic {T}", mutates: true},
		{name: "delete-missing-if-exists", script: "kafka-topics.sh", args: "--bootstrap-server {B} --delete --topic {T} --if-exists", mutates: true},
		{name: "no-action", script: "kafka-topics.sh", args: "--bootstrap-server {B}"},
		{name: "two-actions", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --describe"},
		{name: "unknown-option", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --bogus"},
		{name: "abbreviation-refused", script: "kafka-topics.sh", args: "--bootstrap-ser {B} --list"},
		{name: "missing-argument", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --topic"},
		{name: "create-without-topic", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --partitions 1"},
		{name: "alter-config-refused", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --config a=b"},
		{name: "rf-with-alter", script: "kafka-topics.sh", args: "--bootstrap-server {B} --alter --topic {T} --partitions 2 --replication-factor 2"},
		{name: "bad-partitions-number", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions x"},
		{name: "zero-partitions", script: "kafka-topics.sh", args: "--bootstrap-server {B} --create --topic {T} --partitions 0"},
		{name: "repeated-topic", script: "kafka-topics.sh", args: "--bootstrap-server {B} --list --topic a --topic b"},
		{name: "version", script: "kafka-topics.sh", args: "--version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
