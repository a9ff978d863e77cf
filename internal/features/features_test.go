package features

import (
	"strings"
	"testing"
)

func TestDefaults(t *testing.T) {
	// kafka-features.sh version-mapping of Kafka 4.1.1 (checked in e2e against the Java tool).
	for _, c := range []struct {
		mv   int16
		want string
	}{
		{7, "kraft.version=0 transaction.version=0 group.version=0 eligible.leader.replicas.version=0 share.version=0 streams.version=0"},
		{21, "kraft.version=1 transaction.version=0 group.version=0 eligible.leader.replicas.version=0 share.version=0 streams.version=0"},
		{24, "kraft.version=1 transaction.version=2 group.version=1 eligible.leader.replicas.version=0 share.version=0 streams.version=0"},
		{27, "kraft.version=1 transaction.version=2 group.version=1 eligible.leader.replicas.version=1 share.version=0 streams.version=0"},
		{29, "kraft.version=1 transaction.version=2 group.version=1 eligible.leader.replicas.version=1 share.version=1 streams.version=1"},
	} {
		var got []string
		for _, f := range Features {
			got = append(got, f.Name+"="+LevelName(f.Name, f.Default(c.mv)))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("mv %d: %s", c.mv, strings.Join(got, " "))
		}
	}
}

func TestParseMetadataVersion(t *testing.T) {
	for in, want := range map[string]int16{"3.3-IV3": 7, "4.1-IV1": 27, "4.1": 27, "4.0": 25, "3.9": 21, "4.2-IV1": 29} {
		if v, err := ParseMetadataVersion(in); err != nil || v.Level != want {
			t.Errorf("%s = %v %v, want %d", in, v, err, want)
		}
	}
	for _, in := range []string{"4.2", "3.2", "", "4.1-IV9", "x"} {
		if _, err := ParseMetadataVersion(in); err == nil || !strings.Contains(err.Error(), "3.3-IV3 to 4.1-IV1") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]string{"a=1": "a 1", " group.version = 2 ": "group.version 2", "x=+3": "x 3"} {
		n, l, err := ParseLevel(in)
		if err != nil || n+" "+LevelName("", l) != want {
			t.Errorf("%q: %s %d %v", in, n, l, err)
		}
	}
	for _, in := range []string{"a", "=1", "a=", "a=x", "a=-1", "a=40000", "a=1.5"} {
		if _, _, err := ParseLevel(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzParseLevel(f *testing.F) {
	for _, s := range []string{"a=1", "metadata.version=27", "=", "a==1", "a=99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, level, err := ParseLevel(s)
		if err == nil && (name == "" || level < 0) {
			t.Fatalf("%q gave %q=%d", s, name, level)
		}
	})
}
