package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/config"
)

// metadataErr builds a client for s, asks for metadata as a command would (watched context,
// long timeout) and returns the explained error.
func metadataErr(t *testing.T, s config.Settings) error {
	t.Helper()
	if s.Timeout == 0 {
		s.Timeout = 30 * time.Second // long: a fatal error must end the call long before this
	}
	w := NewWatcher(s)
	cl, err := New(s, w, nil)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	ctx, cancelW := w.Watch(ctx)
	defer cancelW()
	_, err = kadm.NewClient(cl).BrokerMetadata(ctx)
	return w.Explain(err)
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err.Error(), p)
		}
	}
	if strings.Contains(err.Error(), "context deadline exceeded") {
		t.Errorf("error %q waited for the timeout instead of failing fast", err)
	}
}

func TestUnknownInClusterHost(t *testing.T) {
	err := metadataErr(t, config.Settings{Brokers: []string{config.DefaultBrokers}})
	wantErr(t, err, "cannot connect to "+config.DefaultBrokers, "outside the cluster, pass --brokers or set KAFKIT_BROKERS")
}

func TestConnectionRefusedOnEverySeed(t *testing.T) {
	addrs := []string{closedPort(t), closedPort(t)}
	err := metadataErr(t, config.Settings{Brokers: addrs})
	wantErr(t, err, "connection refused", "check the host and port")
}

func TestSASLRejected(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "admin", "right"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := config.Settings{Brokers: c.ListenAddrs(), SASL: config.SASL{Mechanism: "SCRAM-SHA-256", User: "admin", Password: "wrong"}}
	// kfake closes the connection on a bad password; real Kafka answers SASL_AUTHENTICATION_FAILED
	// (tested in e2e). Both must fail fast with a hint about the credentials.
	wantErr(t, metadataErr(t, s), "during SASL authentication", `check user "admin"`)
	s.SASL.Password = "right"
	if err := metadataErr(t, s); err != nil {
		t.Errorf("right password: %v", err)
	}
}

func TestTLSToPlaintextListener(t *testing.T) {
	// Like a Kafka plaintext listener: read the 4-byte request size, find it absurd (a TLS
	// ClientHello read as a size) and close the connection.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4)
			c.Read(buf)
			c.Close()
		}
	}()
	err = metadataErr(t, config.Settings{Brokers: []string{l.Addr().String()}, TLS: config.TLS{Enabled: true, InsecureSkipVerify: true}})
	wantErr(t, err, "plaintext listener: drop --tls")
}

func TestPlaintextToTLSListener(t *testing.T) {
	ca, c := tlsCluster(t)
	_ = ca
	err := metadataErr(t, config.Settings{Brokers: c.ListenAddrs()})
	wantErr(t, err, "TLS listener: add --tls")
}

func TestTLSUnknownCAAndSuccess(t *testing.T) {
	caFile, c := tlsCluster(t)
	err := metadataErr(t, config.Settings{Brokers: c.ListenAddrs(), TLS: config.TLS{Enabled: true, ServerName: "kafka.test"}})
	wantErr(t, err, "not signed by a trusted CA", "--tls-ca")
	if err := metadataErr(t, config.Settings{Brokers: c.ListenAddrs(), TLS: config.TLS{Enabled: true, CAFile: caFile, ServerName: "kafka.test"}}); err != nil {
		t.Errorf("with the CA: %v", err)
	}
	// The certificate names "kafka.test", not 127.0.0.1: hostname checks fail unless skipped.
	wrongName := config.Settings{Brokers: c.ListenAddrs(), TLS: config.TLS{Enabled: true, CAFile: caFile, ServerName: "other.test"}}
	wantErr(t, metadataErr(t, wrongName), "does not match the host name", "--tls-server-name")
	skip := config.Settings{Brokers: c.ListenAddrs(), TLS: config.TLS{Enabled: true, CAFile: caFile, ServerName: "other.test", SkipHostnameVerification: true}}
	if err := metadataErr(t, skip); err != nil {
		t.Errorf("hostname verification skipped: %v", err)
	}
}

func TestTLSConfigRejectsKeystore(t *testing.T) {
	dir := t.TempDir()
	jks := filepath.Join(dir, "truststore.jks")
	os.WriteFile(jks, []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, 0o600)
	_, err := TLSConfig(config.TLS{Enabled: true, CAFile: jks}, os.ReadFile)
	if err == nil || !strings.Contains(err.Error(), "is a Java keystore") || !strings.Contains(err.Error(), "keytool -importkeystore") {
		t.Errorf("error = %v", err)
	}
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	if _, err := TLSConfig(config.TLS{Enabled: true, CAFile: notPEM}, os.ReadFile); err == nil || !strings.Contains(err.Error(), "no PEM certificate found") {
		t.Errorf("error = %v", err)
	}
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// tlsCluster starts a one-broker kfake cluster with a certificate for "kafka.test" signed by a
// fresh CA, and returns the CA's PEM file.
func tlsCluster(t *testing.T) (string, *kfake.Cluster) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kafka.test"}, DNSNames: []string{"kafka.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(&tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600)
	return caFile, c
}
