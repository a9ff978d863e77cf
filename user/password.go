package user

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// MinPasswordLength is the shortest password kafkit sets (in characters). Kafka itself takes
// any length; 8 keeps a guessable one-word password out.
const MinPasswordLength = 8

// passwordFlags are the ways to give a password; at most one may be used.
type passwordFlags struct {
	File  string
	Stdin bool
	Env   string
	Dir   string
}

func addPasswordFlags(cmd *cobra.Command, p *passwordFlags) {
	fl := cmd.Flags()
	fl.StringVar(&p.File, "password-file", "", "read the password from this file (trailing newlines dropped)")
	fl.BoolVar(&p.Stdin, "password-stdin", false, "read the password from stdin (trailing newline dropped)")
	fl.StringVar(&p.Env, "password-env", "", "read the password from the environment variable with this name")
	fl.StringVar(&p.Dir, "password-dir", "", "read each user's password from DIR/USER (for several users at once)")
}

// secretReader asks for a password with no echo; nil when stdin is not a terminal.
type secretReader func(prompt string) (string, error)

// resolve reads one password per user from the chosen source and checks it. Errors are usage
// errors (nothing sent) and never contain the password.
func (p passwordFlags) resolve(ios *cmdutil.IOStreams, ask secretReader, users []string) (map[string]string, error) {
	n := 0
	for _, set := range []bool{p.File != "", p.Stdin, p.Env != "", p.Dir != ""} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		return nil, cmdutil.UsageErrorf("give the password one way: --password-file, --password-stdin, --password-env or --password-dir")
	case len(users) > 1 && p.Dir == "":
		return nil, cmdutil.UsageErrorf("%d users: give each its own password with --password-dir DIR (a file per user, DIR/USER)", len(users))
	case n == 0 && ask == nil:
		return nil, cmdutil.UsageErrorf("no password: give --password-file FILE, --password-stdin or --password-env NAME (stdin is not a terminal, so kafkit cannot ask)")
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		pw, err := p.read(ios, ask, u)
		if err != nil {
			return nil, cmdutil.UsageErrorf("%v", err)
		}
		if err := CheckPassword(pw); err != nil {
			return nil, cmdutil.UsageErrorf("password for %q: %v", u, err)
		}
		out[u] = pw
	}
	return out, nil
}

func (p passwordFlags) read(ios *cmdutil.IOStreams, ask secretReader, user string) (string, error) {
	switch {
	case p.File != "":
		return readPasswordFile(p.File)
	case p.Dir != "":
		return readPasswordFile(filepath.Join(p.Dir, user))
	case p.Stdin:
		data, err := io.ReadAll(io.LimitReader(ios.In, config.MaxPasswordSize+1))
		if err != nil {
			return "", fmt.Errorf("read the password from stdin: %v", err)
		}
		if len(data) > config.MaxPasswordSize {
			return "", errors.New("stdin holds more than 64 KiB: not a password")
		}
		return trimNewlines(string(data)), nil
	case p.Env != "":
		v := cmdutil.Getenv(p.Env)
		if v == "" {
			return "", fmt.Errorf("--password-env %s: the variable is empty or not set", p.Env)
		}
		return v, nil
	}
	return askTwice(ask, user)
}

func readPasswordFile(path string) (string, error) {
	data, err := config.ReadFileLimit(path, config.MaxPasswordSize)
	if err != nil {
		return "", fmt.Errorf("password file: %v", err)
	}
	return trimNewlines(string(data)), nil
}

// askTwice prompts for the password and its confirmation.
func askTwice(ask secretReader, user string) (string, error) {
	pw, err := ask(fmt.Sprintf("Password for %s: ", user))
	if err != nil {
		return "", err
	}
	again, err := ask("Retype the password: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the passwords do not match")
	}
	return pw, nil
}

func trimNewlines(s string) string { return strings.TrimRight(s, "\r\n") }

// CheckPassword checks the length (MinPasswordLength characters) and that it is UTF-8 text
// without NUL (SCRAM's SASLprep refuses both). The error never quotes the password.
func CheckPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw) || strings.ContainsRune(pw, 0):
		return errors.New("the password must be UTF-8 text without NUL characters")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return fmt.Errorf("the password is shorter than %d characters", MinPasswordLength)
	}
	return nil
}

// lineReader reads one line from r: the fallback of a secret reader on a terminal whose echo
// could not be turned off (never used for pipes).
func lineReader(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read the password: %v", err)
	}
	return trimNewlines(line), nil
}
