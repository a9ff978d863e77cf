package partition

// Replication throttles, set as kafka-reassign-partitions.sh sets them: a rate on every broker a
// moving partition touches, and on each moving topic the replicas the rate applies to (the
// current replicas as leaders, the new ones as followers). They are removed when the
// reassignment ends; Throttles finds the ones left behind.

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/settle"
)

// The throttle configs.
const (
	LeaderRate       = "leader.replication.throttled.rate"
	FollowerRate     = "follower.replication.throttled.rate"
	LeaderReplicas   = "leader.replication.throttled.replicas"
	FollowerReplicas = "follower.replication.throttled.replicas"
)

// TopicThrottle is one topic's throttled replica lists ("partition:broker,...").
type TopicThrottle struct {
	Topic    string `json:"topic"`
	Leader   string `json:"leader_replicas,omitempty"`
	Follower string `json:"follower_replicas,omitempty"`
}

// BrokerThrottle is one broker's throttle rates in bytes/s ("" when unset).
type BrokerThrottle struct {
	Broker   int32  `json:"broker"`
	Leader   string `json:"leader_rate,omitempty"`
	Follower string `json:"follower_rate,omitempty"`
}

// Throttles are the throttles set on a cluster, or to set for a plan.
type Throttles struct {
	Brokers []BrokerThrottle `json:"brokers"`
	Topics  []TopicThrottle  `json:"topics"`
}

// Empty reports whether no throttle is set.
func (t Throttles) Empty() bool { return len(t.Brokers) == 0 && len(t.Topics) == 0 }

// BrokerIDs and TopicNames list where throttles are.
func (t Throttles) BrokerIDs() []int32 {
	var ids []int32
	for _, b := range t.Brokers {
		ids = append(ids, b.Broker)
	}
	return ids
}

func (t Throttles) TopicNames() []string {
	var out []string
	for _, x := range t.Topics {
		out = append(out, x.Topic)
	}
	return out
}

// Describe says in one line where throttles are.
func (t Throttles) Describe() string {
	var parts []string
	if len(t.Brokers) > 0 {
		parts = append(parts, "brokers "+joinIDs(t.BrokerIDs()))
	}
	if len(t.Topics) > 0 {
		parts = append(parts, "topics "+strings.Join(t.TopicNames(), ", "))
	}
	return strings.Join(parts, " and ")
}

// ThrottlesFor computes the throttles of moves at rate bytes/s (pure).
func ThrottlesFor(moves []Move, rate int64) Throttles {
	brokers := map[int32]bool{}
	lead, follow := map[string][]string{}, map[string][]string{}
	var topics []string
	for _, m := range moves {
		if _, ok := lead[m.Topic]; !ok {
			topics = append(topics, m.Topic)
			lead[m.Topic], follow[m.Topic] = []string{}, []string{}
		}
		for _, b := range m.From {
			brokers[b] = true
			lead[m.Topic] = append(lead[m.Topic], fmt.Sprintf("%d:%d", m.Partition, b))
		}
		for _, b := range m.To {
			brokers[b] = true
		}
		for _, b := range m.Adding {
			follow[m.Topic] = append(follow[m.Topic], fmt.Sprintf("%d:%d", m.Partition, b))
		}
	}
	var t Throttles
	ids := make([]int32, 0, len(brokers))
	for b := range brokers {
		ids = append(ids, b)
	}
	sortIDs(ids)
	r := strconv.FormatInt(rate, 10)
	for _, b := range ids {
		t.Brokers = append(t.Brokers, BrokerThrottle{Broker: b, Leader: r, Follower: r})
	}
	sort.Strings(topics)
	for _, n := range topics {
		t.Topics = append(t.Topics, TopicThrottle{Topic: n, Leader: strings.Join(lead[n], ","), Follower: strings.Join(follow[n], ",")})
	}
	return t
}

// SetThrottles sets t on the cluster (IncrementalAlterConfigs SET) and returns once the brokers
// show it (at most 5 s), so no replica starts moving before its broker throttles it.
func SetThrottles(ctx context.Context, adm *cmdutil.Admin, t Throttles) error {
	ch := settle.Changes{}
	defer settle.Configs(ctx, adm, ch)
	for _, b := range t.Brokers {
		cfgs := []kadm.AlterConfig{{Name: LeaderRate, Value: kmsg.StringPtr(b.Leader)}, {Name: FollowerRate, Value: kmsg.StringPtr(b.Follower)}}
		if err := alterErr(adm.AlterBrokerConfigs(ctx, cfgs, b.Broker)); err != nil {
			return fmt.Errorf("cannot set the throttle rate on broker %d: %v", b.Broker, err)
		}
		ch.AddAlters(brokerResource(b.Broker), cfgs)
	}
	for _, x := range t.Topics {
		cfgs := []kadm.AlterConfig{{Name: LeaderReplicas, Value: kmsg.StringPtr(x.Leader)}}
		if x.Follower != "" {
			cfgs = append(cfgs, kadm.AlterConfig{Name: FollowerReplicas, Value: kmsg.StringPtr(x.Follower)})
		}
		if err := alterErr(adm.AlterTopicConfigs(ctx, cfgs, x.Topic)); err != nil {
			return fmt.Errorf("cannot set the throttled replicas of topic %q: %v", x.Topic, err)
		}
		ch.AddAlters(settle.Resource{Type: kmsg.ConfigResourceTypeTopic, Name: x.Topic}, cfgs)
	}
	return nil
}

func brokerResource(id int32) settle.Resource {
	return settle.Resource{Type: kmsg.ConfigResourceTypeBroker, Name: strconv.Itoa(int(id))}
}

// ClearThrottles removes the throttle configs from the brokers and topics (IncrementalAlterConfigs
// DELETE); every broker and topic is tried and the first error returned. It returns once the
// brokers show the removals (at most 5 s).
func ClearThrottles(ctx context.Context, adm *cmdutil.Admin, brokers []int32, topics []string) error {
	var first error
	del := func(names ...string) []kadm.AlterConfig {
		var out []kadm.AlterConfig
		for _, n := range names {
			out = append(out, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: n})
		}
		return out
	}
	ch := settle.Changes{}
	for _, b := range brokers {
		cfgs := del(LeaderRate, FollowerRate)
		if err := alterErr(adm.AlterBrokerConfigs(ctx, cfgs, b)); err != nil {
			first = cmp.Or(first, fmt.Errorf("cannot remove the throttle rate of broker %d: %v", b, err))
		} else {
			ch.AddAlters(brokerResource(b), cfgs)
		}
	}
	for _, n := range topics {
		cfgs := del(LeaderReplicas, FollowerReplicas)
		if err := alterErr(adm.AlterTopicConfigs(ctx, cfgs, n)); err != nil {
			first = cmp.Or(first, fmt.Errorf("cannot remove the throttled replicas of topic %q: %v", n, err))
		} else {
			ch.AddAlters(settle.Resource{Type: kmsg.ConfigResourceTypeTopic, Name: n}, cfgs)
		}
	}
	settle.Configs(ctx, adm, ch)
	return first
}

func alterErr(rs kadm.AlterConfigsResponses, err error) error {
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Err != nil {
			if r.ErrMessage != "" {
				return fmt.Errorf("%v: %s", r.Err, r.ErrMessage)
			}
			return r.Err
		}
	}
	return nil
}

// FindThrottles reads the throttles set on the live brokers and on every topic.
func FindThrottles(ctx context.Context, adm *cmdutil.Admin, st State) (Throttles, error) {
	var t Throttles
	brs, err := adm.DescribeBrokerConfigs(ctx, st.BrokerIDs()...)
	if err != nil {
		return t, fmt.Errorf("cannot describe the broker configs: %v", err)
	}
	for _, r := range brs {
		id, _ := strconv.Atoi(r.Name)
		bt := BrokerThrottle{Broker: int32(id)}
		for _, c := range r.Configs {
			if c.Source != kmsg.ConfigSourceDynamicBrokerConfig {
				continue
			}
			switch c.Key {
			case LeaderRate:
				bt.Leader = c.MaybeValue()
			case FollowerRate:
				bt.Follower = c.MaybeValue()
			}
		}
		if bt.Leader != "" || bt.Follower != "" {
			t.Brokers = append(t.Brokers, bt)
		}
	}
	sort.Slice(t.Brokers, func(i, j int) bool { return t.Brokers[i].Broker < t.Brokers[j].Broker })
	topics, err := topicThrottles(ctx, adm, sortedTopics(st.Topics))
	t.Topics = topics
	return t, err
}

func topicThrottles(ctx context.Context, adm *cmdutil.Admin, names []string) ([]TopicThrottle, error) {
	if len(names) == 0 {
		return nil, nil
	}
	rs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("cannot describe the topic configs: %v", err)
	}
	var out []TopicThrottle
	for _, r := range rs {
		tt := TopicThrottle{Topic: r.Name}
		for _, c := range r.Configs {
			if c.Source != kmsg.ConfigSourceDynamicTopicConfig {
				continue
			}
			switch c.Key {
			case LeaderReplicas:
				tt.Leader = c.MaybeValue()
			case FollowerReplicas:
				tt.Follower = c.MaybeValue()
			}
		}
		if tt.Leader != "" || tt.Follower != "" {
			out = append(out, tt)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out, nil
}

// ParseRate parses a throttle in bytes per second: 52428800, 50MB, 50MiB, 500KB, 1GB (KB, MB,
// GB are powers of 1000; KiB, MiB, GiB of 1024; a trailing "/s" is allowed).
func ParseRate(s string) (int64, error) {
	v := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	mult := int64(1)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(v), strings.ToUpper(u.suffix)) && len(v) > len(u.suffix) {
			v, mult = v[:len(v)-len(u.suffix)], u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad rate %q: give bytes per second, e.g. 52428800, 50MB or 50MiB", s)
	}
	return n * mult, nil
}
