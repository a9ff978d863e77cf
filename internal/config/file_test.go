package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "client.properties")
	os.WriteFile(regular, []byte("bootstrap.servers=a:1\n"), 0o600)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600)
	exact := filepath.Join(dir, "exact")
	os.WriteFile(exact, make([]byte, MaxFileSize), 0o600)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(regular, link)
	tests := []struct {
		path, want string
		size       int
	}{
		{regular, "", 22},
		{link, "", 22},
		{exact, "", MaxFileSize},
		{big, big + " is larger than 1 MiB: not a settings file", 0},
		{fifo, "read " + fifo + ": is a named pipe (FIFO), not a regular file; kafkit reads settings from regular files only", 0},
		{"/dev/zero", "read /dev/zero: is a device, not a regular file", 0},
		{"/dev/urandom", "read /dev/urandom: is a device, not a regular file", 0},
		{dir, "read " + dir + ": is a directory, not a regular file", 0},
		{filepath.Join(dir, "missing"), "no such file or directory", 0},
	}
	for _, tt := range tests {
		done := make(chan struct{})
		var data []byte
		var err error
		go func() { data, err = ReadFile(tt.path); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadFile(%s) hangs", tt.path)
		}
		if tt.want == "" {
			if err != nil || len(data) != tt.size {
				t.Errorf("ReadFile(%s) = %d bytes, %v; want %d bytes", tt.path, len(data), err, tt.size)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadFile(%s) error = %v, want %q", tt.path, err, tt.want)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file must keep fs.ErrNotExist: %v", err)
	}
}

// A FIFO, /dev/zero and a device as password file through Load with the real reader: errors in
// milliseconds, no hang, no memory growth.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   Inputs
		want string
	}{
		{"command-config FIFO", Inputs{CommandConfigPath: fifo, Getenv: env()}, "--command-config: read " + fifo + ": is a named pipe (FIFO)"},
		{"command-config /dev/zero", Inputs{CommandConfigPath: "/dev/zero", Getenv: env()}, "--command-config: read /dev/zero: is a device"},
		{"KAFKIT_CONFIG=/dev/zero", Inputs{Getenv: env("KAFKIT_CONFIG", "/dev/zero")}, "reading profile file: read /dev/zero: is a device"},
		{"KAFKIT_CONFIG=FIFO", Inputs{Getenv: env("KAFKIT_CONFIG", fifo)}, "reading profile file: read " + fifo + ": is a named pipe"},
		{"password /dev/urandom", Inputs{Getenv: env("KAFKIT_SASL_USER", "u"), Flags: Layer{SASLPasswordFile: ptr("/dev/urandom")}}, "SASL password file (from flag): read /dev/urandom: is a device"},
	}
	for _, tt := range tests {
		tt.in.ReadFile = ReadFile
		start := time.Now()
		_, _, err := Load(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %s", tt.name, d)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"a=1\nb=2\n", ""},
		{"client.id=café ☕\n", ""},
		{"", ""},
		{"a=1\n\x00", "line 2: not a text file"},
		{"a=\xff\n", "line 1: not a text file"},
		{"\n\n\xc3", "line 3: not a text file"},
	}
	for _, tt := range tests {
		err := CheckText([]byte(tt.in))
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("CheckText(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

// FuzzLoadCommandConfig feeds any bytes as a --command-config file (and as a profile file):
// Load never panics, and whatever it accepts is text with brokers and a timeout in range.
func FuzzLoadCommandConfig(f *testing.F) {
	f.Add([]byte("bootstrap.servers=a:1\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=x PlainLoginModule required username=\"u\" password=\"p\";\n"))
	f.Add([]byte("profiles:\n  a:\n    brokers: [x:1]\n    sasl: {user: u, password_file: /c}\n"))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte("ssl.truststore.location=/c\nssl.keystore.location=/c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := fakeFS{"/c": string(data)}
		for _, in := range []Inputs{
			{Getenv: env(), CommandConfigPath: "/c"},
			{Getenv: env("KAFKIT_CONFIG", "/c")},
		} {
			in.ReadFile = files.read
			s, warnings, err := Load(in)
			if err != nil {
				continue
			}
			if CheckText(data) != nil {
				t.Fatalf("accepted a binary file: %q", data)
			}
			if len(s.Brokers) == 0 || s.Timeout <= 0 || s.Timeout > MaxTimeout {
				t.Fatalf("accepted bad settings %+v from %q", s, data)
			}
			for _, w := range warnings {
				for _, r := range w {
					if r < 0x20 {
						t.Fatalf("warning has a control character: %q", w)
					}
				}
			}
		}
	})
}
