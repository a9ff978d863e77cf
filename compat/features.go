package compat

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/features"
)

func featuresScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit talks to brokers: use --bootstrap-server"},
		Option{Name: "feature", Arg: RequiredArg, Repeat: true, Help: "feature=level (upgrade, downgrade, feature-dependencies) or a name (disable)"},
		Option{Name: "metadata", Arg: RequiredArg, Help: "upgrade/downgrade: metadata.version by name (deprecated in the Java tool)"},
		Option{Name: "release-version", Arg: RequiredArg, Help: "upgrade/downgrade/version-mapping: a release such as 4.1-IV1"},
		Option{Name: "dry-run", Help: "validate on the controller, change nothing"},
		Option{Name: "unsafe", Help: "downgrade/disable: allow a lossy downgrade"},
	)
	return &Script{
		Name:    "kafka-features.sh",
		Summary: "This tool manages feature flags in Kafka.",
		Native:  "kafkit cluster features",
		Options: opts,
		Run:     featuresRun,
	}
}

// terse is a TerseException: its message on stderr, exit 1.
func terse(e *Env, format string, args ...any) error {
	fmt.Fprintf(e.IO.ErrOut, format+"\n", args...)
	return cmdutil.SilentError
}

func featuresRun(ctx context.Context, e *Env, p *Parsed) error {
	cmd := ""
	if len(p.Args) > 0 {
		cmd = p.Args[0]
	}
	switch cmd {
	case "version-mapping":
		return versionMapping(e, p)
	case "feature-dependencies":
		return featureDependencies(e, p)
	case "describe", "upgrade", "downgrade", "disable":
	default:
		return usageError(e, "kafka-features.sh", "usage: kafka-features [-h] [--command-config COMMAND_CONFIG] (--bootstrap-server BOOTSTRAP_SERVER | --bootstrap-controller BOOTSTRAP_CONTROLLER) {describe,upgrade,downgrade,disable,version-mapping,feature-dependencies} ...")
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if cmd == "describe" {
		return featuresDescribe(ctx, e)
	}
	updates, err := featureUpdates(e, cmd, p)
	if err != nil {
		return err
	}
	return featuresUpdate(ctx, e, cmd, updates, p.Has("dry-run"))
}

// featuresDescribe prints one line per supported feature of one broker, sorted by name.
func featuresDescribe(ctx context.Context, e *Env) error {
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	var raw *kmsg.ApiVersionsResponse
	for _, v := range vs.Sorted() {
		if v.Err == nil {
			raw = v.Raw()
			break
		}
	}
	if raw == nil {
		return terse(e, "no broker answered ApiVersions")
	}
	fmt.Fprint(e.IO.Out, describeFeatureLines(raw))
	return nil
}

func describeFeatureLines(raw *kmsg.ApiVersionsResponse) string {
	finalized := map[string]int16{}
	for _, f := range raw.FinalizedFeatures {
		finalized[f.Name] = f.MaxVersionLevel
	}
	sup := append([]kmsg.ApiVersionsResponseSupportedFeature{}, raw.SupportedFeatures...)
	sort.Slice(sup, func(i, j int) bool { return sup[i].Name < sup[j].Name })
	epoch := "-"
	if raw.FinalizedFeaturesEpoch >= 0 {
		epoch = strconv.FormatInt(raw.FinalizedFeaturesEpoch, 10)
	}
	var b strings.Builder
	for _, s := range sup {
		fmt.Fprintf(&b, "Feature: %s\tSupportedMinVersion: %s\tSupportedMaxVersion: %s\tFinalizedVersionLevel: %s\tEpoch: %s\n",
			s.Name, features.LevelName(s.Name, s.MinVersion), features.LevelName(s.Name, s.MaxVersion), features.LevelName(s.Name, finalized[s.Name]), epoch)
	}
	return b.String()
}

func supportedMetadataVersions() string {
	var names []string
	for _, v := range features.MetadataVersions {
		if v.Level <= features.LatestProduction {
			names = append(names, v.Name)
		}
	}
	return strings.Join(names, ", ")
}

type featureUpdate struct {
	name  string
	level int16
}

// featureUpdates is handleUpgradeOrDowngrade / handleDisable's parsing, with their messages.
func featureUpdates(e *Env, cmd string, p *Parsed) ([]featureUpdate, error) {
	metadata, release, specs := p.Value("metadata"), p.Value("release-version"), p.Values("feature")
	if cmd == "disable" {
		var ups []featureUpdate
		seen := map[string]bool{}
		for _, f := range specs {
			if seen[f] {
				return nil, terse(e, "Feature %s was specified more than once.", f)
			}
			seen[f] = true
			ups = append(ups, featureUpdate{f, 0})
		}
		return ups, nil
	}
	if release != "" && (metadata != "" || len(specs) > 0) {
		return nil, terse(e, "Can not specify `release-version` with other feature flags.")
	}
	var ups []featureUpdate
	if release != "" {
		mv, err := features.ParseMetadataVersion(release)
		if err != nil {
			return nil, terse(e, "Unknown metadata.version %s. Supported metadata.version are %s", release, supportedMetadataVersions())
		}
		ups = append(ups, featureUpdate{features.MetadataVersionName, mv.Level})
		for _, f := range features.Features {
			if l := f.Default(mv.Level); cmd != "upgrade" || l > 0 {
				ups = append(ups, featureUpdate{f.Name, l})
			}
		}
		return ups, nil
	}
	if metadata != "" {
		fmt.Fprintln(e.IO.Out, " `metadata` flag is deprecated and may be removed in a future release.")
		mv, err := features.ParseMetadataVersion(metadata)
		if err != nil {
			return nil, terse(e, "Unknown metadata.version %s. Supported metadata.version are %s", metadata, supportedMetadataVersions())
		}
		ups = append(ups, featureUpdate{features.MetadataVersionName, mv.Level})
	}
	seen := map[string]bool{}
	for _, f := range specs {
		name, level, err := javaNameAndLevel(f)
		if err != nil {
			return nil, terse(e, "%v", err)
		}
		if seen[name] {
			return nil, terse(e, "Feature %s was specified more than once.", name)
		}
		seen[name] = true
		ups = append(ups, featureUpdate{name, level})
	}
	return ups, nil
}

// javaNameAndLevel is FeatureCommand.parseNameAndLevel with its messages.
func javaNameAndLevel(s string) (string, int16, error) {
	i := strings.Index(s, "=")
	if i < 0 {
		return "", 0, fmt.Errorf("Can't parse feature=level string %s: equals sign not found.", s)
	}
	name, level := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	n, err := strconv.ParseInt(level, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("Can't parse feature=level string %s: unable to parse %s as a short.", s, level)
	}
	return name, int16(n), nil
}

// featuresUpdate sends UpdateFeatures and prints one line per feature, sorted by name.
func featuresUpdate(ctx context.Context, e *Env, op string, ups []featureUpdate, dryRun bool) error {
	if len(ups) == 0 {
		return terse(e, "You must specify at least one feature to %s", op)
	}
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	req := kmsg.NewPtrUpdateFeaturesRequest()
	req.TimeoutMillis, req.ValidateOnly = 30000, dryRun
	upgradeType := map[string]int8{"upgrade": 1, "downgrade": 2, "disable": 2}[op]
	for _, u := range ups {
		fu := kmsg.NewUpdateFeaturesRequestFeatureUpdate()
		fu.Feature, fu.MaxVersionLevel, fu.UpgradeType = u.name, u.level, upgradeType
		fu.AllowDowngrade = upgradeType >= 2
		req.FeatureUpdates = append(req.FeatureUpdates, fu)
	}
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	errs := updateFeatureErrors(resp, ups)
	sort.Slice(ups, func(i, j int) bool { return ups[i].name < ups[j].name })
	failures := 0
	for _, u := range ups {
		fmt.Fprintln(e.IO.Out, featureUpdateLine(op, u, errs[u.name], dryRun))
		if errs[u.name] != "" {
			failures++
		}
	}
	if failures > 0 {
		return terse(e, "%d out of %d operation(s) failed.", failures, len(ups))
	}
	return nil
}

// updateFeatureErrors maps each feature to its error message ("" when it succeeded): v2+
// answers carry one top-level error for all.
func updateFeatureErrors(resp *kmsg.UpdateFeaturesResponse, ups []featureUpdate) map[string]string {
	msg := func(code int16, m *string) string {
		err := kerr.ErrorForCode(code)
		if err == nil {
			return ""
		}
		var ke *kerr.Error
		if m != nil && *m != "" {
			return *m
		} else if errors.As(err, &ke) {
			return ke.Description
		}
		return err.Error()
	}
	out := map[string]string{}
	top := msg(resp.ErrorCode, resp.ErrorMessage)
	for _, u := range ups {
		out[u.name] = top
	}
	if top == "" {
		for _, r := range resp.Results {
			out[r.Feature] = msg(r.ErrorCode, r.ErrorMessage)
		}
	}
	return out
}

func featureUpdateLine(op string, u featureUpdate, errMsg string, dryRun bool) string {
	if errMsg != "" {
		helper := "Could not "
		if dryRun {
			helper = "Can not "
		}
		suffix := fmt.Sprintf("%s %s to %d", op, u.name, u.level)
		if op == "disable" {
			suffix = "disable " + u.name
		}
		return helper + suffix + ". " + errMsg
	}
	verb := " was "
	if dryRun {
		verb = " can be "
	}
	obj := fmt.Sprintf("%sd to %d.", op, u.level)
	if op == "disable" {
		obj = "disabled."
	}
	return u.name + verb + obj
}

// versionMapping is handleVersionMapping: the levels a release sets, from the 4.1.1 tables.
func versionMapping(e *Env, p *Parsed) error {
	rv := p.Value("release-version")
	if rv == "" {
		v, _ := features.MetadataVersionByLevel(features.LatestProduction)
		rv = v.Name
	}
	mv, err := features.ParseMetadataVersion(rv)
	if err != nil {
		latest, _ := features.MetadataVersionByLevel(features.LatestProduction)
		return terse(e, "Unknown release version '%s'. Supported versions are: %s to %s", rv, features.MetadataVersions[0].Name, latest.Name)
	}
	fmt.Fprintf(e.IO.Out, "metadata.version=%d (%s)\n", mv.Level, rv)
	for _, f := range features.Features {
		fmt.Fprintf(e.IO.Out, "%s=%d\n", f.Name, f.Default(mv.Level))
	}
	return nil
}

// featureDependencies is handleFeatureDependencies: each feature level's dependencies.
func featureDependencies(e *Env, p *Parsed) error {
	for _, s := range p.Values("feature") {
		name, level, err := javaNameAndLevel(s)
		if err != nil {
			return terse(e, "%v", err)
		}
		if name == features.MetadataVersionName {
			mv, ok := features.MetadataVersionByLevel(level)
			if !ok {
				return terse(e, "Unknown metadata.version %d", level)
			}
			fmt.Fprintf(e.IO.Out, "%s=%d (%s) has no dependencies.\n", name, level, mv.Name)
			continue
		}
		f, ok := features.Lookup(name)
		if !ok {
			return terse(e, "Unknown feature: %s", name)
		}
		if level < 0 || level > f.MaxLevel {
			return terse(e, "No feature:%s with feature level %d", name, level)
		}
		deps := f.Requires[level]
		if len(deps) == 0 {
			fmt.Fprintf(e.IO.Out, "%s=%d has no dependencies.\n", name, level)
			continue
		}
		fmt.Fprintf(e.IO.Out, "%s=%d requires:\n", name, level)
		for _, d := range deps {
			if mv, ok := features.MetadataVersionByLevel(d.Level); ok && d.Feature == features.MetadataVersionName {
				fmt.Fprintf(e.IO.Out, "    %s=%d (%s)\n", d.Feature, d.Level, mv.Name)
			} else {
				fmt.Fprintf(e.IO.Out, "    %s=%d\n", d.Feature, d.Level)
			}
		}
	}
	return nil
}
