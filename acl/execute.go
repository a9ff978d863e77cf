package acl

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The executor: the three ACL requests, each sent once per command (DescribeACLs takes one
// filter, so a list with several resources sends one per filter).

// ErrNoAuthorizer is what a cluster without an authorizer answers (SECURITY_DISABLED).
var ErrNoAuthorizer = errors.New("the cluster has no authorizer (SECURITY_DISABLED): it neither stores nor enforces ACLs; set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer on every node to use them")

// explain turns a top-level ACL error code into a message a person can act on.
func explain(code int16, msg *string, what string) error {
	err := kerr.ErrorForCode(code)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kerr.SecurityDisabled):
		return ErrNoAuthorizer
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		need := "Describe"
		if what != "list" {
			need = "Alter"
		}
		return fmt.Errorf("not allowed to %s ACLs (CLUSTER_AUTHORIZATION_FAILED): the principal needs %s on the cluster, or connect as a super user", what, need)
	}
	if msg != nil && *msg != "" {
		return fmt.Errorf("%s ACLs: %v: %s", what, err, *msg)
	}
	return fmt.Errorf("%s ACLs: %v", what, err)
}

// Describe lists the ACLs matching any of the filters (one DescribeACLs request per filter),
// deduplicated and sorted. The first failing request's error is returned.
func Describe(ctx context.Context, r kmsg.Requestor, filters []Filter) ([]Binding, error) {
	seen := map[Binding]bool{}
	var out []Binding
	for _, f := range filters {
		req := kmsg.NewPtrDescribeACLsRequest()
		req.ResourceType, req.ResourceName, req.ResourcePatternType = f.Type, f.Name, f.Pattern
		req.Principal, req.Host, req.Operation, req.PermissionType = f.Principal, f.Host, f.Operation, f.Permission
		resp, err := req.RequestWith(ctx, r)
		if err != nil {
			return nil, err
		}
		if err := explain(resp.ErrorCode, resp.ErrorMessage, "list"); err != nil {
			return nil, err
		}
		for _, res := range resp.Resources {
			for _, a := range res.ACLs {
				b := Binding{res.ResourceType, res.ResourceName, res.ResourcePatternType, a.Principal, a.Host, a.Operation, a.PermissionType}
				if !seen[b] {
					seen[b] = true
					out = append(out, b)
				}
			}
		}
	}
	SortBindings(out)
	return out, nil
}

// maxPerRequest is the most records Kafka's controller takes from one request
// (MAX_RECORDS_PER_USER_OP, 10,000: each ACL is one record); more go in further requests.
const maxPerRequest = 10000

// Create sends the bindings in one CreateACLs request (one per 10,000) and returns one error
// (nil on success) per binding; the error return is for a request as a whole.
func Create(ctx context.Context, r kmsg.Requestor, bs []Binding) ([]error, error) {
	var errs []error
	for start := 0; start < len(bs); start += maxPerRequest {
		e, err := createChunk(ctx, r, bs[start:min(start+maxPerRequest, len(bs))])
		if err != nil {
			return nil, err
		}
		errs = append(errs, e...)
	}
	return errs, nil
}

func createChunk(ctx context.Context, r kmsg.Requestor, bs []Binding) ([]error, error) {
	req := kmsg.NewPtrCreateACLsRequest()
	for _, b := range bs {
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType, c.ResourceName, c.ResourcePatternType = b.Type, b.Name, b.Pattern
		c.Principal, c.Host, c.Operation, c.PermissionType = b.Principal, b.Host, b.Operation, b.Permission
		req.Creations = append(req.Creations, c)
	}
	resp, err := req.RequestWith(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(resp.Results) != len(bs) {
		return nil, fmt.Errorf("create ACLs: the broker answered %d results for %d ACLs", len(resp.Results), len(bs))
	}
	errs := make([]error, len(bs))
	for i, res := range resp.Results {
		errs[i] = itemError(res.ErrorCode, res.ErrorMessage, "create")
	}
	if allSame(errs, ErrNoAuthorizer) {
		return nil, ErrNoAuthorizer
	}
	return errs, nil
}

// itemError is a per-ACL error, explained like a top-level one.
func itemError(code int16, msg *string, what string) error {
	if code == 0 {
		return nil
	}
	return explain(code, msg, what)
}

func allSame(errs []error, target error) bool {
	for _, e := range errs {
		if !errors.Is(e, target) {
			return false
		}
	}
	return len(errs) > 0
}

// Deleted is what one delete filter removed: the ACLs it matched (each with its own error).
type Deleted struct {
	Err     error
	Matched []Binding
	Errs    []error
}

// Delete sends the filters in one DeleteACLs request (one per 10,000).
func Delete(ctx context.Context, r kmsg.Requestor, filters []Filter) ([]Deleted, error) {
	var out []Deleted
	for start := 0; start < len(filters); start += maxPerRequest {
		d, err := deleteChunk(ctx, r, filters[start:min(start+maxPerRequest, len(filters))])
		if err != nil {
			return nil, err
		}
		out = append(out, d...)
	}
	return out, nil
}

func deleteChunk(ctx context.Context, r kmsg.Requestor, filters []Filter) ([]Deleted, error) {
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, f := range filters {
		d := kmsg.NewDeleteACLsRequestFilter()
		d.ResourceType, d.ResourceName, d.ResourcePatternType = f.Type, f.Name, f.Pattern
		d.Principal, d.Host, d.Operation, d.PermissionType = f.Principal, f.Host, f.Operation, f.Permission
		req.Filters = append(req.Filters, d)
	}
	resp, err := req.RequestWith(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(resp.Results) != len(filters) {
		return nil, fmt.Errorf("delete ACLs: the broker answered %d results for %d filters", len(resp.Results), len(filters))
	}
	out := make([]Deleted, len(filters))
	for i, res := range resp.Results {
		out[i].Err = itemError(res.ErrorCode, res.ErrorMessage, "delete")
		if errors.Is(out[i].Err, ErrNoAuthorizer) {
			return nil, ErrNoAuthorizer
		}
		for _, m := range res.MatchingACLs {
			out[i].Matched = append(out[i].Matched, Binding{m.ResourceType, m.ResourceName, m.ResourcePatternType, m.Principal, m.Host, m.Operation, m.PermissionType})
			out[i].Errs = append(out[i].Errs, itemError(m.ErrorCode, m.ErrorMessage, "delete"))
		}
	}
	return out, nil
}
