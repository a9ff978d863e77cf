// Package features holds the Kafka feature tables of the release kafkit matches (4.1.1): the
// metadata.version levels and names, the other production features' levels, their defaults
// per metadata.version and their dependencies (kafka-features.sh version-mapping and
// feature-dependencies print them without asking the cluster).
package features

import (
	"fmt"
	"strings"
)

// MetadataVersionName is the feature name of the metadata version.
const MetadataVersionName = "metadata.version"

// MetadataVersion is one metadata.version level and its release name (4.1-IV1).
type MetadataVersion struct {
	Level int16
	Name  string
}

// MetadataVersions are the levels Kafka 4.1.1 knows, from the minimum bootstrap version; the
// ones after LatestProduction are unstable (usable only with unstable.feature.versions.enable).
var MetadataVersions = []MetadataVersion{
	{7, "3.3-IV3"}, {8, "3.4-IV0"}, {9, "3.5-IV0"}, {10, "3.5-IV1"}, {11, "3.5-IV2"},
	{12, "3.6-IV0"}, {13, "3.6-IV1"}, {14, "3.6-IV2"}, {15, "3.7-IV0"}, {16, "3.7-IV1"},
	{17, "3.7-IV2"}, {18, "3.7-IV3"}, {19, "3.7-IV4"}, {20, "3.8-IV0"}, {21, "3.9-IV0"},
	{22, "4.0-IV0"}, {23, "4.0-IV1"}, {24, "4.0-IV2"}, {25, "4.0-IV3"}, {26, "4.1-IV0"},
	{27, "4.1-IV1"}, {28, "4.2-IV0"}, {29, "4.2-IV1"},
}

// LatestProduction is the highest stable metadata.version level (4.1-IV1).
const LatestProduction int16 = 27

// Feature is a production feature other than metadata.version: its highest known level, the
// metadata.version level from which each level is the default, and dependencies per level.
type Feature struct {
	Name     string
	MaxLevel int16
	// DefaultFrom[i] is the metadata.version level from which level i+1 is the default.
	DefaultFrom []int16
	// Requires maps a level to the features (and levels) it needs.
	Requires map[int16][]Requirement
}

// Requirement is one dependency of a feature level.
type Requirement struct {
	Feature string
	Level   int16
}

// Features are the production features in the order kafka-features.sh lists them.
var Features = []Feature{
	{Name: "kraft.version", MaxLevel: 1, DefaultFrom: []int16{21}},
	{Name: "transaction.version", MaxLevel: 2, DefaultFrom: []int16{24, 24}},
	{Name: "group.version", MaxLevel: 1, DefaultFrom: []int16{22}},
	{Name: "eligible.leader.replicas.version", MaxLevel: 1, DefaultFrom: []int16{26}, Requires: map[int16][]Requirement{1: {{MetadataVersionName, 23}}}},
	{Name: "share.version", MaxLevel: 1, DefaultFrom: []int16{28}},
	{Name: "streams.version", MaxLevel: 1, DefaultFrom: []int16{29}},
}

// Lookup finds a feature by name.
func Lookup(name string) (Feature, bool) {
	for _, f := range Features {
		if f.Name == name {
			return f, true
		}
	}
	return Feature{}, false
}

// Default is the feature's level for a metadata.version level.
func (f Feature) Default(mv int16) int16 {
	level := int16(0)
	for i, from := range f.DefaultFrom {
		if mv >= from {
			level = int16(i + 1)
		}
	}
	return level
}

// MetadataVersionByLevel finds a metadata.version by level.
func MetadataVersionByLevel(level int16) (MetadataVersion, bool) {
	for _, v := range MetadataVersions {
		if v.Level == level {
			return v, true
		}
	}
	return MetadataVersion{}, false
}

// ParseMetadataVersion accepts a release name (4.1-IV1) or a release (4.1: its last stable
// level); the error lists the supported names.
func ParseMetadataVersion(s string) (MetadataVersion, error) {
	var last *MetadataVersion
	for i, v := range MetadataVersions {
		if v.Name == s {
			return v, nil
		}
		if strings.HasPrefix(v.Name, s+"-") && v.Level <= LatestProduction {
			last = &MetadataVersions[i]
		}
	}
	if last != nil {
		return *last, nil
	}
	return MetadataVersion{}, fmt.Errorf("unknown metadata.version %q: use a release such as 4.1 or a name from %s to %s", s, MetadataVersions[0].Name, latestName())
}

func latestName() string {
	v, _ := MetadataVersionByLevel(LatestProduction)
	return v.Name
}

// LevelName is a level as kafka-features.sh prints it: metadata.version by name, others as a
// number.
func LevelName(feature string, level int16) string {
	if feature == MetadataVersionName {
		if v, ok := MetadataVersionByLevel(level); ok {
			return v.Name
		}
	}
	return fmt.Sprint(level)
}

// ParseLevel parses "name=level" (spaces around either side trimmed; level a 16-bit number);
// the error says what is wrong.
func ParseLevel(s string) (string, int16, error) {
	name, level, ok := strings.Cut(s, "=")
	name, level = strings.TrimSpace(name), strings.TrimSpace(level)
	if !ok || name == "" {
		return "", 0, fmt.Errorf("%q: use FEATURE=LEVEL, such as transaction.version=2", s)
	}
	var n int16
	if _, err := fmt.Sscan(level, &n); err != nil || fmt.Sprint(n) != strings.TrimPrefix(level, "+") {
		return "", 0, fmt.Errorf("%q: the level %q is not a number from 0 to 32767", s, level)
	}
	if n < 0 {
		return "", 0, fmt.Errorf("%q: the level cannot be negative", s)
	}
	return name, n, nil
}
