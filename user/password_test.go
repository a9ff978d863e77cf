package user

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func TestResolvePasswords(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "correct horse\n")
	short := write("short", "abc\n")
	write("alice", "alice-secret\r\n")
	write("bob", "bob-secret-1")
	t.Setenv("ACCESS_TEST_PW", "from-the-env")
	prompt := func(answers ...string) secretReader {
		return func(string) (string, error) { a := answers[0]; answers = answers[1:]; return a, nil }
	}
	cases := []struct {
		name  string
		flags passwordFlags
		stdin string
		ask   secretReader
		users []string
		want  map[string]string
		err   string
	}{
		{"file", passwordFlags{File: good}, "", nil, []string{"u"}, map[string]string{"u": "correct horse"}, ""},
		{"stdin", passwordFlags{Stdin: true}, "stdin-password\n", nil, []string{"u"}, map[string]string{"u": "stdin-password"}, ""},
		{"env", passwordFlags{Env: "ACCESS_TEST_PW"}, "", nil, []string{"u"}, map[string]string{"u": "from-the-env"}, ""},
		{"dir", passwordFlags{Dir: dir}, "", nil, []string{"alice", "bob"}, map[string]string{"alice": "alice-secret", "bob": "bob-secret-1"}, ""},
		{"prompt", passwordFlags{}, "", prompt("typed-secret", "typed-secret"), []string{"u"}, map[string]string{"u": "typed-secret"}, ""},
		{"prompt mismatch", passwordFlags{}, "", prompt("typed-secret", "typo-secret"), []string{"u"}, nil, "do not match"},
		{"no source no terminal", passwordFlags{}, "", nil, []string{"u"}, nil, "stdin is not a terminal"},
		{"two sources", passwordFlags{File: good, Stdin: true}, "", nil, []string{"u"}, nil, "one way"},
		{"too short", passwordFlags{File: short}, "", nil, []string{"u"}, nil, "shorter than 8 characters"},
		{"empty env", passwordFlags{Env: "ACCESS_TEST_UNSET"}, "", nil, []string{"u"}, nil, "empty or not set"},
		{"several users one password", passwordFlags{File: good}, "", nil, []string{"a", "b"}, nil, "--password-dir"},
		{"missing file in dir", passwordFlags{Dir: dir}, "", nil, []string{"carol"}, nil, "password file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ios, in, _, _ := cmdutil.Test()
			in.WriteString(c.stdin)
			got, err := c.flags.resolve(ios, c.ask, c.users)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !cmdutil.IsUsage(err) {
					t.Fatalf("error %v, want a usage error containing %q", err, c.err)
				}
				for _, secret := range []string{"abc", "typo-secret", "typed-secret", "correct horse"} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("the error shows the password: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for u, pw := range c.want {
				if got[u] != pw {
					t.Fatalf("password of %s = %q, want %q", u, got[u], pw)
				}
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{"12345678": true, "1234567": false, "pässwörd": true, "pässwö": false, "has\x00nul-x": false, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8": false} {
		if err := CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v", pw, err)
		}
	}
}

func TestParseMechanismAndIterations(t *testing.T) {
	for in, want := range map[string]string{"scram-sha-256": "SCRAM-SHA-256", "SCRAM-SHA-512": "SCRAM-SHA-512", "512": "SCRAM-SHA-512"} {
		m, err := ParseMechanism(in)
		if err != nil || m.String() != want {
			t.Errorf("%q: %v %v", in, m, err)
		}
	}
	if _, err := ParseMechanism("PLAIN"); err == nil {
		t.Error("PLAIN is not a SCRAM mechanism")
	}
	for n, ok := range map[int]bool{4095: false, 4096: true, 16384: true, 16385: false} {
		if (CheckIterations(n) == nil) != ok {
			t.Errorf("iterations %d", n)
		}
	}
}
