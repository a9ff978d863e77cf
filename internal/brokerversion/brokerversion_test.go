package brokerversion

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// answer builds the ApiVersions answer a broker of release vs would give.
func answer(vs *kversion.Versions) *kmsg.ApiVersionsResponse {
	r := kmsg.NewPtrApiVersionsResponse()
	vs.EachMaxKeyVersion(func(k, v int16) {
		a := kmsg.NewApiVersionsResponseApiKey()
		a.ApiKey, a.MaxVersion = k, v
		r.ApiKeys = append(r.ApiKeys, a)
	})
	return r
}

func TestGuess(t *testing.T) {
	tests := []struct {
		name string
		resp *kmsg.ApiVersionsResponse
		want string
	}{
		{"4.1", answer(kversion.V4_1_0()), "4.1"},
		{"4.0", answer(kversion.V4_0_0()), "4.0"},
		{"3.9", answer(kversion.V3_9_0()), "3.9"},
		{"2.8", answer(kversion.V2_8_0()), "2.8"},
		{"nil", nil, "unknown"},
	}
	for _, tt := range tests {
		if got := Guess(tt.resp); got != tt.want {
			t.Errorf("%s: Guess = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"v4.1", "4.1"},
		{"at least v4.1", "at least 4.1"},
		{"between v0.10.0 and v0.10.1", "between 0.10.0 and 0.10.1"},
		{"not even v0.8.0", "not even 0.8.0"},
		{"unknown custom version", "unknown custom version"},
		{"unknown custom version at least v3.9", "unknown custom version at least 3.9"},
		{"vivid", "vivid"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"4.1", "4.1", "4.1"}, "4.1"},
		{[]string{"4.0", "4.1", "4.0"}, "mixed: 4.0, 4.1"},
	}
	for _, tt := range tests {
		if got := Summary(tt.in); got != tt.want {
			t.Errorf("Summary(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIDs(t *testing.T) {
	if got := IDs([]int32{1, 3}); got != "1, 3" {
		t.Errorf("IDs = %q", got)
	}
}
