//go:build !linux

package consume

import "os"

// pipeReaderGone is not available here: a closed pipe is noticed at the next write.
func pipeReaderGone(*os.File) func() bool { return nil }

// pipeUnread is not available here: bytes accepted by the pipe count as delivered.
func pipeUnread(*os.File) func() (int64, bool) { return nil }

// closedAtStart is not checked here.
func closedAtStart(*os.File) bool { return false }
