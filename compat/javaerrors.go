package compat

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
)

// How the Java tools name the exception of a Kafka error code (the Errors enum of
// kafka-clients): NOT_COORDINATOR -> NotCoordinatorException, CLUSTER_AUTHORIZATION_FAILED ->
// ClusterAuthorizationException, and these, which follow no rule.
var javaIrregularExceptions = map[string]string{
	"NON_EMPTY_GROUP":         "GroupNotEmptyException",
	"TOPIC_ALREADY_EXISTS":    "TopicExistsException",
	"INVALID_CONFIG":          "InvalidConfigurationException",
	"INVALID_TOPIC_EXCEPTION": "InvalidTopicException",
	"KAFKA_STORAGE_ERROR":     "KafkaStorageException",
	"FEATURE_UPDATE_FAILED":   "FeatureUpdateFailedException",
	"REQUEST_TIMED_OUT":       "TimeoutException",
	"MESSAGE_TOO_LARGE":       "RecordTooLargeException",
	"CORRUPT_MESSAGE":         "CorruptRecordException",
	"UNKNOWN_SERVER_ERROR":    "UnknownServerException",
	"NETWORK_EXCEPTION":       "NetworkException",
}

// javaExceptionName is the simple class name of the exception of an error code.
func javaExceptionName(code string) string {
	if name := javaIrregularExceptions[code]; name != "" {
		return name
	}
	code = strings.TrimSuffix(code, "_FAILED")
	var b strings.Builder
	for _, w := range strings.Split(strings.ToLower(code), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String() + "Exception"
}

// javaErrorName is the simple class name of err's exception (KafkaException when err is not
// a Kafka error code).
func javaErrorName(err error) string {
	var ke *kerr.Error
	if !errors.As(err, &ke) {
		return "KafkaException"
	}
	return javaExceptionName(ke.Message)
}

// javaAdminException is Throwable.toString of the exception the Java client raises for err:
// org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty. msg is the
// broker's message ("" for the error's default description); a non-Kafka error is itself.
func javaAdminException(err error, msg string) string {
	var ke *kerr.Error
	if !errors.As(err, &ke) {
		return err.Error()
	}
	if msg == "" {
		msg = ke.Description
	}
	return "org.apache.kafka.common.errors." + javaExceptionName(ke.Message) + ": " + msg
}

// javaException is javaAdminException with the error's default description.
func javaException(err error) string { return javaAdminException(err, "") }

// javaGroupError is err as ConsumerGroupCommand prints it, as an error.
func javaGroupError(err error, msg string) error {
	var ke *kerr.Error
	if !errors.As(err, &ke) {
		return err
	}
	return fmt.Errorf("%s", javaAdminException(err, msg))
}

// javaDeleteError is a partition's DeleteRecords error as the Java admin client reports it.
func javaDeleteError(err error) string { return javaException(err) }
