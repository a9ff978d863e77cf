package cmdutil

import "testing"

func TestNameRegexMatchesWholeNames(t *testing.T) {
	re, err := NameRegex("orders|pay.*")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"orders": true, "orders-dlq": false, "payments": true, "x-payments": false} {
		if re.MatchString(name) != want {
			t.Errorf("%q: match %v, want %v", name, !want, want)
		}
	}
	if _, err := NameRegex("a("); err == nil || err.Error() != `bad regular expression "a(": missing closing ): `+"`a(`" {
		t.Errorf("error = %v", err)
	}
}
