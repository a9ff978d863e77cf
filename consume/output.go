package consume

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

const (
	// interruptGrace is how long a write to stdout may still take after SIGINT/SIGTERM before
	// kafkit gives up on it (a reader that stopped reading must not keep kafkit alive).
	interruptGrace = 500 * time.Millisecond
	// drainWait bounds how long a group member waits on exit for its reader to take what is
	// still in the pipe, so that those records can be committed too.
	drainWait = 2 * time.Second
	// waitTick is how often a write blocked on a slow reader re-marks what the reader took.
	waitTick = 500 * time.Millisecond
)

// errWriteAbandoned ends a write that was still blocked when kafkit was interrupted.
var errWriteAbandoned = errors.New("write to stdout abandoned after an interrupt")

// errStdoutClosed ends a run whose reader went away (| head): a normal end, exit 0.
var errStdoutClosed = errors.New("stdout closed")

// output is consume's stdout. Records are appended into one buffer, written out whole when it
// is full and after every poll. It counts the bytes stdout accepted and, when stdout is a
// pipe, asks the kernel how many of them the reader has not taken yet: a record counts as
// delivered only once its last byte has left kafkit's buffer and the pipe. Only delivered
// records are committed in a group, so a reader that goes away (| head -n 5, a crash) or a
// closed stdout never makes kafkit commit records nobody read. Accounting costs one ioctl per
// buffer written, nothing per record.
type output struct {
	dst      io.Writer
	buf      []byte
	accepted int64 // bytes dst accepted
	err      error // the first write error; nothing is written after it

	unread func() (int64, bool) // bytes still in the pipe (nil: not a pipe)
	gone   func() bool          // the pipe has no reader (nil: not a pipe)
	floor  int64                // delivered() never goes back

	abort  chan struct{} // closed interruptGrace after SIGINT/SIGTERM
	done   chan writeResult
	stop   func() bool
	onWait func() // called every waitTick while a write is blocked (group: re-mark)
}

type writeResult struct {
	n   int
	err error
}

// newOutput wraps w; ctx is the root context whose cancellation (an interrupt) bounds every
// write to interruptGrace.
func newOutput(ctx context.Context, w io.Writer) *output {
	o := &output{dst: w, buf: make([]byte, 0, outBufferSize), abort: make(chan struct{}), done: make(chan writeResult, 1)}
	o.stop = context.AfterFunc(ctx, func() { time.AfterFunc(interruptGrace, func() { close(o.abort) }) })
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
			o.unread = pipeUnread(f)
			o.gone = pipeReaderGone(f)
		}
	}
	return o
}

// end is the output position after the last byte appended so far.
func (o *output) end() int64 { return o.accepted + int64(len(o.buf)) }

// flush writes the buffer out. The write runs in its own goroutine so that an interrupt ends
// kafkit even while a reader has stopped reading; the abandoned write then keeps the buffer,
// and nothing is written again.
func (o *output) flush() error {
	if o.err != nil || len(o.buf) == 0 {
		return o.err
	}
	go func(p []byte) {
		n, err := o.dst.Write(p)
		o.done <- writeResult{n, err}
	}(o.buf)
	var tick <-chan time.Time
	if o.onWait != nil {
		t := time.NewTicker(waitTick)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case r := <-o.done:
			o.accepted += int64(r.n)
			if r.err == nil && r.n < len(o.buf) {
				r.err = io.ErrShortWrite
			}
			if r.err != nil {
				o.err = r.err
				return r.err
			}
			o.buf = o.buf[:0]
			return nil
		case <-o.abort:
			o.err = errWriteAbandoned
			return o.err
		case <-tick:
			o.onWait()
		}
	}
}

// delivered is the output position up to which the reader has taken the bytes: what stdout
// accepted, less what still sits unread in the pipe. Other writers' bytes in the same pipe
// only make it smaller (safe: fewer commits).
func (o *output) delivered() int64 {
	d := o.accepted
	if o.unread != nil {
		if u, ok := o.unread(); ok {
			d -= u
		}
	}
	if d < o.floor {
		d = o.floor
	}
	o.floor = d
	return d
}

// waitDrained waits, up to drainWait, until the reader has taken everything from the pipe
// (or has gone, or kafkit is interrupted), so that the final commit covers it.
func (o *output) waitDrained() {
	if o.unread == nil {
		return
	}
	deadline := time.Now().Add(drainWait)
	for time.Now().Before(deadline) {
		if u, ok := o.unread(); !ok || u == 0 || (o.gone != nil && o.gone()) {
			return
		}
		select {
		case <-o.abort:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// quiet reports whether err ends the output without a message: the reader went away (a
// broken pipe, exit 0) or kafkit was interrupted while a write was blocked.
func quiet(err error) bool {
	return err == nil || isEPIPE(err) || errors.Is(err, errWriteAbandoned)
}

func (o *output) close() { o.stop() }

func isEPIPE(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, errStdoutClosed)
}

// stdoutUsable refuses a stdout that was closed when kafkit started (`>&-`): Go then puts
// /dev/null, opened read-write, on fd 1, so every record would vanish and, in a group, be
// committed. A shell's `> /dev/null` opens it write-only and is accepted.
func stdoutUsable(w io.Writer) error {
	f, ok := w.(*os.File)
	if !ok || !closedAtStart(f) {
		return nil
	}
	return fmt.Errorf("stdout is closed (kafkit was started with >&-): records would be lost, so none are read or committed; redirect stdout to a file, a pipe or > /dev/null")
}

// watchStdout ends the run when the reader of stdout goes away, even while no record arrives
// (kafkit t | head -n 5 with nothing more to read would otherwise wait for the next record).
func watchStdout(ctx context.Context, gone func() bool, cancel context.CancelCauseFunc) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if gone() {
				cancel(errStdoutClosed)
				return
			}
		}
	}
}

// stdoutGone returns a check for "the pipe on w has no reader", or nil when w is not a pipe.
func stdoutGone(w io.Writer) func() bool {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return nil
	}
	return pipeReaderGone(f)
}
