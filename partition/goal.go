package partition

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// goalFlags are the flags that say what a plan should achieve (plan and execute share them).
type goalFlags struct {
	Topics  string
	Topic   []string
	Brokers string
	Drain   string
	RF      int
}

func (g *goalFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&g.Topics, "topics", "", "the topics to move, a regular expression matched against whole names (default: every topic)")
	fl.StringArrayVar(&g.Topic, "topic", nil, "a topic to move, by exact name (repeatable)")
	fl.StringVar(&g.Brokers, "brokers", "", "spread the replicas evenly over these brokers, e.g. 1,2,3,4")
	fl.StringVar(&g.Drain, "drain", "", "move every replica off these brokers, e.g. 4 (only partitions on them change)")
	fl.IntVar(&g.RF, "replication-factor", 0, "change the replication factor of the selected topics to N")
}

func (g *goalFlags) given() bool {
	return g.Topics != "" || len(g.Topic) > 0 || g.Brokers != "" || g.Drain != "" || g.RF != 0
}

// goalSpec is the parsed goal: which topics, and what to do with them.
type goalSpec struct {
	pattern string
	re      *regexp.Regexp
	exact   []string
	goal    Goal
}

// parse validates the flags (usage errors, exit 2, before any request).
func (g *goalFlags) parse() (goalSpec, error) {
	var s goalSpec
	if g.Brokers == "" && g.Drain == "" && g.RF == 0 {
		return s, cmdutil.UsageErrorf("say what the plan should do: --drain BROKER, --brokers 1,2,3 (spread over them) or --replication-factor N")
	}
	if g.RF < 0 || g.RF > 32767 {
		return s, cmdutil.UsageErrorf("--replication-factor must be between 1 and 32767, got %d", g.RF)
	}
	if g.RF > 0 && g.Topics == "" && len(g.Topic) == 0 {
		return s, cmdutil.UsageErrorf("--replication-factor needs the topics it applies to: --topic NAME or --topics REGEX")
	}
	var err error
	if g.Topics != "" {
		s.pattern = g.Topics
		if s.re, err = cmdutil.NameRegex(g.Topics); err != nil {
			return s, cmdutil.UsageErrorf("--topics: %v", err)
		}
	}
	s.exact = g.Topic
	s.goal.ReplicationFactor = g.RF
	if g.Brokers != "" {
		if s.goal.Brokers, err = ParseBrokerList(g.Brokers); err != nil {
			return s, cmdutil.UsageErrorf("--brokers: %v", err)
		}
	}
	if g.Drain != "" {
		if s.goal.Drain, err = ParseBrokerList(g.Drain); err != nil {
			return s, cmdutil.UsageErrorf("--drain: %v", err)
		}
	}
	return s, nil
}

// describe says the goal in words, for messages.
func (s goalSpec) describe() string {
	var parts []string
	if len(s.goal.Drain) > 0 {
		parts = append(parts, "drain broker "+joinIDs(s.goal.Drain))
	}
	if len(s.goal.Brokers) > 0 {
		parts = append(parts, "spread over brokers "+joinIDs(s.goal.Brokers))
	}
	if s.goal.ReplicationFactor > 0 {
		parts = append(parts, fmt.Sprintf("replication factor %d", s.goal.ReplicationFactor))
	}
	return strings.Join(parts, ", ")
}

// planGoal fetches the cluster and computes the plan of a goal. Unknown topics and goals the
// cluster cannot meet are usage errors: nothing is sent.
func planGoal(ctx context.Context, adm *cmdutil.Admin, s goalSpec) (State, Plan, error) {
	st, err := FetchState(ctx, adm, s.exact...)
	if err != nil {
		return st, Plan{}, err
	}
	if s.re != nil || len(s.exact) == 0 {
		if st, err = FetchState(ctx, adm); err != nil {
			return st, Plan{}, err
		}
	}
	parts, missing := st.Select(s.re, s.exact)
	if len(missing) > 0 {
		return st, Plan{}, cmdutil.UsageErrorf("topic %q does not exist", missing[0])
	}
	if len(parts) == 0 {
		return st, Plan{}, cmdutil.UsageErrorf("no topic matches --topics %q", s.pattern)
	}
	if len(s.goal.Drain) > 0 {
		parts = onBrokers(parts, s.goal.Drain)
	}
	p, err := Compute(parts, st.Brokers, s.goal)
	if err != nil {
		return st, p, cmdutil.UsageErrorf("%v", err)
	}
	return st, p, nil
}

// onBrokers keeps the partitions with a replica on one of ids.
func onBrokers(parts []Assignment, ids []int32) []Assignment {
	on := idSet(ids)
	var out []Assignment
	for _, a := range parts {
		for _, b := range a.Replicas {
			if on[b] {
				out = append(out, a)
				break
			}
		}
	}
	return out
}
