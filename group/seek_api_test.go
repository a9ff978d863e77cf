package group

import (
	"context"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// Seek is the engine of `group seek` for other packages: the same plan, nothing printed.
func TestSeekExportedOnKfake(t *testing.T) {
	fx := newFixture(t)
	adm, err := fx.env.F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := Seek(ctx, adm, SeekRequest{Group: "g1", To: "start", Topics: []string{"orders:0,1"}}, time.Now())
	if err != nil || res.Applied || len(res.Plan) != 2 || *res.Plan[0].New != 0 || *res.Plan[0].Current != 4 || res.State != "Empty" {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if out := fx.env.Out.String() + fx.env.ErrOut.String(); out != "" {
		t.Errorf("Seek printed %q", out)
	}
	res, err = Seek(ctx, adm, SeekRequest{Group: "g1", CSV: []byte("orders,0,2\n"), Execute: true}, time.Now())
	if err != nil || !res.Applied {
		t.Fatalf("execute: %+v %v", res, err)
	}
	offs, err := fx.adm.FetchOffsets(ctx, "g1")
	if o, _ := offs.Lookup("orders", 0); err != nil || o.At != 2 {
		t.Errorf("orders/0 committed at %d (%v), want 2", o.At, err)
	}
	if _, err := Seek(ctx, adm, SeekRequest{Group: "g1", To: "sideways", AllTopics: true}, time.Now()); !cmdutil.IsUsage(err) {
		t.Errorf("bad spec: %v, want a usage error", err)
	}
}
