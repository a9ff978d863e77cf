package produce

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// progress draws a progress bar on a terminal: bytes of the input read, records/s delivered.
type progress struct {
	w         io.Writer
	total     int64
	read      *atomic.Int64
	delivered *atomic.Int64
	quit      chan struct{}
	done      chan struct{}
	begin     time.Time
}

func newProgress(w io.Writer, total int64, read, delivered *atomic.Int64) *progress {
	return &progress{w: w, total: total, read: read, delivered: delivered, quit: make(chan struct{}), done: make(chan struct{})}
}

func (p *progress) start() {
	p.begin = time.Now()
	draw := func() {
		fmt.Fprint(p.w, "\r"+progressLine(p.read.Load(), p.total, p.delivered.Load(), time.Since(p.begin))+"\033[K")
	}
	draw() // at once, so that even a short run shows where it stands
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				draw()
			}
		}
	}()
}

func (p *progress) stop() {
	close(p.quit)
	<-p.done
}

// progressLine renders one state of the bar.
func progressLine(read, total, delivered int64, elapsed time.Duration) string {
	const width = 30
	frac := 0.0
	if total > 0 {
		frac = min(float64(read)/float64(total), 1)
	}
	n := int(frac * width)
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(delivered) / s
	}
	return fmt.Sprintf("%3.0f%% [%s] %s / %s  %d records  %.0f records/s", frac*100, bar, humanBytes(read), humanBytes(total), delivered, rate)
}
