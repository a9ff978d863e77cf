package apply

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// UserSpec is one SCRAM credential of the file. The password is never in the file: it comes
// from PasswordFile or the environment variable PasswordEnv, read only when a change needs it.
type UserSpec struct {
	Line         int
	Name         string
	Mechanism    kadm.ScramMechanism
	Iterations   int32
	PasswordFile string
	PasswordEnv  string
}

const (
	defaultIterations = 8192
	minIterations     = 4096 // Kafka refuses fewer
	maxIterations     = 16384
	minPasswordLen    = 8
)

func (p *parser) users(items []*yaml.Node) []UserSpec {
	var out []UserSpec
	seen := map[string]int{}
	for _, it := range items {
		u := UserSpec{Line: it.Line, Mechanism: kadm.ScramSha512, Iterations: defaultIterations}
		p.fields(it, "user", "name, mechanism, iterations, password_file, password_env", func(k, v *yaml.Node) bool {
			return p.userField(&u, k, v)
		})
		switch {
		case u.Name == "":
			p.add(it.Line, "a user needs a name")
			continue
		case u.PasswordFile == "" && u.PasswordEnv == "":
			p.add(it.Line, "user %q needs password_file or password_env (a password is never written in the file)", u.Name)
		case u.PasswordFile != "" && u.PasswordEnv != "":
			p.add(it.Line, "user %q: give password_file or password_env, not both", u.Name)
		}
		key := u.Name + "/" + u.Mechanism.String()
		if prev, dup := seen[key]; dup {
			p.add(it.Line, "user %q with %s is listed twice (first at line %d)", u.Name, u.Mechanism, prev)
			continue
		}
		seen[key] = it.Line
		out = append(out, u)
	}
	return out
}

func (p *parser) userField(u *UserSpec, k, v *yaml.Node) bool {
	switch k.Value {
	case "name":
		u.Name, _ = p.scalar(k, v)
	case "mechanism":
		s, _ := p.scalar(k, v)
		switch strings.ToUpper(s) {
		case "SCRAM-SHA-256":
			u.Mechanism = kadm.ScramSha256
		case "SCRAM-SHA-512":
			u.Mechanism = kadm.ScramSha512
		default:
			p.add(v.Line, "mechanism %q: use SCRAM-SHA-256 or SCRAM-SHA-512", s)
		}
	case "iterations":
		n, _ := p.integer(k, v, minIterations, maxIterations)
		u.Iterations = int32(n)
	case "password_file":
		u.PasswordFile, _ = p.scalar(k, v)
	case "password_env":
		u.PasswordEnv, _ = p.scalar(k, v)
	case "password":
		p.add(k.Line, "a password is never written in the file: use password_file or password_env")
	default:
		return false
	}
	return true
}

// password reads the user's password from its file or variable.
func (u UserSpec) password(file string) (string, error) {
	var pw string
	if u.PasswordFile != "" {
		data, err := config.ReadFile(u.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("%s:%d: user %q: cannot read password_file: %v", file, u.Line, u.Name, err)
		}
		pw = strings.TrimRight(string(data), "\r\n")
	} else {
		v, ok := os.LookupEnv(u.PasswordEnv)
		if !ok {
			return "", fmt.Errorf("%s:%d: user %q: the environment variable %s (password_env) is not set", file, u.Line, u.Name, u.PasswordEnv)
		}
		pw = v
	}
	if len(pw) < minPasswordLen {
		return "", fmt.Errorf("%s:%d: user %q: the password is shorter than %d characters", file, u.Line, u.Name, minPasswordLen)
	}
	return pw, nil
}

// usersSection plans SCRAM credentials: create the missing ones, re-set those whose
// iterations differ, and (--prune-users) delete the credentials the file does not list.
type usersSection struct {
	want   []UserSpec
	prune  bool
	actual kadm.DescribedUserSCRAMs
	upsert []kadm.UpsertSCRAM
	del    []kadm.DeleteSCRAM
}

func (s *usersSection) fetch(ctx context.Context, adm *cmdutil.Admin) error {
	if len(s.want) == 0 && !s.prune {
		return nil
	}
	d, err := adm.DescribeUserSCRAMs(ctx)
	if err != nil {
		return fmt.Errorf("reading the SCRAM users: %v", err)
	}
	s.actual = d
	return nil
}

// plan is pure: the actions from the file and the fetched credentials. Passwords are read
// here (before anything is sent) for the credentials that change.
func (s *usersSection) plan(file string, rotate bool) ([]Action, error) {
	var acts []Action
	want := map[string]bool{}
	for _, u := range s.want {
		want[u.Name+"/"+u.Mechanism.String()] = true
		act, detail := userChange(u, s.actual[u.Name].CredInfos, rotate)
		if act == "" {
			continue
		}
		pw, err := u.password(file)
		if err != nil {
			return nil, err
		}
		s.upsert = append(s.upsert, kadm.UpsertSCRAM{User: u.Name, Mechanism: u.Mechanism, Iterations: u.Iterations, Password: pw})
		acts = append(acts, Action{Kind: kindUser, Name: u.Name, Action: act, Detail: detail})
	}
	if s.prune {
		for _, d := range s.actual.Sorted() {
			for _, c := range d.CredInfos {
				if !want[d.User+"/"+c.Mechanism.String()] {
					s.del = append(s.del, kadm.DeleteSCRAM{User: d.User, Mechanism: c.Mechanism})
					acts = append(acts, Action{Kind: kindUser, Name: d.User, Action: actDeleteUser, Detail: c.Mechanism.String()})
				}
			}
		}
	}
	return acts, nil
}

// userChange is what the file's credential needs: nothing, a new one, or new iterations (a
// password cannot be read back, so an existing one is in sync unless rotate).
func userChange(u UserSpec, have []kadm.CredInfo, rotate bool) (action, detail string) {
	what := fmt.Sprintf("%s, %d iterations", u.Mechanism, u.Iterations)
	for _, c := range have {
		if c.Mechanism != u.Mechanism {
			continue
		}
		switch {
		case c.Iterations != u.Iterations:
			return actUpdateUser, fmt.Sprintf("%s: iterations %d -> %d (password re-set)", u.Mechanism, c.Iterations, u.Iterations)
		case rotate:
			return actUpdateUser, what + " (password re-set: --rotate-passwords)"
		}
		return "", ""
	}
	return actCreateUser, what
}

// execute sends every upsert and delete in one AlterUserScramCredentials request. SCRAM has no
// validate-only form: a dry run sends nothing.
func (s *usersSection) execute(ctx context.Context, adm *cmdutil.Admin, acts []Action) {
	if len(s.upsert)+len(s.del) == 0 {
		return
	}
	res, err := adm.AlterUserSCRAMs(ctx, s.del, s.upsert)
	for i := range acts {
		a := &acts[i]
		switch {
		case err != nil:
			a.fail(err)
		case res[a.Name].Err != nil:
			a.fail(fmt.Errorf("%v%s", res[a.Name].Err, msgSuffix(res[a.Name].ErrMessage)))
		default:
			a.done()
		}
	}
}
