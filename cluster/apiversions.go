package cluster

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/brokerversion"
	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

type apiVersionsOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
}

// BrokerAPIs is one broker's API version ranges.
type BrokerAPIs struct {
	NodeID       int32    `json:"node_id"`
	KafkaVersion string   `json:"kafka_version,omitempty"`
	APIs         []APIKey `json:"apis"`
	Error        string   `json:"error,omitempty"`
}

// APIKey is one API's supported version range on a broker, and the highest kafkit can use.
type APIKey struct {
	Key        int16  `json:"key"`
	Name       string `json:"name"`
	MinVersion int16  `json:"min_version"`
	MaxVersion int16  `json:"max_version"`
	Usable     int16  `json:"usable_version"` // -1: kafkit does not know this API
}

func newCmdAPIVersions(f *cmdutil.Factory, runF func(context.Context, *apiVersionsOptions) error) *cobra.Command {
	opts := &apiVersionsOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "api-versions",
		Short: "List every broker's API version ranges (kafka-broker-api-versions.sh)",
		Long: `Ask every broker which Kafka API versions it supports. USABLE is the highest version both
the broker and kafkit speak ("-" when kafkit does not know the API).`,
		Example: `  kafkit cluster api-versions
  kafkit cluster api-versions -o json | jq '.[0].apis[] | select(.name=="ConsumerGroupHeartbeat")'`,
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return apiVersionsRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of)
	return cmd
}

func apiVersionsRun(ctx context.Context, opts *apiVersionsOptions) error {
	ctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Admin()
	if err != nil {
		return err
	}
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return err
	}
	view := apiVersionsView(vs)
	var failed []string
	for _, b := range view {
		if b.Error != "" {
			failed = append(failed, fmt.Sprintf("broker %d: %s", b.NodeID, b.Error))
		}
	}
	err = opts.Printer.Print(opts.IO.Out, view, func(t *output.Text) error {
		var rows [][]string
		for _, b := range view {
			for _, a := range b.APIs {
				usable := "-"
				if a.Usable >= 0 {
					usable = strconv.Itoa(int(a.Usable))
				}
				row := []string{strconv.Itoa(int(b.NodeID)), strconv.Itoa(int(a.Key)), a.Name, strconv.Itoa(int(a.MinVersion)), strconv.Itoa(int(a.MaxVersion)), usable}
				rows = append(rows, row)
			}
		}
		return t.Table([]string{"BROKER", "KEY", "API", "MIN", "MAX", "USABLE"}, rows)
	})
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("some brokers did not answer: %s", strings.Join(failed, "; "))
	}
	return nil
}

// apiVersionsView sorts brokers by id and APIs by key.
func apiVersionsView(vs kadm.BrokersApiVersions) []BrokerAPIs {
	out := []BrokerAPIs{}
	for _, v := range vs.Sorted() {
		b := BrokerAPIs{NodeID: v.NodeID, APIs: []APIKey{}}
		if v.Err != nil {
			b.Error = v.Err.Error()
			out = append(out, b)
			continue
		}
		b.KafkaVersion = brokerversion.Guess(v.Raw())
		v.EachKeySorted(func(key, min, max int16) {
			a := APIKey{Key: key, Name: kmsg.NameForKey(key), MinVersion: min, MaxVersion: max, Usable: -1}
			if a.Name == "" {
				a.Name = "Unknown" + strconv.Itoa(int(key))
			}
			if req := kmsg.RequestForKey(key); req != nil {
				u := req.MaxVersion()
				if max < u {
					u = max
				}
				if u >= min {
					a.Usable = u
				}
			}
			b.APIs = append(b.APIs, a)
		})
		out = append(out, b)
	}
	return out
}
