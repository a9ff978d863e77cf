package compat

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

func TestJavaExceptionNames(t *testing.T) {
	for code, want := range map[string]string{
		"NOT_COORDINATOR":                "NotCoordinatorException",
		"CLUSTER_AUTHORIZATION_FAILED":   "ClusterAuthorizationException",
		"NON_EMPTY_GROUP":                "GroupNotEmptyException",
		"FEATURE_UPDATE_FAILED":          "FeatureUpdateFailedException",
		"INVALID_TOPIC_EXCEPTION":        "InvalidTopicException",
		"TOPIC_ALREADY_EXISTS":           "TopicExistsException",
		"ELIGIBLE_LEADERS_NOT_AVAILABLE": "EligibleLeadersNotAvailableException",
	} {
		if got := javaExceptionName(code); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
	if got := javaAdminException(kerr.GroupIDNotFound, "Group g not found."); got != "org.apache.kafka.common.errors.GroupIdNotFoundException: Group g not found." {
		t.Errorf("javaAdminException: %s", got)
	}
	if got := javaException(kerr.NonEmptyGroup); got != "org.apache.kafka.common.errors.GroupNotEmptyException: "+kerr.NonEmptyGroup.Description {
		t.Errorf("javaException: %s", got)
	}
	if got := javaErrorName(errors.New("dial tcp: refused")); got != "KafkaException" {
		t.Errorf("javaErrorName of a non-Kafka error: %s", got)
	}
}
