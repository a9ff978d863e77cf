//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// TestBrokeropsDisruptiveUnregisterFenced: a broker pod removed for good (the StatefulSet scaled
// down) leaves a fenced registration. Broker 4 is started, then stopped and deleted with its
// registration kept: kafkit lists it as fenced, kafka-cluster.sh list-endpoints
// --include-fenced-brokers prints what the Java tool prints, the dry run says what it would do
// (exit 3) and changes nothing, and `broker unregister 4 --yes` removes it.
func TestBrokeropsDisruptiveUnregisterFenced(t *testing.T) {
	if os.Getenv("KAFKIT_E2E_DISRUPTIVE") != "1" {
		t.Skip("disruptive: set KAFKIT_E2E_DISRUPTIVE=1 (starts and removes broker 4)")
	}
	reassignClusterSh(t, "add-broker")
	t.Cleanup(func() { reassignClusterSh(t, "remove-broker") }) // unregisters it if the test did not
	reassignClusterSh(t, "remove-broker", "--keep-registration")

	// broker4 says whether broker 4 is registered and whether it is fenced.
	broker4 := func() (present, fenced bool, out string) {
		r := MustKafkit(t, "", "broker", "list", "-o", "json")
		var rows []struct {
			ID     int32 `json:"id"`
			Fenced *bool `json:"fenced"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
			t.Fatalf("broker list JSON: %v\n%s", err, r.Stdout)
		}
		for _, b := range rows {
			if b.ID == 4 {
				return true, b.Fenced != nil && *b.Fenced, r.Stdout
			}
		}
		return false, false, r.Stdout
	}
	var list string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		_, ok, out := broker4()
		if list = out; ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broker 4 not listed as fenced after 30 s:\n%s", list)
		}
	}
	dir := compatLink(t)
	runCompatCase(t, dir, compatCase{name: "list-endpoints-fenced", script: "kafka-cluster.sh", args: "list-endpoints --bootstrap-server {B} --include-fenced-brokers", sorted: true})

	dry := Kafkit(t, "", "broker", "unregister", "4", "--dry-run")
	if dry.Code != 3 || !strings.Contains(dry.Stdout, "would unregister broker 4 (fenced") {
		t.Fatalf("dry run: want exit 3 and what it would do: %s", dry)
	}
	if _, ok, out := broker4(); !ok {
		t.Fatalf("the dry run changed the registration:\n%s", out)
	}
	if r := MustKafkit(t, "", "broker", "unregister", "4", "--yes"); !strings.Contains(r.Stdout, "unregistered broker 4") {
		t.Fatalf("unregister: %s", r)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		present, _, out := broker4()
		if !present {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broker 4 still registered after unregister:\n%s", out)
		}
	}
	if r := Kafkit(t, "", "broker", "unregister", "4", "--yes"); r.Code != 1 || !strings.Contains(r.Stderr, "not registered") {
		t.Errorf("a second unregister: want exit 1, not registered: %s", r)
	}
}
