package config

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"
)

type fakeFS map[string]string

func (f fakeFS) read(p string) ([]byte, error) {
	if v, ok := f[p]; ok {
		return []byte(v), nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func ptr[T any](v T) *T { return &v }

const profiles = `
default: dev
profiles:
  dev:
    brokers: 10.0.0.1:9092
    timeout: 3s
  prod:
    brokers: [p1:9092, p2:9092]
    client_id: ops
    tls: {enabled: true, ca_file: /ca.pem}
    sasl: {mechanism: scram-sha-256, user: admin, password_file: /pw}
`

func TestLoadDefaults(t *testing.T) {
	s, warnings, err := Load(Inputs{Getenv: env(), ReadFile: fakeFS{}.read, ConfigDir: "/home/u/.config"})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if strings.Join(s.Brokers, ",") != DefaultBrokers || s.Timeout != DefaultTimeout || s.Sources["brokers"] != "default" {
		t.Errorf("got %+v", s)
	}
	if s.TLS.Enabled || s.SASL.Mechanism != "" {
		t.Errorf("no TLS/SASL by default: %+v", s)
	}
}

func TestLoadPrecedence(t *testing.T) {
	files := fakeFS{
		"/home/u/.config/kafkit/config.yaml": profiles,
		"/pw":                                "from-file\n",
		"/client.properties":                 "bootstrap.servers=cc:9092\nclient.id=from-cc\n",
	}
	tests := []struct {
		name        string
		in          Inputs
		brokers     string
		source      string
		clientID    string
		timeout     time.Duration
		profileUsed string
	}{
		{"profile default", Inputs{Getenv: env()}, "10.0.0.1:9092", "profile dev", "", 3 * time.Second, "dev"},
		{"env over profile", Inputs{Getenv: env("KAFKIT_BROKERS", "e:1", "KAFKIT_TIMEOUT", "7s")}, "e:1", "env", "", 7 * time.Second, "dev"},
		{"KAFKIT_PROFILE picks", Inputs{Getenv: env("KAFKIT_PROFILE", "prod", "KAFKIT_SASL_PASSWORD", "x")}, "p1:9092,p2:9092", "profile prod", "ops", DefaultTimeout, "prod"},
		{"command-config over env", Inputs{Getenv: env("KAFKIT_BROKERS", "e:1"), CommandConfigPath: "/client.properties"}, "cc:9092", "command-config client.properties", "from-cc", 3 * time.Second, "dev"},
		{"flag over all", Inputs{Getenv: env("KAFKIT_BROKERS", "e:1"), CommandConfigPath: "/client.properties", Flags: Layer{Brokers: ptr("f:1"), ClientID: ptr("flag-id"), Timeout: ptr(2 * time.Second)}}, "f:1", "flag", "flag-id", 2 * time.Second, "dev"},
		{"--profile flag over env", Inputs{Getenv: env("KAFKIT_PROFILE", "dev"), ProfileName: "prod"}, "p1:9092,p2:9092", "profile prod", "ops", DefaultTimeout, "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ReadFile = files.read
			tt.in.ConfigDir = "/home/u/.config"
			s, _, err := Load(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(s.Brokers, ","); got != tt.brokers {
				t.Errorf("brokers = %q, want %q", got, tt.brokers)
			}
			if s.Sources["brokers"] != tt.source {
				t.Errorf("source = %q, want %q", s.Sources["brokers"], tt.source)
			}
			if s.ClientID != tt.clientID || s.Timeout != tt.timeout || s.Profile != tt.profileUsed {
				t.Errorf("client id %q timeout %s profile %q; want %q %s %q", s.ClientID, s.Timeout, s.Profile, tt.clientID, tt.timeout, tt.profileUsed)
			}
		})
	}
}

func TestLoadProfileSASLAndTLS(t *testing.T) {
	files := fakeFS{"/cfg.yaml": profiles, "/pw": "s3cret\n"}
	s, _, err := Load(Inputs{Getenv: env("KAFKIT_CONFIG", "/cfg.yaml"), ProfileName: "prod", ReadFile: files.read})
	if err != nil {
		t.Fatal(err)
	}
	if s.SASL.Mechanism != "SCRAM-SHA-256" || s.SASL.User != "admin" || s.SASL.Password != "s3cret" {
		t.Errorf("sasl = %+v", s.SASL)
	}
	if !s.TLS.Enabled || s.TLS.CAFile != "/ca.pem" {
		t.Errorf("tls = %+v", s.TLS)
	}
	// The env password beats the profile's password file.
	s, _, err = Load(Inputs{Getenv: env("KAFKIT_CONFIG", "/cfg.yaml", "KAFKIT_SASL_PASSWORD", "envpw"), ProfileName: "prod", ReadFile: files.read})
	if err != nil || s.SASL.Password != "envpw" {
		t.Errorf("password = %q, err %v", s.SASL.Password, err)
	}
}

func TestLoadErrors(t *testing.T) {
	files := fakeFS{
		"/cfg.yaml":     profiles,
		"/bad.yaml":     "profiles:\n  a:\n    brokerz: x\n",
		"/bad2.yaml":    "profiles:\n  a:\n    timeout: soon\n",
		"/jks":          "\xfe\xed\xfe\xed\x00\x00\x00\x02",
		"/jks.props":    "security.protocol=SSL\nssl.truststore.location=/jks\nssl.truststore.password=changeit\n",
		"/gss.props":    "security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n",
		"/typ.props":    "ssl.truststore.type=JKS\nssl.truststore.location=/x.jks\n",
		"/bin.props":    "bootstrap.servers=a:1\n\x00\x01\x02\x1b[31m=x\n",
		"/latin1.props": "client.id=caf\xe9\n",
		"/bigpw":        strings.Repeat("p", 64<<10+1),
	}
	tests := []struct {
		name string
		in   Inputs
		want string
	}{
		{"unknown profile", Inputs{Getenv: env("KAFKIT_CONFIG", "/cfg.yaml"), ProfileName: "nope"}, `profile "nope" not found in /cfg.yaml (have: dev, prod)`},
		{"no profile file", Inputs{Getenv: env("KAFKIT_CONFIG", "/missing.yaml"), ProfileName: "dev"}, `there is no profile file /missing.yaml`},
		{"unknown key with line", Inputs{Getenv: env("KAFKIT_CONFIG", "/bad.yaml")}, `/bad.yaml:3: profile "a": unknown key "brokerz"; valid keys here: brokers, client_id, command_config, sasl, timeout, tls`},
		{"bad timeout", Inputs{Getenv: env("KAFKIT_CONFIG", "/bad2.yaml")}, `timeout "soon"`},
		{"bad env timeout", Inputs{Getenv: env("KAFKIT_TIMEOUT", "10")}, `KAFKIT_TIMEOUT="10"`},
		{"bad broker", Inputs{Getenv: env(), Flags: Layer{Brokers: ptr("host:port")}}, `brokers (from flag): bad broker address "host:port": port "port" is not a number`},
		{"empty brokers", Inputs{Getenv: env("KAFKIT_BROKERS", " , ")}, "empty broker list"},
		{"user without password", Inputs{Getenv: env("KAFKIT_SASL_USER", "bob")}, `SASL user "bob" has no password`},
		{"bad mechanism", Inputs{Getenv: env("KAFKIT_SASL_MECHANISM", "md5", "KAFKIT_SASL_USER", "u", "KAFKIT_SASL_PASSWORD", "p")}, `unknown SASL mechanism "md5"`},
		{"jks truststore", Inputs{Getenv: env(), CommandConfigPath: "/jks.props"}, "is a Java keystore, not PEM; convert it: keytool -importkeystore"},
		{"jks type", Inputs{Getenv: env(), CommandConfigPath: "/typ.props"}, "ssl.truststore.type=JKS: kafkit reads PEM files only"},
		{"gssapi", Inputs{Getenv: env(), CommandConfigPath: "/gss.props"}, "only ScramLoginModule and PlainLoginModule are supported"},
		{"missing command config", Inputs{Getenv: env(), CommandConfigPath: "/nope.properties"}, "--command-config: open /nope.properties"},
		{"cert without key", Inputs{Getenv: env(), Flags: Layer{TLSCertFile: ptr("/c.pem")}}, "a TLS client certificate (--tls-cert, from flag) needs its key: add --tls-key FILE"},
		{"key without cert", Inputs{Getenv: env("KAFKIT_TLS_KEY", "/k.pem")}, "a TLS client key (--tls-key, from env) needs its certificate: add --tls-cert FILE"},
		{"negative timeout", Inputs{Getenv: env(), Flags: Layer{Timeout: ptr(-time.Second)}}, "timeout -1s (from flag) is out of range: want more than 0 and at most 1h, e.g. 10s"},
		{"zero timeout", Inputs{Getenv: env("KAFKIT_TIMEOUT", "0s")}, "timeout 0s (from env) is out of range"},
		{"huge timeout", Inputs{Getenv: env(), Flags: Layer{Timeout: ptr(2 * time.Hour)}}, "timeout 2h0m0s (from flag) is out of range: want more than 0 and at most 1h"},
		{"gssapi flag", Inputs{Getenv: env(), Flags: Layer{SASLMechanism: ptr("GSSAPI"), SASLUser: ptr("u"), SASLPassword: ptr("p")}}, "SASL mechanism GSSAPI is not supported by kafkit; use one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (from flag)"},
		{"bare colons", Inputs{Getenv: env(), Flags: Layer{Brokers: ptr(":::")}}, `brokers (from flag): bad broker address ":::": want host:port`},
		{"binary command config", Inputs{Getenv: env(), CommandConfigPath: "/bin.props"}, "--command-config /bin.props: line 2: not a text file (a NUL byte or invalid UTF-8)"},
		{"latin-1 command config", Inputs{Getenv: env(), CommandConfigPath: "/latin1.props"}, "--command-config /latin1.props: line 1: not a text file"},
		{"huge password file", Inputs{Getenv: env("KAFKIT_SASL_USER", "u", "KAFKIT_SASL_PASSWORD_FILE", "/bigpw")}, "SASL password file (from env): /bigpw is larger than 64 KiB: not a password file"},
		{"both password envs", Inputs{Getenv: env("KAFKIT_SASL_PASSWORD", "a", "KAFKIT_SASL_PASSWORD_FILE", "/pw")}, "keep one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ReadFile = files.read
			_, _, err := Load(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCommandConfigMapping(t *testing.T) {
	files := fakeFS{
		"/c.properties": `bootstrap.servers=k1:9093,k2:9093
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\\"w";
ssl.truststore.type=PEM
ssl.truststore.location=/ca.pem
ssl.endpoint.identification.algorithm=
client.id=batch
request.timeout.ms=30000
acks=all
linger.ms=5
`,
		"/ca.pem": "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n",
	}
	s, warnings, err := Load(Inputs{Getenv: env(), CommandConfigPath: "/c.properties", ReadFile: files.read})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Brokers, ",") != "k1:9093,k2:9093" || s.ClientID != "batch" {
		t.Errorf("brokers/client id: %+v", s)
	}
	if !s.TLS.Enabled || s.TLS.CAFile != "/ca.pem" || !s.TLS.SkipHostnameVerification {
		t.Errorf("tls: %+v", s.TLS)
	}
	if s.SASL != (SASL{Mechanism: "SCRAM-SHA-512", User: "alice", Password: `p"w`}) {
		t.Errorf("sasl: %+v", s.SASL)
	}
	want := []string{"--command-config: kafkit ignores these properties: acks, linger.ms"}
	if strings.Join(warnings, "|") != strings.Join(want, "|") {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

func TestTimeoutInRange(t *testing.T) {
	for _, d := range []time.Duration{time.Millisecond, 20 * time.Minute, MaxTimeout} {
		s, _, err := Load(Inputs{Getenv: env(), Flags: Layer{Timeout: ptr(d)}, ReadFile: fakeFS{}.read})
		if err != nil || s.Timeout != d {
			t.Errorf("--timeout %s: %v, %v", d, s.Timeout, err)
		}
	}
}

func TestIgnoredKeysAreEscaped(t *testing.T) {
	files := fakeFS{"/c.properties": "bootstrap.servers=a:1\nevil\\u001b[31mRED=1\nx\\u0007y=2\n"}
	_, warnings, err := Load(Inputs{Getenv: env(), CommandConfigPath: "/c.properties", ReadFile: files.read})
	if err != nil {
		t.Fatal(err)
	}
	want := `--command-config: kafkit ignores these properties: evil\x1b[31mRED, x\ay`
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

func TestLoadPasswordFileMissing(t *testing.T) {
	_, _, err := Load(Inputs{Getenv: env("KAFKIT_SASL_USER", "u"), Flags: Layer{SASLPasswordFile: ptr("/nope")}, ReadFile: fakeFS{}.read})
	if err == nil || !strings.Contains(err.Error(), "SASL password file (from flag)") || !errors.Is(err, fs.ErrNotExist) && !strings.Contains(err.Error(), "no such") && !strings.Contains(err.Error(), "not exist") {
		t.Errorf("error = %v", err)
	}
}

func TestInsecureWarns(t *testing.T) {
	_, warnings, err := Load(Inputs{Getenv: env(), Flags: Layer{TLSInsecure: ptr(true)}, ReadFile: fakeFS{}.read})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "verification is OFF") {
		t.Errorf("warnings %v err %v", warnings, err)
	}
}

func TestParseBrokers(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"a:1,b:2", "a:1,b:2", ""},
		{"a:1 b:2", "a:1,b:2", ""},
		{"kafka", "kafka:9092", ""},
		{"PLAINTEXT://a:1", "a:1", ""},
		{"SASL_SSL://a:1", "a:1", ""},
		{"[::1]:9092", "[::1]:9092", ""},
		{"[::1]", "[::1]:9092", ""},
		{"::1", "", "want host:port"},
		{"a:", "", "want host:port"},
		{":9092", "", "want host:port"},
		{"a:b", "", "is not a number"},
		{"", "", "empty broker list"},
	}
	for _, tt := range tests {
		got, err := ParseBrokers(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBrokers(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("ParseBrokers(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
