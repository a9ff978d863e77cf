package topic

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/settle"
)

// fetchMetadata issues a fresh metadata request (never kgo's cache: commands read right after
// writing) for the named topics, or every topic when names is empty. Missing topics come back
// with Err kerr.UnknownTopicOrPartition; the request never auto-creates topics.
func fetchMetadata(ctx context.Context, cl kmsg.Requestor, names ...string) (kadm.Metadata, error) {
	req := kmsg.NewPtrMetadataRequest()
	if len(names) > 0 {
		req.Topics = []kmsg.MetadataRequestTopic{}
		for _, n := range names {
			t := kmsg.NewMetadataRequestTopic()
			t.Topic = kmsg.StringPtr(n)
			req.Topics = append(req.Topics, t)
		}
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return kadm.Metadata{}, err
	}
	m := kadm.Metadata{Controller: resp.ControllerID, Topics: kadm.TopicDetails{}}
	if resp.ClusterID != nil {
		m.Cluster = *resp.ClusterID
	}
	for _, b := range resp.Brokers {
		m.Brokers = append(m.Brokers, kgo.BrokerMetadata{NodeID: b.NodeID, Host: b.Host, Port: b.Port, Rack: b.Rack})
	}
	sort.Slice(m.Brokers, func(i, j int) bool { return m.Brokers[i].NodeID < m.Brokers[j].NodeID })
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		td := kadm.TopicDetail{Topic: *t.Topic, ID: t.TopicID, IsInternal: t.IsInternal, Partitions: kadm.PartitionDetails{}, Err: kerr.ErrorForCode(t.ErrorCode)}
		if errors.Is(td.Err, kerr.TopicAuthorizationFailed) {
			return kadm.Metadata{}, fmt.Errorf("not authorized to describe topic %q", td.Topic)
		}
		for _, p := range t.Partitions {
			td.Partitions[p.Partition] = kadm.PartitionDetail{
				Topic: td.Topic, Partition: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: p.Replicas, ISR: p.ISR, OfflineReplicas: p.OfflineReplicas,
				Err: kerr.ErrorForCode(p.ErrorCode),
			}
		}
		m.Topics[td.Topic] = td
	}
	return m, nil
}

// exists reports whether the metadata holds topic (not as an unknown-topic error).
func exists(m kadm.Metadata, topic string) bool {
	td, ok := m.Topics[topic]
	return ok && !errors.Is(td.Err, kerr.UnknownTopicOrPartition)
}

// replicationFactor is the largest replica count of the topic's partitions (they differ only
// during a reassignment).
func replicationFactor(td kadm.TopicDetail) int {
	rf := 0
	for _, p := range td.Partitions {
		rf = max(rf, len(p.Replicas))
	}
	return rf
}

// topicConfigs are one topic's described configs by key.
type topicConfigs map[string]kadm.Config

// value returns the effective value of key and whether the broker described it.
func (c topicConfigs) value(key string) (string, bool) {
	cfg, ok := c[key]
	if !ok {
		return "", false
	}
	return cfg.MaybeValue(), true
}

// minISR returns the effective min.insync.replicas, or 1 when it is not described.
func (c topicConfigs) minISR() int {
	if v, ok := c.value("min.insync.replicas"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return 1
}

// describeConfigs asks for the configs of topics; topics that fail are returned in errs with
// the broker's message.
func describeConfigs(ctx context.Context, adm *cmdutil.Admin, names []string) (map[string]topicConfigs, map[string]error, error) {
	out := map[string]topicConfigs{}
	errs := map[string]error{}
	if len(names) == 0 {
		return out, errs, nil
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil && len(rcs) == 0 {
		return nil, nil, err
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			errs[rc.Name] = kafkaErr(rc.Err, rc.ErrMessage)
			continue
		}
		tc := topicConfigs{}
		for _, c := range rc.Configs {
			tc[c.Key] = c
		}
		out[rc.Name] = tc
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			if _, ok := errs[n]; !ok {
				if err != nil {
					errs[n] = err
				} else {
					errs[n] = fmt.Errorf("no answer from the cluster")
				}
			}
		}
	}
	return out, errs, nil
}

// kafkaErr combines a Kafka error code with the broker's message, which is usually the useful
// part ("Invalid value abc for configuration retention.ms: Not a number of type LONG").
func kafkaErr(err error, msg string) error {
	if err == nil {
		return nil
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		if msg != "" && msg != ke.Message {
			return fmt.Errorf("%s: %s", ke.Message, msg)
		}
		return fmt.Errorf("%s: %s", ke.Message, strings.TrimSuffix(ke.Description, "."))
	}
	if msg != "" {
		return fmt.Errorf("%v: %s", err, msg)
	}
	return err
}

// sourceName is the Kafka name of a config source, as kafka-configs prints it.
func sourceName(s kmsg.ConfigSource) string {
	switch s {
	case kmsg.ConfigSourceDynamicTopicConfig:
		return "DYNAMIC_TOPIC_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerConfig:
		return "DYNAMIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDynamicDefaultBrokerConfig:
		return "DYNAMIC_DEFAULT_BROKER_CONFIG"
	case kmsg.ConfigSourceStaticBrokerConfig:
		return "STATIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDefaultConfig:
		return "DEFAULT_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerLoggerConfig:
		return "DYNAMIC_BROKER_LOGGER_CONFIG"
	}
	return "UNKNOWN"
}

// brokerConfigKeys returns the config keys the broker describes for an existing topic (used to
// accept keys newer than kafkit's list); empty when there is no topic to ask about.
func brokerConfigKeys(ctx context.Context, adm *cmdutil.Admin, anyTopic string) map[string]bool {
	keys := map[string]bool{}
	if anyTopic == "" {
		return keys
	}
	cfgs, _, err := describeConfigs(ctx, adm, []string{anyTopic})
	if err != nil {
		return keys
	}
	for k := range cfgs[anyTopic] {
		keys[k] = true
	}
	return keys
}

// checkConfigKeys refuses config keys the broker would reject, before any change is sent. Keys
// outside kafkit's list are looked up in what the broker describes for sample (any topic).
func checkConfigKeys(ctx context.Context, adm *cmdutil.Admin, keys []string, sample string) error {
	unknown := unknownConfigKeys(keys, nil)
	if len(unknown) == 0 {
		return nil
	}
	unknown = unknownConfigKeys(unknown, brokerConfigKeys(ctx, adm, sample))
	if len(unknown) == 0 {
		return nil
	}
	msgs := make([]string, len(unknown))
	for i, k := range unknown {
		msgs[i] = unknownConfigMessage(k)
	}
	return fmt.Errorf("%s; see https://kafka.apache.org/documentation/#topicconfigs", strings.Join(msgs, "; "))
}

// anyTopicName returns some existing non-internal topic, to ask the broker which config keys it
// knows; "" when there is none.
func anyTopicName(m kadm.Metadata) string {
	for _, n := range m.Topics.Names() {
		if exists(m, n) && !m.Topics[n].IsInternal {
			return n
		}
	}
	return ""
}

// topicID renders a topic id as Kafka does (Uuid.toString: URL-safe base64 without padding),
// so it matches kafka-topics --describe; "" for the zero id.
func topicID(id [16]byte) string {
	if id == [16]byte{} {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(id[:])
}

// waitVisible waits (at most limit) until every broker's metadata lists the topics with a
// leader for each partition, so that the next command, which may ask any broker, finds them:
// KRaft brokers learn about new topics asynchronously. It gives up silently; the topics exist.
func waitVisible(ctx context.Context, adm *cmdutil.Admin, brokers []kgo.BrokerMetadata, topics []string, limit time.Duration) {
	if len(topics) == 0 {
		return
	}
	settle.Every(ctx, nodeIDs(brokers), limit, func(ctx context.Context, id int32) bool {
		return brokerLists(ctx, adm, id, topics)
	})
}

// brokerLists reports whether broker id's metadata has the topics, each partition with a leader.
func brokerLists(ctx context.Context, adm *cmdutil.Admin, id int32, topics []string) bool {
	req := kmsg.NewPtrMetadataRequest()
	for _, n := range topics {
		t := kmsg.NewMetadataRequestTopic()
		t.Topic = kmsg.StringPtr(n)
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, adm.Kgo().Broker(int(id)))
	if err != nil || len(resp.Topics) != len(topics) {
		return false
	}
	for _, t := range resp.Topics {
		if t.ErrorCode != 0 || len(t.Partitions) == 0 {
			return false
		}
		for _, p := range t.Partitions {
			if p.Leader < 0 {
				return false
			}
		}
	}
	return true
}
