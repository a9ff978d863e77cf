//go:build linux

package consume

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// TestPipeUnread: FIONREAD on the write end counts what the reader has not taken, also after
// the reader closed its end.
func TestPipeUnread(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	unread := pipeUnread(w)
	if _, err := w.WriteString("abcdef"); err != nil {
		t.Fatal(err)
	}
	if n, ok := unread(); !ok || n != 6 {
		t.Fatalf("unread %d %v, want 6", n, ok)
	}
	if _, err := io.ReadFull(r, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	if n, _ := unread(); n != 2 {
		t.Fatalf("unread %d after reading 4, want 2", n)
	}
	r.Close()
	if n, ok := unread(); !ok || n != 2 {
		t.Fatalf("unread %d %v after the reader closed, want 2", n, ok)
	}
}

// TestClosedAtStart: /dev/null opened read-write is what Go puts on a closed fd 1; only fd 1
// is checked, and a write-only /dev/null (> /dev/null) is fine.
func TestClosedAtStart(t *testing.T) {
	rw, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if !isDevNull(rw) {
		t.Fatal("/dev/null not recognised")
	}
	if closedAtStart(rw) {
		t.Error("a /dev/null that is not fd 1 was taken for a closed stdout")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isDevNull(f) || stdoutUsable(f) != nil {
		t.Error("a regular file is refused")
	}
}

// TestGroupPipeCommitsWhatReaderTook is issue 17 #1: the reader of a pipe takes exactly 5
// records and closes it (as head -n 5 would if it read byte by byte). kafkit wrote far more
// into the pipe (64 KiB sit there unread), but commits exactly the 5 records the reader took,
// so the next run resumes at the 6th. The old code committed everything the pipe accepted.
func TestGroupPipeCommitsWhatReaderTook(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 50000})
	env := testkit.Factory(t, c)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	env.F.IO.Out = pw
	got := make(chan string, 1)
	go func() {
		var b strings.Builder
		one := make([]byte, 1)
		for lines := 0; lines < 5; {
			if _, err := pr.Read(one); err != nil {
				break
			}
			b.WriteByte(one[0])
			if one[0] == '\n' {
				lines++
			}
		}
		pr.Close()
		got <- b.String()
	}()
	if err := consume(context.Background(), env, "t", "-g", "g", "-o", "start"); err != nil {
		t.Fatalf("broken pipe is a normal end: %v", err)
	}
	if s := <-got; s != "p0-0\np0-1\np0-2\np0-3\np0-4\n" {
		t.Fatalf("reader got %q", s)
	}
	if got := committed(t, env, "g"); got[0] != 5 {
		t.Fatalf("committed %d, want exactly the 5 records the reader took", got[0])
	}
	if env.ErrOut.Len() != 0 {
		t.Errorf("stderr %q: a broken pipe is quiet", env.ErrOut)
	}
}

// TestGroupPipeDrainedOnExit: with a live reader, -e waits for the reader to take what is in
// the pipe, and commits all of it.
func TestGroupPipeDrainedOnExit(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 20000})
	env := testkit.Factory(t, c)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	env.F.IO.Out = pw
	lines := make(chan int, 1)
	go func() {
		n := 0
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			n++
			if n%1000 == 0 {
				time.Sleep(time.Millisecond) // a slowish reader
			}
		}
		lines <- n
	}()
	if err := consume(context.Background(), env, "t", "-g", "g", "-o", "start", "-e"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if n := <-lines; n != 20000 {
		t.Fatalf("read %d lines", n)
	}
	if got := committed(t, env, "g"); got[0] != 20000 {
		t.Fatalf("committed %d, want 20000", got[0])
	}
}

// TestSigtermWhileStdoutBlocked is issue 17 #11: a reader that never reads blocks the write to
// stdout; SIGTERM still ends consume within a second or so, with the Interrupted cause
// (exit 143), and nothing is committed since the reader took nothing. The old code stayed
// blocked in the write.
func TestSigtermWhileStdoutBlocked(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(1, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 100000})
	env := testkit.Factory(t, c)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	env.F.IO.Out = pw
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error, 1)
	go func() { done <- consume(ctx, env, "t", "-g", "g", "-o", "start") }()
	time.Sleep(1500 * time.Millisecond) // joined, read, and blocked on the full pipe
	sent := time.Now()
	cancel(cmdutil.Interrupted{Signal: syscall.SIGTERM})
	select {
	case err := <-done:
		var intr cmdutil.Interrupted
		if !errors.As(err, &intr) || intr.ExitCode() != 143 {
			t.Fatalf("err %v, want the SIGTERM interrupt", err)
		}
		if el := time.Since(sent); el > 3*time.Second {
			t.Errorf("took %s after SIGTERM", el)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM while stdout is blocked")
	}
	if got := committed(t, env, "g"); len(got) != 0 && got[0] > 0 {
		t.Fatalf("committed %v, but the reader took nothing", got)
	}
}

// TestGroupHeadThenResumeWithoutOffset: the brief's sequence in small. A reader takes 5
// records of a 3-partition topic and goes away; the next run, without -o (so -o end for
// partitions the group never committed), reads exactly the other records: the 5 taken are
// committed, and every partition this member had and delivered nothing from gets the offset
// it started at committed, so it is not skipped to its end.
func TestGroupHeadThenResumeWithoutOffset(t *testing.T) {
	c := testkit.Cluster(t, kfake.SeedTopics(3, "t"))
	fill(t, producer(t, c), "t", map[int32]int{0: 20000, 1: 20000, 2: 20000})
	env := testkit.Factory(t, c)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	env.F.IO.Out = pw
	taken := make(chan []string, 1)
	go func() {
		var lines []string
		var b []byte
		one := make([]byte, 1)
		for len(lines) < 5 {
			if _, err := pr.Read(one); err != nil {
				break
			}
			if one[0] == '\n' {
				lines = append(lines, string(b))
				b = b[:0]
				continue
			}
			b = append(b, one[0])
		}
		pr.Close()
		taken <- lines
	}()
	if err := consume(context.Background(), env, "t", "-g", "g", "-o", "start"); err != nil {
		t.Fatal(err)
	}
	first := <-taken
	env = testkit.Factory(t, c)
	if err := consume(context.Background(), env, "t", "-g", "g", "-e"); err != nil {
		t.Fatal(err)
	}
	second := strings.Fields(env.Out.String())
	if len(second) != 60000-5 {
		t.Errorf("the second run read %d records, want %d (committed %v)", len(second), 60000-5, committed(t, env, "g"))
	}
	seen := map[string]int{}
	for _, l := range append(first, second...) {
		seen[l]++
	}
	for l, n := range seen {
		if n > 1 {
			t.Fatalf("%s printed %d times", l, n)
		}
	}
	if len(seen) != 60000 {
		t.Fatalf("%d distinct records of 60000 over both runs", len(seen))
	}
}
