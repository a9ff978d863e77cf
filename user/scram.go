package user

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Kafka's bounds on SCRAM iterations (ScramMechanism's minIterations / maxIterations).
const (
	MinIterations     = 4096
	MaxIterations     = 16384
	DefaultIterations = 8192
)

// ParseMechanism parses SCRAM-SHA-256 or SCRAM-SHA-512 (case-insensitive; "256"/"512" too).
func ParseMechanism(s string) (kadm.ScramMechanism, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "SCRAM-SHA-256", "SHA-256", "256":
		return kadm.ScramSha256, nil
	case "SCRAM-SHA-512", "SHA-512", "512":
		return kadm.ScramSha512, nil
	}
	return 0, fmt.Errorf("unknown mechanism %q: use SCRAM-SHA-256 or SCRAM-SHA-512", s)
}

// CheckIterations checks Kafka's bounds.
func CheckIterations(n int) error {
	if n < MinIterations || n > MaxIterations {
		return fmt.Errorf("--iterations %d: Kafka accepts %d to %d", n, MinIterations, MaxIterations)
	}
	return nil
}

// CheckName refuses names Kafka cannot store or a terminal cannot show.
func CheckName(u string) error {
	if u == "" {
		return errors.New("a user name cannot be empty")
	}
	for _, r := range u {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("user name %q contains a control character", u)
		}
	}
	return nil
}

// Credential is one user's credential for one mechanism.
type Credential struct {
	User       string `json:"user"`
	Mechanism  string `json:"mechanism"`
	Iterations int32  `json:"iterations"`
}

// credentials describes users (all when none are named): their credentials sorted by user
// and mechanism, and the named users that have none.
func credentials(ctx context.Context, adm *cmdutil.Admin, users []string) ([]Credential, []string, error) {
	ds, err := adm.DescribeUserSCRAMs(ctx, users...)
	if err != nil {
		return nil, nil, explain(err, "describe")
	}
	var out []Credential
	var missing []string
	for _, d := range ds.Sorted() {
		if errors.Is(d.Err, kerr.ResourceNotFound) || (d.Err == nil && len(d.CredInfos) == 0) {
			missing = append(missing, d.User)
			continue
		}
		if d.Err != nil {
			return nil, nil, explain(d.Err, "describe")
		}
		for _, c := range d.CredInfos {
			out = append(out, Credential{User: d.User, Mechanism: c.Mechanism.String(), Iterations: c.Iterations})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].User != out[j].User {
			return out[i].User < out[j].User
		}
		return out[i].Mechanism < out[j].Mechanism
	})
	sort.Strings(missing)
	return out, missing, nil
}

// explain turns the errors a SCRAM request meets into advice.
func explain(err error, what string) error {
	switch {
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		need := "Describe"
		if what != "describe" {
			need = "Alter"
		}
		return fmt.Errorf("not allowed to %s SCRAM users (CLUSTER_AUTHORIZATION_FAILED): the principal needs %s on the cluster, or connect as a super user", what, need)
	case errors.Is(err, kerr.UnsupportedVersion):
		return fmt.Errorf("the cluster does not support SCRAM credential requests (Kafka 2.7 or later is needed): %w", err)
	}
	return err
}

// has reports whether creds hold user's credential for mechanism.
func has(creds []Credential, user, mechanism string) (Credential, bool) {
	for _, c := range creds {
		if c.User == user && c.Mechanism == mechanism {
			return c, true
		}
	}
	return Credential{}, false
}

// CompleteUsers completes SCRAM user names from the cluster.
func CompleteUsers(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteWith(f, func(ctx context.Context, adm *cmdutil.Admin) ([]string, error) {
		ds, err := adm.DescribeUserSCRAMs(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		for u := range ds {
			out = append(out, u)
		}
		sort.Strings(out)
		return out, nil
	})
}
