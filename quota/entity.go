package quota

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// The entity component types of the ClientQuotas APIs.
const (
	typeUser   = "user"
	typeClient = "client-id"
	typeIP     = "ip"
)

// userClientKeys are the quotas of users, clients and user+client pairs; ipKeys those of IPs.
var (
	userClientKeys = []string{"consumer_byte_rate", "controller_mutation_rate", "producer_byte_rate", "request_percentage"}
	ipKeys         = []string{"connection_creation_rate"}
)

// wholeKeys are the quotas Kafka stores as integers: it refuses fractions.
var wholeKeys = []string{"producer_byte_rate", "consumer_byte_rate", "connection_creation_rate"}

// AllKeys are every quota key, sorted: the table columns come in this order.
var AllKeys = []string{"producer_byte_rate", "consumer_byte_rate", "request_percentage", "controller_mutation_rate", "connection_creation_rate"}

// entityFlags are the flags that name quota entities.
type entityFlags struct {
	users, clients, ips                   []string
	userDefault, clientDefault, ipDefault bool
}

func addEntityFlags(cmd *cobra.Command, e *entityFlags, repeat bool) {
	verb := ""
	if repeat {
		verb = " (repeatable)"
	}
	cmd.Flags().StringArrayVar(&e.users, "user", nil, "user principal name"+verb)
	cmd.Flags().StringArrayVar(&e.clients, "client", nil, "client id"+verb)
	cmd.Flags().StringArrayVar(&e.ips, "ip", nil, "IP address"+verb)
	cmd.Flags().BoolVar(&e.userDefault, "user-default", false, "the default quota of every user")
	cmd.Flags().BoolVar(&e.clientDefault, "client-default", false, "the default quota of every client id")
	cmd.Flags().BoolVar(&e.ipDefault, "ip-default", false, "the default quota of every IP")
}

func (e entityFlags) empty() bool {
	return len(e.users)+len(e.clients)+len(e.ips) == 0 && !e.userDefault && !e.clientDefault && !e.ipDefault
}

// side lists the names of one component type; nil in the list means the default entity.
func side(names []string, def bool) []*string {
	var out []*string
	for i := range names {
		out = append(out, &names[i])
	}
	if def {
		out = append(out, nil)
	}
	return out
}

// Entities turns the flags into the entities they name: IPs alone, or every user x client
// combination (either side may be absent). Errors are usage errors.
func (e entityFlags) Entities() ([]kadm.ClientQuotaEntity, error) {
	users, clients, ips := side(e.users, e.userDefault), side(e.clients, e.clientDefault), side(e.ips, e.ipDefault)
	if len(ips) > 0 && len(users)+len(clients) > 0 {
		return nil, cmdutil.UsageErrorf("--ip/--ip-default cannot be combined with --user or --client: IP quotas are their own entities")
	}
	for _, n := range append(append(append([]*string{}, users...), clients...), ips...) {
		if n != nil && *n == "" {
			return nil, cmdutil.UsageErrorf("an entity name cannot be empty: use --user-default, --client-default or --ip-default for the defaults")
		}
	}
	var out []kadm.ClientQuotaEntity
	for _, ip := range ips {
		out = append(out, kadm.ClientQuotaEntity{{Type: typeIP, Name: ip}})
	}
	switch {
	case len(users) > 0 && len(clients) > 0:
		for _, u := range users {
			for _, c := range clients {
				out = append(out, kadm.ClientQuotaEntity{{Type: typeUser, Name: u}, {Type: typeClient, Name: c}})
			}
		}
	case len(users) > 0:
		for _, u := range users {
			out = append(out, kadm.ClientQuotaEntity{{Type: typeUser, Name: u}})
		}
	case len(clients) > 0:
		for _, c := range clients {
			out = append(out, kadm.ClientQuotaEntity{{Type: typeClient, Name: c}})
		}
	}
	if len(out) == 0 {
		return nil, cmdutil.UsageErrorf("name an entity: --user U, --user-default, --client C, --client-default, --ip I or --ip-default")
	}
	return dedupe(out), nil
}

func dedupe(es []kadm.ClientQuotaEntity) []kadm.ClientQuotaEntity {
	seen := map[string]bool{}
	var out []kadm.ClientQuotaEntity
	for _, e := range es {
		if k := EntityString(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// EntityString is the entity as kafkit prints it: user=alice,client-id=app; a default
// component is <default>. Components come user, client-id, ip.
func EntityString(e kadm.ClientQuotaEntity) string {
	var parts []string
	for _, c := range sortedComponents(e) {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, ",")
}

func sortedComponents(e kadm.ClientQuotaEntity) kadm.ClientQuotaEntity {
	rank := map[string]int{typeUser: 0, typeClient: 1, typeIP: 2}
	out := append(kadm.ClientQuotaEntity{}, e...)
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Type] < rank[out[j].Type] })
	return out
}

func isIP(e kadm.ClientQuotaEntity) bool { return len(e) == 1 && e[0].Type == typeIP }

// keysFor are the quota keys an entity may have.
func keysFor(e kadm.ClientQuotaEntity) []string {
	if isIP(e) {
		return ipKeys
	}
	return userClientKeys
}

// checkKey refuses a key the entities cannot have, naming the valid ones.
func checkKey(key string, es []kadm.ClientQuotaEntity) error {
	for _, e := range es {
		valid := keysFor(e)
		if !contains(valid, key) {
			kind := "users and clients"
			if isIP(e) {
				kind = "IPs"
			}
			return cmdutil.UsageErrorf("unknown quota %q for %s: use one of %s", key, kind, strings.Join(valid, ", "))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ParseValues parses KEY=VALUE arguments into quota values for the entities: each key must be
// a quota those entities can have and each value a finite number >= 0 (usage errors, exit 2).
func ParseValues(args []string, es []kadm.ClientQuotaEntity) (map[string]float64, error) {
	out := map[string]float64{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, cmdutil.UsageErrorf("%q is not KEY=VALUE (producer_byte_rate=1048576)", a)
		}
		if err := checkKey(k, es); err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return nil, cmdutil.UsageErrorf("quota %s: %q is not a number >= 0", k, v)
		}
		if f != math.Trunc(f) && contains(wholeKeys, k) {
			return nil, cmdutil.UsageErrorf("quota %s: %q must be a whole number (bytes or connections per second)", k, v)
		}
		out[k] = f
	}
	if len(out) == 0 {
		return nil, cmdutil.UsageErrorf("give at least one KEY=VALUE quota (producer_byte_rate=1048576)")
	}
	return out, nil
}

// FormatValue prints a quota value without a useless fraction: 1048576, 0.5.
func FormatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func sortedKeys(m map[string]float64) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return keyRank(ks[i]) < keyRank(ks[j]) })
	return ks
}

func keyRank(k string) string {
	for i, a := range AllKeys {
		if a == k {
			return fmt.Sprintf("%d", i)
		}
	}
	return "9" + k
}
