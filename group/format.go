package group

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Small formatting helpers every verb uses.

// errText is a Kafka error for a person: the kerr description without Go type names.
func errText(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message + ": " + ke.Description
	}
	return err.Error()
}

func ptr[T any](v T) *T { return &v }

// num renders an optional number, "-" when absent.
func num(v *int64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}
