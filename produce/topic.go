package produce

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// topicInfo is what the up-front admin requests learn about the topic.
type topicInfo struct {
	partitions      int
	maxMessageBytes int // 0: unknown
}

// prepareTopic checks that the topic exists (creating it with --create-topic) and reads its
// partition count and max.message.bytes: one bounded round of admin requests before sending.
func prepareTopic(ctx context.Context, o *produceOptions) (topicInfo, error) {
	ctx, cancel, err := o.Context(ctx)
	if err != nil {
		return topicInfo{}, err
	}
	defer cancel()
	adm, err := o.Admin()
	if err != nil {
		return topicInfo{}, err
	}
	td, missing, err := cmdutil.RetryMissing(ctx, func() (kadm.TopicDetail, bool, error) {
		return describeTopic(ctx, adm, o.Topic)
	})
	if authErr := errors.Join(err, td.Err); errors.Is(authErr, kerr.TopicAuthorizationFailed) {
		return topicInfo{}, fmt.Errorf("not authorized to write to topic %q (%v): ask for WRITE and DESCRIBE on it", o.Topic, kerr.TopicAuthorizationFailed)
	}
	if err != nil {
		return topicInfo{}, err
	}
	if missing && o.CreateTopic {
		if td, missing, err = createTopic(ctx, o, adm); err != nil {
			return topicInfo{}, err
		}
	}
	if missing {
		return topicInfo{}, fmt.Errorf("topic %s does not exist: create it (kafkit topic create %s) or pass --create-topic", o.Topic, o.Topic)
	}
	if td.Err != nil {
		return topicInfo{}, fmt.Errorf("topic %s: %v", o.Topic, td.Err)
	}
	info := topicInfo{partitions: len(td.Partitions)}
	if o.Partition >= 0 && int(o.Partition) >= info.partitions {
		return topicInfo{}, cmdutil.UsageErrorf("partition %d does not exist: topic %s has %d partitions (0-%d)", o.Partition, o.Topic, info.partitions, info.partitions-1)
	}
	if o.MaxRecordBytes == 0 {
		rcs, err := adm.DescribeTopicConfigs(ctx, o.Topic)
		if err == nil {
			info.maxMessageBytes = maxMessageBytes(rcs)
		} else if ctx.Err() != nil {
			return topicInfo{}, err
		}
		// Without DescribeConfigs permission, the Kafka default applies; the broker still
		// refuses what is too large, and that is reported per record.
	}
	return info, nil
}

// describeTopic reads the topic's metadata; missing says the cluster does not know it.
func describeTopic(ctx context.Context, adm *cmdutil.Admin, topic string) (kadm.TopicDetail, bool, error) {
	tds, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return kadm.TopicDetail{}, false, err
	}
	td, ok := tds[topic]
	return td, !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition), nil
}

// createTopic creates the topic with the cluster's defaults (--create-topic) and waits a
// little for the metadata to list it.
func createTopic(ctx context.Context, o *produceOptions, adm *cmdutil.Admin) (kadm.TopicDetail, bool, error) {
	resp, err := adm.CreateTopic(ctx, -1, -1, nil, o.Topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return kadm.TopicDetail{}, false, fmt.Errorf("cannot create topic %s: %v", o.Topic, err)
	}
	if o.IO.ErrTTY {
		fmt.Fprintf(o.IO.ErrOut, "created topic %s\n", o.Topic)
	}
	td, missing, err := describeTopic(ctx, adm, o.Topic)
	for i := 0; err == nil && missing && i < 20 && ctx.Err() == nil; i++ { // metadata catches up
		time.Sleep(100 * time.Millisecond)
		td, missing, err = describeTopic(ctx, adm, o.Topic)
	}
	return td, missing, err
}

func maxMessageBytes(rcs kadm.ResourceConfigs) int {
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			if c.Key == "max.message.bytes" && c.Value != nil {
				var n int
				if _, err := fmt.Sscan(*c.Value, &n); err == nil && n > 0 {
					return n
				}
			}
		}
	}
	return 0
}
