package compat

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// brokerError is a per-item error of a response: the broker's message when it sent one (Java
// prints that), else Kafka's description of the code.
func brokerError(code int16, msg *string) error {
	if code == 0 {
		return nil
	}
	if msg != nil && *msg != "" {
		return &itemError{err: kerr.ErrorForCode(code), msg: *msg}
	}
	err := kerr.ErrorForCode(code)
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return &itemError{err: err, msg: ke.Description}
	}
	return err
}

type itemError struct {
	err error
	msg string
}

func (e *itemError) Error() string { return e.msg }
func (e *itemError) Unwrap() error { return e.err }

func topicsCreate(ctx context.Context, e *Env, r *topicRequest) error {
	if strings.ContainsAny(r.Topic, "._") { // Topic.hasCollisionChars
		fmt.Fprintln(e.IO.Out, "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.")
	}
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 30000
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic, t.NumPartitions, t.ReplicationFactor = r.Topic, r.Partitions, r.Replication
	if r.Assignment != nil {
		t.NumPartitions, t.ReplicationFactor = -1, -1
		for i, ids := range r.Assignment {
			a := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			a.Partition, a.Replicas = int32(i), ids
			t.ReplicaAssignment = append(t.ReplicaAssignment, a)
		}
	}
	for _, k := range r.ConfigOrder {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		v := r.Configs[k]
		c.Name, c.Value = k, &v
		t.Configs = append(t.Configs, c)
	}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return err
	}
	for _, rt := range resp.Topics {
		if err := brokerError(rt.ErrorCode, rt.ErrorMessage); err != nil {
			if r.IfNotExists && errors.Is(err, kerr.TopicAlreadyExists) {
				return nil
			}
			return err
		}
	}
	fmt.Fprintf(e.IO.Out, "Created topic %s.\n", r.Topic)
	return nil
}

func topicsAlter(ctx context.Context, e *Env, r *topicRequest) error {
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	names, td, err := existingTargets(ctx, adm, r)
	if err != nil || len(names) == 0 {
		return err
	}
	req := kmsg.NewPtrCreatePartitionsRequest()
	req.TimeoutMillis = 30000
	for _, n := range names {
		t := kmsg.NewCreatePartitionsRequestTopic()
		t.Topic, t.Count = n, r.Partitions
		if r.Assignment != nil {
			for _, ids := range r.Assignment[min(len(td[n].Partitions), len(r.Assignment)):] {
				a := kmsg.NewCreatePartitionsRequestTopicAssignment()
				a.Replicas = ids
				t.Assignment = append(t.Assignment, a)
			}
		}
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return err
	}
	for _, rt := range resp.Topics {
		if err := brokerError(rt.ErrorCode, rt.ErrorMessage); err != nil {
			return err
		}
	}
	return nil
}

func topicsDelete(ctx context.Context, e *Env, r *topicRequest) error {
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	names, _, err := existingTargets(ctx, adm, r)
	if err != nil || len(names) == 0 {
		return err
	}
	resp, err := adm.DeleteTopics(ctx, names...)
	if err != nil {
		return err
	}
	for _, n := range names {
		if rt, ok := resp[n]; ok && rt.Err != nil {
			if rt.ErrMessage != "" {
				return &itemError{err: rt.Err, msg: rt.ErrMessage}
			}
			return rt.Err
		}
	}
	return nil
}

// existingTargets is getTopics + ensureTopicExists for --alter and --delete.
// It returns the metadata it read too, so --alter needs no second metadata request.
func existingTargets(ctx context.Context, adm *cmdutil.Admin, r *topicRequest) ([]string, kadm.TopicDetails, error) {
	td, err := adm.ListTopicsWithInternal(ctx)
	if err == nil {
		err = td.Error()
	}
	if err != nil {
		return nil, nil, err
	}
	names := selectTopics(td.Names(), r.Filter, r.ExcludeInternal)
	if len(names) == 0 && !r.IfExists {
		return nil, nil, fmt.Errorf("Topic '%s' does not exist as expected", r.Topic)
	}
	return names, td, nil
}
