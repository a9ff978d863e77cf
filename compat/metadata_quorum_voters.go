package compat

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// staticQuorum is what kafkit says instead of sending a voter change to a static quorum.
const staticQuorum = "This cluster's metadata quorum is static (kraft.version 0, controller.quorum.voters): controllers cannot be added or removed at runtime. Change controller.quorum.voters on every node and restart them, or move to a dynamic quorum first (kraft.version 1, Kafka 4.1+)."

// quorumVoterRun is add-controller and remove-controller. remove-controller --dry-run prints
// the Java tool's line without asking the cluster, as the tool does; a real change is refused
// on a static quorum before anything is sent.
func quorumVoterRun(ctx context.Context, e *Env, p *Parsed) error {
	add := p.Args[0] == "add-controller"
	var id int64
	var dir [16]byte
	if !add {
		var err error
		if id, dir, err = removeControllerArgs(p); err != nil {
			return terse(e, "%v", err)
		}
		if p.Has("dry-run") {
			fmt.Fprintf(e.IO.Out, "DRY RUN of removing  KRaft controller %d with directory id %s\n", id, javaUUID(dir))
			return nil
		}
	}
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
	if add {
		return cmdutil.UsageErrorf("kafka-metadata-quorum.sh add-controller (reading the controller's properties and meta.properties) is not supported by kafkit: use kafkit cluster quorum add-controller --id N --directory-id ID --endpoint NAME://HOST:PORT")
	}
	req := kmsg.NewPtrRemoveRaftVoterRequest()
	req.VoterID, req.VoterDirectoryID = int32(id), dir
	resp, err := req.RequestWith(ctx, adm)
	if err != nil {
		return terse(e, "%v", e.Explain(err))
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		msg := ""
		if resp.ErrorMessage != nil {
			msg = *resp.ErrorMessage
		}
		return terse(e, "%s", javaAdminException(err, msg))
	}
	fmt.Fprintf(e.IO.Out, "Removed  KRaft controller %d with directory id %s\n", id, javaUUID(dir))
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
