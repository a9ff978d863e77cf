package txnstate

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// fenceTimeoutMs is the transaction timeout the fencing InitProducerId carries, as the Java
// admin client's fenceProducers sends one; the id's next producer sets its own.
const fenceTimeoutMs = 60000

// Fence fences a transactional id as Admin.fenceProducers and forceTerminateTransaction do:
// an InitProducerId to its coordinator, which bumps the epoch and aborts the open transaction.
// While the coordinator is still ending the transaction it answers CONCURRENT_TRANSACTIONS
// (and while it loads, COORDINATOR_LOAD_IN_PROGRESS): retried until ctx ends. Returns the new
// producer id and epoch.
func Fence(ctx context.Context, adm *cmdutil.Admin, id string) (int64, int16, error) {
	for {
		req := kmsg.NewPtrInitProducerIDRequest()
		req.TransactionalID = &id
		req.TransactionTimeoutMillis = fenceTimeoutMs
		req.ProducerID, req.ProducerEpoch = -1, -1
		resp, err := req.RequestWith(ctx, adm)
		if err == nil {
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err == nil {
			return resp.ProducerID, resp.ProducerEpoch, nil
		}
		if !errors.Is(err, kerr.ConcurrentTransactions) && !errors.Is(err, kerr.CoordinatorLoadInProgress) {
			return 0, 0, err
		}
		select {
		case <-ctx.Done():
			return 0, 0, err
		case <-time.After(100 * time.Millisecond):
		}
	}
}
