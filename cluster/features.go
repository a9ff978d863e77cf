package cluster

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/features"
	"github.com/kafkit/kafkit/internal/output"
)

type featuresOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer
}

// FeatureLevels is one feature in `cluster features`: the range every broker supports (the
// intersection, which is what the cluster can be moved to) and the finalized level.
type FeatureLevels struct {
	Name          string `json:"name"`
	SupportedMin  int16  `json:"supported_min"`
	SupportedMax  int16  `json:"supported_max"`
	Finalized     int16  `json:"finalized"`                // 0: not finalized (off)
	FinalizedName string `json:"finalized_name,omitempty"` // metadata.version: 4.1-IV1
	Epoch         int64  `json:"epoch"`                    // -1: unknown
}

// FeatureSet is what ApiVersions says about features, from every broker that answered.
type FeatureSet struct {
	Features []FeatureLevels `json:"features"`
	Brokers  []int32         `json:"brokers"`
	Errors   []string        `json:"errors,omitempty"`
}

const featuresLong = `Show the cluster's feature flags (KIP-584): for each feature the level range every broker
supports and the finalized level the cluster runs at (0: off). metadata.version is shown with
its release name (4.1-IV1). The levels come from ApiVersions, asked of every broker: SUPPORTED
is the range all of them accept, which bounds an upgrade.

"cluster features upgrade" and "downgrade" change finalized levels (UpdateFeatures); with
--dry-run the controller validates the change without applying it.`

func newCmdFeatures(f *cmdutil.Factory, runF func(context.Context, *featuresOptions) error) *cobra.Command {
	opts := &featuresOptions{IO: f.IO, Admin: f.Admin, Context: f.Context}
	var of cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "features",
		Short: "Show feature flags: supported and finalized levels (kafka-features.sh describe)",
		Long:  featuresLong,
		Example: `  kafkit cluster features
  kafkit cluster features upgrade --feature transaction.version=2 --dry-run
  kafkit cluster features upgrade --metadata 4.1-IV1`,
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
			return featuresRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	cmd.AddCommand(newCmdFeatureUpdate(f, "upgrade", nil), newCmdFeatureUpdate(f, "downgrade", nil))
	return cmd
}

func featuresRun(ctx context.Context, opts *featuresOptions) error {
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
	set := FeatureView(vs)
	if len(set.Brokers) == 0 {
		return fmt.Errorf("no broker answered ApiVersions: %v", set.Errors)
	}
	err = opts.Printer.Print(opts.IO.Out, set, func(t *output.Text) error {
		rows := make([][]string, 0, len(set.Features))
		for _, f := range set.Features {
			rows = append(rows, []string{f.Name, levelText(f.Name, f.SupportedMin), levelText(f.Name, f.SupportedMax), levelText(f.Name, f.Finalized), epochText(f.Epoch)})
		}
		return t.Table([]string{"FEATURE", "SUPPORTED-MIN", "SUPPORTED-MAX", "FINALIZED", "EPOCH"}, rows)
	})
	if err != nil {
		return err
	}
	for _, e := range set.Errors {
		fmt.Fprintln(opts.IO.ErrOut, "warning:", e)
	}
	return nil
}

// FeatureView folds every broker's ApiVersions answer: supported ranges intersected, the
// finalized levels of the answer with the highest epoch. Features sorted by name.
func FeatureView(vs kadm.BrokersApiVersions) FeatureSet {
	set := FeatureSet{Features: []FeatureLevels{}, Brokers: []int32{}}
	by := map[string]*FeatureLevels{}
	epoch := int64(-1)
	var finalized map[string]int16
	for _, v := range vs.Sorted() {
		if v.Err != nil {
			set.Errors = append(set.Errors, fmt.Sprintf("broker %d did not answer ApiVersions: %v", v.NodeID, v.Err))
			continue
		}
		set.Brokers = append(set.Brokers, v.NodeID)
		raw := v.Raw()
		for _, s := range raw.SupportedFeatures {
			f, ok := by[s.Name]
			if !ok {
				by[s.Name] = &FeatureLevels{Name: s.Name, SupportedMin: s.MinVersion, SupportedMax: s.MaxVersion}
				continue
			}
			f.SupportedMin, f.SupportedMax = max(f.SupportedMin, s.MinVersion), min(f.SupportedMax, s.MaxVersion)
		}
		if raw.FinalizedFeaturesEpoch >= epoch {
			epoch, finalized = raw.FinalizedFeaturesEpoch, map[string]int16{}
			for _, ff := range raw.FinalizedFeatures {
				finalized[ff.Name] = ff.MaxVersionLevel
			}
		}
	}
	for _, f := range by {
		f.Finalized, f.Epoch = finalized[f.Name], epoch
		if f.Name == features.MetadataVersionName {
			f.FinalizedName = features.LevelName(f.Name, f.Finalized)
		}
		set.Features = append(set.Features, *f)
	}
	sort.Slice(set.Features, func(i, j int) bool { return set.Features[i].Name < set.Features[j].Name })
	return set
}

func levelText(feature string, level int16) string {
	if feature == features.MetadataVersionName && level > 0 {
		return fmt.Sprintf("%d (%s)", level, features.LevelName(feature, level))
	}
	return strconv.Itoa(int(level))
}

func epochText(e int64) string {
	if e < 0 {
		return "-"
	}
	return strconv.FormatInt(e, 10)
}
