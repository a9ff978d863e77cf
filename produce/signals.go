package produce

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// notifySignals watches for SIGINT and SIGTERM while produce waits for records in flight after
// the first interrupt. The root context handles only the first signal and then resets the
// handlers, which leaves a second one to the disposition kafkit started with: ignored when a
// script started it in the background, so Ctrl-C did nothing. The registration is renewed
// every few milliseconds because that reset can land after it. Only signals after the first
// one arrive here: the watch starts once the first has ended the run's context.
func notifySignals() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return ch, func() {
		close(done)
		<-exited
		signal.Stop(ch)
	}
}
