package cluster

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/features"
	"github.com/kafkit/kafkit/internal/output"
)

type featureUpdateOptions struct {
	IO      *cmdutil.IOStreams
	Admin   func() (*cmdutil.Admin, error)
	Context func(context.Context) (context.Context, context.CancelFunc, error)
	Printer output.Printer

	Op      string // upgrade, downgrade
	Levels  map[string]int16
	Release bool // --release-version: every production feature at its default for that version
	Unsafe  bool
	DryRun  bool
}

// FeatureChange is one feature's outcome in `cluster features upgrade|downgrade`.
type FeatureChange struct {
	Feature string `json:"feature"`
	From    int16  `json:"from"`
	To      int16  `json:"to"`
	Result  string `json:"result"` // upgraded, downgraded, would_upgrade, would_downgrade, not_needed, failed
	Error   string `json:"error,omitempty"`
}

const featureUpdateLong = `%[1]s finalized feature levels (UpdateFeatures, as kafka-features.sh %[2]s does).

--feature NAME=LEVEL names a feature and its new level (repeatable); --metadata VERSION sets
metadata.version by release name (4.1-IV1, or 4.1 for its last level); --release-version
VERSION sets metadata.version and every other production feature to that release's default
levels, as a new cluster of that release would be formatted.

kafkit checks each level against the range every broker supports before sending anything, and
skips features already at the level. --dry-run sends the change with validate-only: the
controller checks it (dependencies, supported ranges) and changes nothing; exit 3 when the
change is valid. A downgrade the controller considers lossy is refused unless --unsafe is
given (downgrade only).`

func newCmdFeatureUpdate(f *cmdutil.Factory, op string, runF func(context.Context, *featureUpdateOptions) error) *cobra.Command {
	opts := &featureUpdateOptions{IO: f.IO, Admin: f.Admin, Context: f.Context, Op: op}
	var of cmdutil.OutputFlags
	var specs []string
	var metadata, release string
	title := strings.ToUpper(op[:1]) + op[1:]
	cmd := &cobra.Command{
		Use:   op + " (--feature NAME=LEVEL... | --metadata VERSION | --release-version VERSION)",
		Short: title + " finalized feature levels (kafka-features.sh " + op + ")",
		Long:  fmt.Sprintf(featureUpdateLong, title, op),
		Example: fmt.Sprintf(`  kafkit cluster features %[1]s --feature group.version=1 --dry-run
  kafkit cluster features %[1]s --metadata 4.1-IV1
  kafkit cluster features %[1]s --release-version 4.1 --dry-run`, op),
		Args: cmdutil.Args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parseFeatureUpdate(opts, specs, metadata, release); err != nil {
				return err
			}
			p, err := of.Printer()
			if err != nil {
				return err
			}
			opts.Printer = p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return featureUpdateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&specs, "feature", nil, "NAME=LEVEL, such as transaction.version=2 (repeatable)")
	fl.StringVar(&metadata, "metadata", "", "metadata.version by release name: 4.1-IV1, or 4.1")
	fl.StringVar(&release, "release-version", "", "metadata.version and every feature at that release's defaults")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "validate on the controller (validate-only); change nothing")
	if op == "downgrade" {
		fl.BoolVar(&opts.Unsafe, "unsafe", false, "allow a downgrade that can lose metadata")
	}
	cmdutil.AddOutputFlags(cmd, &of, output.Table, output.JSON, output.YAML)
	return cmd
}

// parseFeatureUpdate turns the flags into opts.Levels (usage errors, nothing sent).
func parseFeatureUpdate(opts *featureUpdateOptions, specs []string, metadata, release string) error {
	if release != "" && (metadata != "" || len(specs) > 0) {
		return cmdutil.UsageErrorf("--release-version sets every feature: give it alone, without --feature or --metadata")
	}
	if release == "" && metadata == "" && len(specs) == 0 {
		return cmdutil.UsageErrorf("name what to %s: --feature NAME=LEVEL, --metadata VERSION or --release-version VERSION", opts.Op)
	}
	opts.Levels = map[string]int16{}
	if release != "" {
		mv, err := features.ParseMetadataVersion(release)
		if err != nil {
			return cmdutil.UsageErrorf("--release-version: %v", err)
		}
		opts.Release = true
		opts.Levels[features.MetadataVersionName] = mv.Level
		for _, f := range features.Features {
			if l := f.Default(mv.Level); l > 0 || opts.Op != "upgrade" {
				opts.Levels[f.Name] = l
			}
		}
		return nil
	}
	if metadata != "" {
		mv, err := features.ParseMetadataVersion(metadata)
		if err != nil {
			return cmdutil.UsageErrorf("--metadata: %v", err)
		}
		opts.Levels[features.MetadataVersionName] = mv.Level
	}
	for _, s := range specs {
		name, level, err := features.ParseLevel(s)
		if err != nil {
			return cmdutil.UsageErrorf("--feature %v", err)
		}
		if _, dup := opts.Levels[name]; dup {
			return cmdutil.UsageErrorf("--feature %s is given more than once", name)
		}
		opts.Levels[name] = level
	}
	return nil
}

func featureUpdateRun(ctx context.Context, opts *featureUpdateOptions) error {
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
	plan, err := planFeatureUpdate(opts, FeatureView(vs))
	if err != nil {
		return err
	}
	if err := executeFeatureUpdate(ctx, adm, opts, plan); err != nil {
		return err
	}
	if err := opts.Printer.Print(opts.IO.Out, plan, func(t *output.Text) error { return featureChangeTable(t, plan) }); err != nil {
		return err
	}
	return featureUpdateExit(opts, plan)
}

// planFeatureUpdate is the pure planner: one change per feature, checked against the range all
// brokers support and the direction of the verb; not_needed where the level is already set.
func planFeatureUpdate(opts *featureUpdateOptions, set FeatureSet) ([]FeatureChange, error) {
	by := map[string]FeatureLevels{}
	var known []string
	for _, f := range set.Features {
		by[f.Name] = f
		known = append(known, f.Name)
	}
	var plan []FeatureChange
	var problems []string
	for name, to := range opts.Levels {
		cur, ok := by[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("the brokers do not know feature %q (known: %s)", name, strings.Join(known, ", ")))
			continue
		}
		c := FeatureChange{Feature: name, From: cur.Finalized, To: to, Result: "would_" + opts.Op}
		switch {
		case to == cur.Finalized:
			c.Result = "not_needed"
		case to > cur.SupportedMax || (to < cur.SupportedMin && to != 0):
			problems = append(problems, fmt.Sprintf("%s=%s: every broker must support the level, and they support %s to %s", name, levelText(name, to), levelText(name, cur.SupportedMin), levelText(name, cur.SupportedMax)))
		case opts.Op == "upgrade" && to < cur.Finalized && !opts.Release:
			problems = append(problems, fmt.Sprintf("%s is at %s: %s is lower, use \"kafkit cluster features downgrade\"", name, levelText(name, cur.Finalized), levelText(name, to)))
		case opts.Op == "downgrade" && to > cur.Finalized && !opts.Release:
			problems = append(problems, fmt.Sprintf("%s is at %s: %s is higher, use \"kafkit cluster features upgrade\"", name, levelText(name, cur.Finalized), levelText(name, to)))
		}
		plan = append(plan, c)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("nothing was changed:\n  %s", strings.Join(problems, "\n  "))
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].Feature < plan[j].Feature })
	return plan, nil
}

// executeFeatureUpdate sends one UpdateFeatures (validate-only for --dry-run) for the changes
// that are needed and records each feature's answer.
func executeFeatureUpdate(ctx context.Context, adm *cmdutil.Admin, opts *featureUpdateOptions, plan []FeatureChange) error {
	var ups []kadm.FeatureUpdate
	upgradeType := int8(1)
	if opts.Op == "downgrade" {
		upgradeType = 2
		if opts.Unsafe {
			upgradeType = 3
		}
	}
	for _, c := range plan {
		if c.Result != "not_needed" {
			t := upgradeType
			if opts.Release && c.To < c.From {
				t = 2
			}
			ups = append(ups, kadm.FeatureUpdate{Feature: c.Feature, MaxVersionLevel: c.To, UpgradeType: t})
		}
	}
	if len(ups) == 0 {
		return nil
	}
	rs, err := adm.UpdateFeatures(ctx, opts.DryRun, ups...)
	if err != nil {
		return fmt.Errorf("UpdateFeatures failed, nothing was changed: %w", err)
	}
	for i := range plan {
		c := &plan[i]
		if c.Result == "not_needed" {
			continue
		}
		r, ok := rs[c.Feature]
		switch {
		case !ok:
			c.Result, c.Error = "failed", "no answer for this feature"
		case r.Err != nil:
			c.Result, c.Error = "failed", r.Err.Error()
		case !opts.DryRun:
			c.Result = opts.Op + "d"
		}
	}
	return nil
}

func featureChangeTable(t *output.Text, plan []FeatureChange) error {
	rows := make([][]string, 0, len(plan))
	for _, c := range plan {
		rows = append(rows, []string{c.Feature, levelText(c.Feature, c.From), levelText(c.Feature, c.To), c.Result, c.Error})
	}
	return t.Table([]string{"FEATURE", "FROM", "TO", "RESULT", "ERROR"}, rows)
}

func featureUpdateExit(opts *featureUpdateOptions, plan []FeatureChange) error {
	failed, would := 0, 0
	for _, c := range plan {
		switch {
		case c.Result == "failed":
			failed++
			fmt.Fprintf(opts.IO.ErrOut, "error: %s to %s: %s\n", c.Feature, levelText(c.Feature, c.To), c.Error)
		case strings.HasPrefix(c.Result, "would_"):
			would++
		}
	}
	if opts.DryRun {
		fmt.Fprintf(opts.IO.ErrOut, "%d valid, %d failed validation (dry run: validated by the controller, nothing changed)\n", would, failed)
	}
	switch {
	case failed > 0:
		return cmdutil.SilentError
	case would > 0:
		return cmdutil.CheckFailed("")
	}
	return nil
}
