//go:build e2e

package e2e

import "testing"

// TestBrokeropsCompat runs kafka-leader-election.sh, kafka-log-dirs.sh, kafka-features.sh,
// kafka-metadata-quorum.sh (remove-controller; describe is TestCompatMetadataQuorum's) and
// kafka-cluster.sh through the Java tools (4.1.1) and kafkit on the same cluster: stdout and
// the exit code must match. Nothing here changes the cluster: feature changes are dry runs
// (validate-only), unregister names a never-registered id (never a live one: the Java tool
// would unregister it). Each case costs a JVM start (~2 s): parsing and message details are
// covered by compat's unit tests instead.
func TestBrokeropsCompat(t *testing.T) {
	dir := compatLink(t)
	twoParts := `{"partitions": [{"topic": "{T}", "partition": 0}, {"topic": "{T}", "partition": 1}]}`
	cases := []compatCase{
		{name: "elect-one", script: "kafka-leader-election.sh", args: "--bootstrap-server {B} --election-type PREFERRED --topic {T} --partition 0", setup: compatTopic(3, 3, nil)},
		{name: "elect-json", script: "kafka-leader-election.sh", args: "--bootstrap-server {B} --election-type PREFERRED --path-to-json-file {F}", file: twoParts, setup: compatTopic(3, 3, nil)},
		{name: "elect-unclean-not-needed", script: "kafka-leader-election.sh", args: "--bootstrap-server {B} --election-type UNCLEAN --topic {T} --partition 1", setup: compatTopic(3, 3, nil)},
		{name: "elect-missing-topic", script: "kafka-leader-election.sh", args: "--bootstrap-server {B} --election-type PREFERRED --topic {T} --partition 0"},
		{name: "elect-no-partition", script: "kafka-leader-election.sh", args: "--bootstrap-server {B} --election-type PREFERRED --topic {T}"},
		{name: "log-dirs-topic", script: "kafka-log-dirs.sh", args: "--bootstrap-server {B} --describe --topic-list {T}", setup: compatTopic(6, 3, nil)},
		{name: "log-dirs-brokers", script: "kafka-log-dirs.sh", args: "--bootstrap-server {B} --describe --topic-list {T} --broker-list 3,1", setup: compatTopic(2, 2, nil)},
		{name: "log-dirs-unknown-broker", script: "kafka-log-dirs.sh", args: "--bootstrap-server {B} --describe --broker-list 1,9"},
		{name: "features-describe", script: "kafka-features.sh", args: "--bootstrap-server {B} describe", volatile: true},
		{name: "features-mapping", script: "kafka-features.sh", args: "--bootstrap-server {B} version-mapping"},
		{name: "features-mapping-4.0", script: "kafka-features.sh", args: "--bootstrap-server {B} version-mapping --release-version 4.0"},
		{name: "features-mapping-unknown", script: "kafka-features.sh", args: "--bootstrap-server {B} version-mapping --release-version 4.2"},
		{name: "features-deps", script: "kafka-features.sh", args: "--bootstrap-server {B} feature-dependencies --feature eligible.leader.replicas.version=1 --feature metadata.version=21 --feature transaction.version=2"},
		{name: "features-deps-unknown", script: "kafka-features.sh", args: "--bootstrap-server {B} feature-dependencies --feature foo.version=1"},
		{name: "features-upgrade-dry", script: "kafka-features.sh", args: "--bootstrap-server {B} upgrade --feature group.version=1 --dry-run"},
		{name: "features-release-dry", script: "kafka-features.sh", args: "--bootstrap-server {B} upgrade --release-version 4.1-IV1 --dry-run"},
		{name: "features-downgrade-dry", script: "kafka-features.sh", args: "--bootstrap-server {B} downgrade --feature transaction.version=1 --dry-run"},
		{name: "quorum-remove-dry", script: "kafka-metadata-quorum.sh", args: "--bootstrap-server {B} remove-controller --controller-id 3 --controller-directory-id AAAAAAAAAAAAAAAAAAAAAA --dry-run"},
		{name: "cluster-id", script: "kafka-cluster.sh", args: "cluster-id --bootstrap-server {B}"},
		{name: "cluster-endpoints", script: "kafka-cluster.sh", args: "list-endpoints --bootstrap-server {B}"},
		{name: "cluster-unregister-unknown", script: "kafka-cluster.sh", args: "unregister --bootstrap-server {B} --id 77"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
