package compat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

func leaderElectionScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "admin.config", Arg: RequiredArg, Alias: "command-config", Help: "the older spelling of --command-config"},
		Option{Name: "election-type", Arg: RequiredArg, Help: "PREFERRED or UNCLEAN"},
		Option{Name: "topic", Arg: RequiredArg, Help: "the topic of the one partition to elect (with --partition)"},
		Option{Name: "partition", Arg: RequiredArg, Help: "the partition to elect (with --topic)"},
		Option{Name: "all-topic-partitions", Help: "every partition"},
		Option{Name: "path-to-json-file", Arg: RequiredArg, Help: `{"partitions": [{"topic": "foo", "partition": 1}]}`},
	)
	return &Script{
		Name:    "kafka-leader-election.sh",
		Summary: "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.",
		Native:  "kafkit partition elect",
		Options: opts,
		Run:     leaderElectionRun,
	}
}

// electionRequest is the parsed command line: the type and the partitions (nil: all).
type electionRequest struct {
	how   kadm.ElectLeadersHow
	name  string // PREFERRED, UNCLEAN
	parts []topicPartition
}

type topicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

func (tp topicPartition) String() string { return tp.Topic + "-" + strconv.Itoa(int(tp.Partition)) }

// parseElection is LeaderElectionCommandOptions.validate with its messages.
func parseElection(p *Parsed) (electionRequest, error) {
	var missing []string
	if !p.Has("bootstrap-server") {
		missing = append(missing, "bootstrap-server")
	}
	if !p.Has("election-type") {
		missing = append(missing, "election-type")
	}
	if len(missing) > 0 {
		return electionRequest{}, fmt.Errorf("Missing required option(s): %s", strings.Join(missing, ", "))
	}
	r := electionRequest{name: strings.ToUpper(p.Value("election-type"))}
	switch r.name {
	case "PREFERRED":
		r.how = kadm.ElectPreferredReplica
	case "UNCLEAN":
		r.how = kadm.ElectLiveReplica
	default:
		return r, fmt.Errorf("Cannot parse argument '%s' of option election-type", p.Value("election-type"))
	}
	n := 0
	for _, o := range []string{"topic", "all-topic-partitions", "path-to-json-file"} {
		if p.Has(o) {
			n++
		}
	}
	switch {
	case n != 1:
		return r, errors.New("One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file")
	case p.Has("topic") && !p.Has("partition"):
		return r, errors.New("Missing required option(s): partition")
	case !p.Has("topic") && p.Has("partition"):
		return r, errors.New("Option partition is only allowed if topic is used")
	case p.Has("topic"):
		n, err := strconv.ParseInt(p.Value("partition"), 10, 32)
		if err != nil {
			return r, fmt.Errorf("Cannot parse argument '%s' of option partition", p.Value("partition"))
		}
		r.parts = []topicPartition{{Topic: p.Value("topic"), Partition: int32(n)}}
	}
	return r, nil
}

// parseElectionJSON is parseReplicaElectionData: a "partitions" list, no duplicates.
func parseElectionJSON(data []byte) ([]topicPartition, error) {
	var doc struct {
		Partitions *[]topicPartition `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("the JSON file is not valid JSON: %v", err)
	}
	if doc.Partitions == nil {
		return nil, errors.New(`Replica election data is missing "partitions" field`)
	}
	seen, dups := map[topicPartition]bool{}, []string{}
	for _, tp := range *doc.Partitions {
		if seen[tp] {
			dups = append(dups, tp.String())
		}
		seen[tp] = true
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("Replica election data contains duplicate partitions: [%s]", strings.Join(dups, ", "))
	}
	return *doc.Partitions, nil
}

func leaderElectionRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(err error) error {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	r, err := parseElection(p)
	if err != nil {
		return fail(err)
	}
	if path := p.Value("path-to-json-file"); path != "" {
		data, err := config.ReadFile(path)
		if err != nil {
			return fail(err)
		}
		if r.parts, err = parseElectionJSON(data); err != nil {
			return fail(err)
		}
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	var set kadm.TopicsSet
	for _, tp := range r.parts {
		set.Add(tp.Topic, tp.Partition)
	}
	rs, err := adm.ElectLeaders(ctx, r.how, set)
	if err != nil {
		return fail(e.Explain(err))
	}
	return printElection(e, r.name, rs)
}

// printElection prints LeaderElectionCommand's three lines: succeeded, not needed (each set in
// HashSet order), then one line per failure; failures exit 1.
func printElection(e *Env, name string, rs kadm.ElectLeadersResults) error {
	var ok, noop, failed []topicPartition
	errs := map[topicPartition]string{}
	for _, ps := range rs {
		for _, res := range ps {
			tp := topicPartition{res.Topic, res.Partition}
			switch {
			case res.Err == nil:
				ok = append(ok, tp)
			case errors.Is(res.Err, kerr.ElectionNotNeeded):
				noop = append(noop, tp)
			default:
				failed = append(failed, tp)
				errs[tp] = javaAdminException(res.Err, res.ErrMessage)
			}
		}
	}
	if len(ok) > 0 {
		fmt.Fprintf(e.IO.Out, "Successfully completed leader election (%s) for partitions %s\n", name, joinHashOrder(ok))
	}
	if len(noop) > 0 {
		fmt.Fprintf(e.IO.Out, "Valid replica already elected for partitions %s\n", joinHashOrder(noop))
	}
	if len(failed) == 0 {
		return nil
	}
	for _, i := range javaHashOrder(tpHashes(sortTPs(failed))) {
		tp := failed[i]
		fmt.Fprintf(e.IO.Out, "Error completing leader election (%s) for partition: %s: %s\n", name, tp, errs[tp])
	}
	fmt.Fprintf(e.IO.ErrOut, "%d replica(s) could not be elected\n", len(failed))
	return cmdutil.SilentError
}

func sortTPs(tps []topicPartition) []topicPartition {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
	return tps
}

func tpHashes(tps []topicPartition) []int32 {
	hs := make([]int32, len(tps))
	for i, tp := range tps {
		hs[i] = javaTopicPartitionHash(tp.Topic, tp.Partition)
	}
	return hs
}

func joinHashOrder(tps []topicPartition) string {
	sortTPs(tps)
	var s []string
	for _, i := range javaHashOrder(tpHashes(tps)) {
		s = append(s, tps[i].String())
	}
	return strings.Join(s, ", ")
}
