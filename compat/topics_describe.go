package compat

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func topicsList(ctx context.Context, e *Env, r *topicRequest) error {
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	names, err := topicNames(ctx, adm)
	if err != nil {
		return err
	}
	// println of the joined names: one empty line when there are none.
	fmt.Fprintln(e.IO.Out, strings.Join(selectTopics(names, r.Filter, r.ExcludeInternal), "\n"))
	return nil
}

func topicNames(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
	td, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, err
	}
	if err := td.Error(); err != nil {
		return nil, err
	}
	return td.Names(), nil
}

// describedTopic is what --describe prints for one topic.
type describedTopic struct {
	Name       string
	ID         string
	Partitions []describedPartition
	Configs    []kadm.Config // in the broker's order, as Java prints them
	MinISR     int
	Moving     map[int32]kadm.ListPartitionReassignmentsResponse
}

type describedPartition struct {
	Partition         int32
	Leader            int32 // -1: none
	Replicas, ISR     []int32
	ELR, LastKnownELR []int32
	ELRKnown          bool // false when the broker has no DescribeTopicPartitions (prints N/A)
}

func topicsDescribe(ctx context.Context, e *Env, r *topicRequest) error {
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	names, err := describeTargets(ctx, adm, r)
	if err != nil || len(names) == 0 {
		return err
	}
	topics, live, err := fetchDescribed(ctx, adm, names)
	if err != nil {
		return err
	}
	for _, t := range topics {
		printDescribed(e, r, t, live)
	}
	return nil
}

// describeTargets resolves --topic / --topic-id to names, with TopicCommand's existence check.
func describeTargets(ctx context.Context, adm *cmdutil.Admin, r *topicRequest) ([]string, error) {
	td, err := adm.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil, err
	}
	if r.TopicID != "" && r.TopicID != "AAAAAAAAAAAAAAAAAAAAAA" {
		for _, t := range td {
			if javaUUID(t.ID) == r.TopicID && !(r.ExcludeInternal && internalTopics[t.Topic]) {
				return []string{t.Topic}, nil
			}
		}
		if r.IfExists {
			return nil, nil
		}
		return nil, fmt.Errorf("TopicId '%s' does not exist as expected", r.TopicID)
	}
	names := selectTopics(td.Names(), r.Filter, r.ExcludeInternal)
	if len(names) == 0 && r.Topic != "" && !r.IfExists {
		return nil, fmt.Errorf("Topic '%s' does not exist as expected", r.Topic)
	}
	return names, nil
}

// fetchDescribed reads partitions (DescribeTopicPartitions when the cluster has it, for ELR),
// configs, live brokers and reassignments: one request of each kind.
func fetchDescribed(ctx context.Context, adm *cmdutil.Admin, names []string) ([]describedTopic, map[int32]bool, error) {
	topics, err := describePartitions(ctx, adm, names)
	if err != nil {
		return nil, nil, err
	}
	cfgs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil {
		return nil, nil, err
	}
	meta, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return nil, nil, err
	}
	live := map[int32]bool{}
	for _, b := range meta.Brokers {
		live[b.NodeID] = true
	}
	moving := map[string]map[int32]kadm.ListPartitionReassignmentsResponse{}
	if rs, err := adm.ListPartitionReassignments(ctx, nil); err == nil {
		rs.Each(func(p kadm.ListPartitionReassignmentsResponse) {
			if moving[p.Topic] == nil {
				moving[p.Topic] = map[int32]kadm.ListPartitionReassignmentsResponse{}
			}
			moving[p.Topic][p.Partition] = p
		})
	}
	for i := range topics {
		for _, rc := range cfgs {
			if rc.Name == topics[i].Name {
				if rc.Err != nil {
					return nil, nil, rc.Err
				}
				topics[i].Configs = rc.Configs
			}
		}
		topics[i].MinISR = minISR(topics[i].Configs)
		topics[i].Moving = moving[topics[i].Name]
	}
	return topics, live, nil
}

// javaUUID is Kafka's Uuid.toString: URL-safe base64 without padding.
func javaUUID(id [16]byte) string { return base64.RawURLEncoding.EncodeToString(id[:]) }

func minISR(cfgs []kadm.Config) int {
	for _, c := range cfgs {
		if c.Key == "min.insync.replicas" && c.Value != nil {
			var n int
			fmt.Sscan(*c.Value, &n)
			return n
		}
	}
	return 1
}

// describePartitions uses DescribeTopicPartitions (Kafka 3.8+) and follows its cursor; an older
// cluster answers from metadata, without ELR.
func describePartitions(ctx context.Context, adm *cmdutil.Admin, names []string) ([]describedTopic, error) {
	req := kmsg.NewPtrDescribeTopicPartitionsRequest()
	req.ResponsePartitionLimit = 2000
	for _, n := range names {
		t := kmsg.NewDescribeTopicPartitionsRequestTopic()
		t.Topic = n
		req.Topics = append(req.Topics, t)
	}
	var out []describedTopic
	for {
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			if errors.Is(err, kerr.UnsupportedVersion) || strings.Contains(err.Error(), "does not support") {
				return describeFromMetadata(ctx, adm, names)
			}
			return nil, err
		}
		out = appendDTP(out, resp)
		if resp.NextCursor == nil {
			return out, nil
		}
		req.Cursor = &kmsg.DescribeTopicPartitionsRequestCursor{Topic: resp.NextCursor.Topic, Partition: resp.NextCursor.Partition}
	}
}

func appendDTP(out []describedTopic, resp *kmsg.DescribeTopicPartitionsResponse) []describedTopic {
	for _, t := range resp.Topics {
		name := ""
		if t.Topic != nil {
			name = *t.Topic
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, describedTopic{Name: name, ID: javaUUID(t.TopicID)})
		}
		cur := &out[len(out)-1]
		for _, p := range t.Partitions {
			cur.Partitions = append(cur.Partitions, describedPartition{Partition: p.Partition, Leader: p.LeaderID,
				Replicas: p.Replicas, ISR: p.ISR, ELR: p.EligibleLeaderReplicas, LastKnownELR: p.LastKnownELR, ELRKnown: true})
		}
	}
	return out
}

func describeFromMetadata(ctx context.Context, adm *cmdutil.Admin, names []string) ([]describedTopic, error) {
	td, err := adm.ListTopicsWithInternal(ctx, names...)
	if err != nil {
		return nil, err
	}
	var out []describedTopic
	for _, n := range names {
		t, ok := td[n]
		if !ok {
			continue
		}
		d := describedTopic{Name: n, ID: javaUUID(t.ID)}
		for _, p := range t.Partitions.Sorted() {
			d.Partitions = append(d.Partitions, describedPartition{Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR})
		}
		out = append(out, d)
	}
	return out, nil
}
