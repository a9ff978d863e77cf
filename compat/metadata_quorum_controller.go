package compat

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/config"
)

// readFile is os.ReadFile; tests replace it.
var readFile = os.ReadFile

// controllerConfig is what add-controller reads from the new controller's server properties.
type controllerConfig struct {
	ID          int32
	DirectoryID [16]byte
	Endpoints   []controllerEndpoint
}

type controllerEndpoint struct {
	Name, Host string
	Port       uint16
}

// line is the Java tool's result line: "<verb> controller 5 with directory id X and endpoints:
// CONTROLLER://h:9093".
func (c controllerConfig) line(verb string) string {
	var eps []string
	for _, e := range c.Endpoints {
		eps = append(eps, e.Name+"://"+javaHostPort(e.Host, e.Port))
	}
	return fmt.Sprintf("%s controller %d with directory id %s and endpoints: %s", verb, c.ID, javaUUID(c.DirectoryID), strings.Join(eps, ", "))
}

const notController = "Is this a valid controller configuration file?"

// readControllerConfig reads a controller's server properties as MetadataQuorumCommand does:
// node.id (a controller's: process.roles must contain "controller"), the directory id in the
// meta.properties of its metadata log dir (metadata.log.dir, else the first of log.dirs), and
// the endpoints of controller.listener.names (advertised.listeners over listeners). Its errors
// are the Java tool's messages.
func readControllerConfig(path string, read func(string) ([]byte, error)) (controllerConfig, error) {
	props, err := readProps(path, read)
	if errors.Is(err, fs.ErrNotExist) {
		return controllerConfig{}, fmt.Errorf("Properties file %s does not exists!", path)
	}
	if err != nil {
		return controllerConfig{}, err
	}
	var c controllerConfig
	if c.ID, err = controllerID(props); err != nil {
		return c, err
	}
	dir, err := metadataDir(props)
	if err != nil {
		return c, err
	}
	if c.DirectoryID, err = metadataDirectoryID(dir, read); err != nil {
		return c, err
	}
	c.Endpoints, err = controllerEndpoints(props)
	return c, err
}

// readProps parses a .properties file into its last value per key, as java.util.Properties.
func readProps(path string, read func(string) ([]byte, error)) (map[string]string, error) {
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	list, err := config.ParseProperties(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	m := map[string]string{}
	for _, p := range list {
		m[p.Key] = p.Value
	}
	return m, nil
}

func controllerID(props map[string]string) (int32, error) {
	v, ok := props["node.id"]
	if !ok {
		return 0, fmt.Errorf("node.id not found in configuration file. %s", notController)
	}
	id, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		// Java stops here with a NumberFormatException and its stack trace.
		return 0, fmt.Errorf("node.id %q is not a number in configuration file. %s", v, notController)
	}
	if id < 0 {
		return 0, fmt.Errorf("node.id was negative in configuration file. %s", notController)
	}
	if !strings.Contains(props["process.roles"], "controller") {
		return 0, fmt.Errorf("process.roles did not contain 'controller' in configuration file. %s", notController)
	}
	return int32(id), nil
}

func metadataDir(props map[string]string) (string, error) {
	if v, ok := props["metadata.log.dir"]; ok {
		return v, nil
	}
	if v, ok := props["log.dirs"]; ok {
		first, _, _ := strings.Cut(strings.TrimSpace(v), ",")
		return first, nil
	}
	return "", fmt.Errorf("Neither metadata.log.dir nor log.dirs were found. %s", notController)
}

// metadataDirectoryID reads directory.id from dir/meta.properties.
func metadataDirectoryID(dir string, read func(string) ([]byte, error)) ([16]byte, error) {
	var id [16]byte
	meta, err := readProps(filepath.Join(dir, "meta.properties"), read)
	if err != nil {
		return id, fmt.Errorf("Unable to read meta.properties from %s", dir)
	}
	v, ok := meta["directory.id"]
	if !ok {
		return id, fmt.Errorf("No directory id found in %s", dir)
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != 16 {
		return id, fmt.Errorf("Invalid UUID string: %s (directory.id in %s)", v, filepath.Join(dir, "meta.properties"))
	}
	copy(id[:], b)
	return id, nil
}

// listenerRE is how Kafka splits a listener: NAME://HOST:PORT, an IPv6 host in brackets, an
// empty host meaning every interface.
var listenerRE = regexp.MustCompile(`^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$`)

// parseListeners maps listener names (upper-cased, as Kafka normalises them) to endpoints.
func parseListeners(s string, into map[string]controllerEndpoint) error {
	for _, l := range strings.Split(s, ",") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		m := listenerRE.FindStringSubmatch(l)
		if m == nil {
			return fmt.Errorf("Unable to parse %s to a broker endpoint", l)
		}
		port, err := strconv.ParseUint(m[3], 10, 16)
		if err != nil {
			return fmt.Errorf("Unable to parse %s to a broker endpoint: bad port %s", l, m[3])
		}
		name := strings.ToUpper(m[1])
		into[name] = controllerEndpoint{Name: name, Host: m[2], Port: uint16(port)}
	}
	return nil
}

func controllerEndpoints(props map[string]string) ([]controllerEndpoint, error) {
	byName := map[string]controllerEndpoint{}
	if err := parseListeners(props["listeners"], byName); err != nil {
		return nil, err
	}
	if err := parseListeners(props["advertised.listeners"], byName); err != nil {
		return nil, err
	}
	names, ok := props["controller.listener.names"]
	if !ok {
		return nil, fmt.Errorf("controller.listener.names was not found. %s", notController)
	}
	var out []controllerEndpoint
	seen := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		n = strings.ToUpper(n)
		e, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("Cannot find information about controller listener name: %s", n)
		}
		if e.Host == "" {
			e.Host = "localhost"
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, e)
		}
	}
	return out, nil
}
