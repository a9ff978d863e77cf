package compat

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// staticQuorum is what kafkit says instead of sending a voter change to a static quorum.
const staticQuorum = "This cluster's metadata quorum is static (kraft.version 0, controller.quorum.voters): controllers cannot be added or removed at runtime. Change controller.quorum.voters on every node and restart them, or move to a dynamic quorum first (kraft.version 1, Kafka 4.1+)."

// quorumVoterRun is add-controller and remove-controller. Both check their input first and
// print the Java tool's "DRY RUN of ..." line for --dry-run without asking the cluster, as the
// tool does; a real change is refused on a static quorum before anything is sent. The
// requests go to the brokers (--bootstrap-server), which forward them to the quorum leader.
func quorumVoterRun(ctx context.Context, e *Env, p *Parsed) error {
	if p.Args[0] == "add-controller" {
		return addControllerRun(ctx, e, p)
	}
	id, dir, err := removeControllerArgs(p)
	if err != nil {
		return terse(e, "%v", err)
	}
	if p.Has("dry-run") {
		fmt.Fprintf(e.IO.Out, "DRY RUN of removing  KRaft controller %d with directory id %s\n", id, javaUUID(dir))
		return nil
	}
	req := kmsg.NewPtrRemoveRaftVoterRequest()
	req.VoterID, req.VoterDirectoryID = int32(id), dir
	err = sendVoterRequest(ctx, e, func(ctx context.Context, adm *cmdutil.Admin) (int16, *string, error) {
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return 0, nil, err
		}
		return resp.ErrorCode, resp.ErrorMessage, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.IO.Out, "Removed  KRaft controller %d with directory id %s\n", id, javaUUID(dir))
	return nil
}

// addControllerRun is add-controller: like the Java tool, it reads the new controller's id,
// directory id and listeners from its server properties (--command-config, which also stays
// the client settings file).
func addControllerRun(ctx context.Context, e *Env, p *Parsed) error {
	if !p.Has("command-config") {
		return terse(e, "You must supply the configuration file of the controller you are adding when using add-controller.")
	}
	c, err := readControllerConfig(p.Value("command-config"), readFile)
	if err != nil {
		return terse(e, "%v", err)
	}
	if p.Has("dry-run") {
		fmt.Fprintln(e.IO.Out, c.line("DRY RUN of adding"))
		return nil
	}
	req := kmsg.NewPtrAddRaftVoterRequest()
	req.TimeoutMillis = 30000
	req.VoterID, req.VoterDirectoryID = c.ID, c.DirectoryID
	for _, l := range c.Endpoints {
		rl := kmsg.NewAddRaftVoterRequestListener()
		rl.Name, rl.Host, rl.Port = l.Name, l.Host, l.Port
		req.Listeners = append(req.Listeners, rl)
	}
	err = sendVoterRequest(ctx, e, func(ctx context.Context, adm *cmdutil.Admin) (int16, *string, error) {
		resp, err := req.RequestWith(ctx, adm)
		if err != nil {
			return 0, nil, err
		}
		return resp.ErrorCode, resp.ErrorMessage, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.IO.Out, c.line("Added"))
	return nil
}

// sendVoterRequest checks that the quorum is dynamic, sends the request and prints a refusal
// as the Java tool's first line (the exception); the caller prints the result.
func sendVoterRequest(ctx context.Context, e *Env, send func(context.Context, *cmdutil.Admin) (int16, *string, error)) error {
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	dynamic, err := kraftDynamic(ctx, adm)
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	if !dynamic {
		return terse(e, "%s", staticQuorum)
	}
	code, msg, err := send(ctx, adm)
	if err != nil && strings.Contains(err.Error(), "broker is too old") {
		return terse(e, "The brokers do not support adding or removing controllers (AddRaftVoter/RemoveRaftVoter, KIP-853: Kafka 3.9 or later).")
	}
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	if err := kerr.ErrorForCode(code); err != nil {
		m := ""
		if msg != nil {
			m = *msg
		}
		return terse(e, "%s", javaAdminException(err, m))
	}
	return nil
}

func removeControllerArgs(p *Parsed) (int64, [16]byte, error) {
	var dir [16]byte
	if !p.Has("controller-id") || !p.Has("controller-directory-id") {
		return 0, dir, fmt.Errorf("argument --controller-id/-i and --controller-directory-id/-d are required")
	}
	id, err := strconv.ParseInt(p.Value("controller-id"), 10, 32)
	if err != nil {
		return 0, dir, fmt.Errorf("argument --controller-id/-i: could not convert '%s' to Integer", p.Value("controller-id"))
	}
	if id < 0 {
		return 0, dir, fmt.Errorf("Invalid negative --controller-id: %d", id)
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Value("controller-directory-id"))
	if err != nil || len(b) != 16 {
		return 0, dir, fmt.Errorf("Failed to parse --controller-directory-id: Invalid UUID string: %s", p.Value("controller-directory-id"))
	}
	copy(dir[:], b)
	return id, dir, nil
}

// kraftDynamic reports whether the finalized kraft.version is 1 or more (a KIP-853 quorum).
func kraftDynamic(ctx context.Context, adm *cmdutil.Admin) (bool, error) {
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return false, err
	}
	for _, v := range vs.Sorted() {
		if v.Err != nil {
			continue
		}
		for _, f := range v.Raw().FinalizedFeatures {
			if f.Name == "kraft.version" {
				return f.MaxVersionLevel >= 1, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("no broker answered ApiVersions")
}

// javaHostPort is host:port with an IPv6 host in brackets, as the tool prints an endpoint.
func javaHostPort(host string, port uint16) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(int(port))
}

// expandQuorumShortOptions spells out remove-controller's argparse4j short options: -i N, -iN,
// -d ID and -dID.
func expandQuorumShortOptions(args []string) ([]string, error) {
	long := map[string]string{"-i": "--controller-id", "-d": "--controller-directory-id"}
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if l, ok := long[a]; ok {
			out = append(out, l)
			continue
		}
		if len(a) > 2 && long[a[:2]] != "" {
			out = append(out, long[a[:2]]+"="+strings.TrimPrefix(a[2:], "="))
			continue
		}
		out = append(out, a)
	}
	return out, nil
}
