// Package configs is the config engine every non-topic config verb shares — broker,
// broker-logger, client-metrics and group configs: describe (DescribeConfigs), a pure planner
// (current entries + --set/--delete → one action per key, unknown and read-only keys refused
// before anything is sent), one executor (IncrementalAlterConfigs, validate-only for --dry-run)
// and the views. It also builds `kafkit config` (client-metrics and group configs).
package configs

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Resource is one config resource: a broker ("1", "" for the cluster default), a broker's
// loggers, a client-metrics subscription or a group.
type Resource struct {
	Type kmsg.ConfigResourceType
	Name string
}

// String is how messages name the resource: broker 1, the broker default, group g.
func (r Resource) String() string {
	switch {
	case r.Type == kmsg.ConfigResourceTypeBroker && r.Name == "":
		return "the cluster-wide broker default"
	case r.Type == kmsg.ConfigResourceTypeBroker:
		return "broker " + r.Name
	case r.Type == kmsg.ConfigResourceTypeBrokerLogger:
		return "broker " + r.Name + " loggers"
	case r.Type == kmsg.ConfigResourceTypeClientMetrics:
		return "client-metrics " + r.Name
	case r.Type == kmsg.ConfigResourceTypeGroupConfig:
		return "group " + r.Name
	}
	return r.Type.String() + " " + r.Name
}

// Entry is one described config.
type Entry struct {
	Key       string    `json:"key"`
	Value     *string   `json:"value"` // nil: sensitive or no value
	Source    string    `json:"source"`
	Sensitive bool      `json:"sensitive"`
	ReadOnly  bool      `json:"read_only"`
	Synonyms  []Synonym `json:"synonyms,omitempty"`
}

// Synonym is where else a config's value may come from, in order of preference.
type Synonym struct {
	Key    string  `json:"key"`
	Value  *string `json:"value"`
	Source string  `json:"source"`
}

// Shown is the value as kafkit prints it: (sensitive) for secrets, "" for no value.
func (e Entry) Shown() string {
	if e.Sensitive {
		return "(sensitive)"
	}
	if e.Value == nil {
		return ""
	}
	return *e.Value
}

// Dynamic reports whether the entry was set on this very resource (not a default, not static).
func (e Entry) Dynamic(r Resource) bool {
	switch r.Type {
	case kmsg.ConfigResourceTypeBroker:
		if r.Name == "" {
			return e.Source == "DYNAMIC_DEFAULT_BROKER_CONFIG"
		}
		return e.Source == "DYNAMIC_BROKER_CONFIG"
	case kmsg.ConfigResourceTypeBrokerLogger:
		return true
	case kmsg.ConfigResourceTypeClientMetrics:
		return e.Source == "DYNAMIC_CLIENT_METRICS_CONFIG"
	case kmsg.ConfigResourceTypeGroupConfig:
		return e.Source == "DYNAMIC_GROUP_CONFIG"
	}
	return false
}

// Describe returns the resource's configs sorted by key, with synonyms. An error of the
// resource itself (unknown broker, unsupported type) is returned as an error.
func Describe(ctx context.Context, adm *cmdutil.Admin, r Resource) ([]Entry, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.IncludeSynonyms = true
	rr := kmsg.NewDescribeConfigsRequestResource()
	rr.ResourceType, rr.ResourceName = r.Type, r.Name
	req.Resources = append(req.Resources, rr)
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return nil, err
	}
	if len(resp.Resources) != 1 {
		return nil, fmt.Errorf("DescribeConfigs of %s: %d resources in the answer", r, len(resp.Resources))
	}
	res := resp.Resources[0]
	if err := kerr.ErrorForCode(res.ErrorCode); err != nil {
		return nil, withMessage(err, res.ErrorMessage)
	}
	out := make([]Entry, 0, len(res.Configs))
	for _, c := range res.Configs {
		e := Entry{Key: c.Name, Value: c.Value, Source: SourceName(c.Source), Sensitive: c.IsSensitive, ReadOnly: c.ReadOnly}
		for _, s := range c.ConfigSynonyms {
			e.Synonyms = append(e.Synonyms, Synonym{Key: s.Name, Value: s.Value, Source: SourceName(s.Source)})
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// withMessage is the broker's error as a person reads it: the code's name and the broker's
// own message when it sent one ("INVALID_REQUEST: requirement failed: ..."), else kerr's text.
func withMessage(err error, msg *string) error {
	if err == nil || msg == nil || *msg == "" {
		return err
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return fmt.Errorf("%s: %s", ke.Message, *msg)
	}
	return fmt.Errorf("%w: %s", err, *msg)
}

// SourceName is the Java client's name of a config source (ConfigEntry.ConfigSource), which
// kafka-configs.sh prints: kmsg calls 7 and 8 CLIENT_METRICS_CONFIG and GROUP_CONFIG.
func SourceName(s kmsg.ConfigSource) string {
	switch s {
	case kmsg.ConfigSourceClientMetricsConfig:
		return "DYNAMIC_CLIENT_METRICS_CONFIG"
	case kmsg.ConfigSourceGroupConfig:
		return "DYNAMIC_GROUP_CONFIG"
	}
	return s.String()
}
