//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// javaFlags are the JVM flags every Java tool runs with in tests and benchmarks: a small heap,
// the serial collector and the C1 compiler only, which is how a short-lived CLI starts fastest.
var javaFlags = []string{"-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"}

// javaCDS holds the flags that map a class-data-sharing archive (AppCDS) of the Kafka tools'
// classes, when prepareJavaCDS could build and check one. A JVM that maps it starts a Kafka
// tool in about half the CPU time (1.0 s instead of 2.0 s on this machine), and the e2e suite
// starts hundreds of them to compare outputs. Benchmarks never use it: they time the Java tools
// as operators start them.
var javaCDS []string

// prepareJavaCDS finds or builds the archive next to the tools' lib folder (one per Kafka
// version; a JVM or classpath that no longer matches it is found by the check and the archive is
// built again). Building runs one `kafka-topics.sh --list`; a fresh-cluster run
// (KAFKIT_E2E_FRESH) only uses an archive that is already there, so it sends nothing more to the
// cluster than its tests do. Any failure leaves javaCDS empty: the tests then run as before,
// only slower. KAFKIT_E2E_JAVA_CDS=0 turns it off.
func prepareJavaCDS() {
	if benchmarking || os.Getenv("KAFKIT_E2E_JAVA_CDS") == "0" {
		return
	}
	archive := filepath.Join(filepath.Dir(KafkaLib()), "kafkit-tools-cds.jsa")
	if cdsUsable(archive) {
		javaCDS = cdsFlags(archive)
		return
	}
	if os.Getenv("KAFKIT_E2E_FRESH") != "" {
		return
	}
	if err := buildCDS(archive); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: Java tools run without a class-data-sharing archive (slower, same results): %v\n", err)
		return
	}
	javaCDS = cdsFlags(archive)
}

// cdsFlags maps the archive; -Xlog:disable keeps the JVM's own warnings (which go to stdout)
// out of the outputs the tests compare.
func cdsFlags(archive string) []string {
	return []string{"-XX:SharedArchiveFile=" + archive, "-Xlog:disable"}
}

// cdsUsable is true when a JVM with the tools' classpath maps the archive (-Xshare:on fails
// rather than falling back when it cannot).
func cdsUsable(archive string) bool {
	if _, err := os.Stat(archive); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := run(ctx, nil, "", "java", "-Xshare:on", "-XX:SharedArchiveFile="+archive, "-cp", KafkaLib()+"/*", "-version")
	return r.Code == 0
}

// buildCDS dumps the classes one admin-client tool loads (the JDK's, kafka-clients', the
// tools', logging and option parsing) into archive, through a temporary file renamed into place.
func buildCDS(archive string) error {
	tmp := archive + ".tmp" + strconv.Itoa(os.Getpid())
	defer os.Remove(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(append([]string{}, javaFlags...), "-XX:ArchiveClassesAtExit="+tmp, "-Xlog:disable",
		"-cp", KafkaLib()+"/*", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", Brokers(), "--list")
	if r := run(ctx, nil, "", "java", args...); r.Code != 0 {
		return fmt.Errorf("kafka-topics.sh --list to build it exited %d: %s", r.Code, clip(r.Stderr))
	}
	if err := os.Rename(tmp, archive); err != nil {
		return err
	}
	if !cdsUsable(archive) {
		os.Remove(archive)
		return fmt.Errorf("the JVM does not map the archive it built (%s)", archive)
	}
	return nil
}
