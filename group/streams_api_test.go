package group

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kafkit/kafkit/internal/testkit"
)

// StreamsGroupDescribe answered through a kfake control function: the request asks for the
// topology description when told to, the answer is kept as the broker sent it (members in
// its order), with the coordinator; a group the broker refused has its error and message.
func TestDescribeStreamsGroups(t *testing.T) {
	c := testkit.Cluster(t)
	// kfake does not implement StreamsGroupDescribe: advertise it (with kfake's own keys).
	c.ControlKey(int16(kmsg.ApiVersions), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := r.(*kmsg.ApiVersionsRequest).ResponseKind().(*kmsg.ApiVersionsResponse)
		kversion.Stable().EachMaxKeyVersion(func(k, v int16) {
			resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: k, MaxVersion: v})
		})
		resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: int16(kmsg.StreamsGroupDescribe), MaxVersion: 1})
		return resp, nil, true
	})
	var asked []bool
	c.ControlKey(int16(kmsg.StreamsGroupDescribe), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.StreamsGroupDescribeRequest)
		asked = append(asked, req.IncludeTopologyDescription)
		resp := req.ResponseKind().(*kmsg.StreamsGroupDescribeResponse)
		for _, g := range req.Groups {
			rg := kmsg.NewStreamsGroupDescribeResponseGroup()
			rg.Group, rg.State = g, "Stable"
			if g == "missing" {
				msg := "Group missing not found."
				rg.ErrorCode, rg.ErrorMessage, rg.State = 69, &msg, ""
			}
			for _, id := range []string{"m-2", "m-1"} {
				m := kmsg.NewStreamsGroupDescribeResponseGroupMember()
				m.MemberID = id
				rg.Members = append(rg.Members, m)
			}
			resp.Groups = append(resp.Groups, rg)
		}
		return resp, nil, true
	})
	adm, err := testkit.Factory(t, c).F.Admin()
	if err != nil {
		t.Fatal(err)
	}
	got := DescribeStreamsGroups(context.Background(), adm, []string{"wc", "missing"}, true)
	wc, missing := got["wc"], got["missing"]
	if wc.Err != nil || wc.State != "Stable" || len(wc.Members) != 2 || wc.Members[0].MemberID != "m-2" || wc.CoordinatorAddr == "" {
		t.Errorf("wc: %+v", wc)
	}
	if missing.Err == nil || missing.ErrMessage != "Group missing not found." {
		t.Errorf("missing: %+v", missing)
	}
	if len(asked) == 0 || !asked[0] {
		t.Errorf("IncludeTopologyDescription not asked: %v", asked)
	}
}
