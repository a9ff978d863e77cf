package produce

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// inputError is a bad input record: its place in the input and what is wrong.
type inputError struct {
	pos string
	err error
}

func (e *inputError) Error() string { return e.pos + ": " + e.err.Error() }

func (r *runner) sources() []string {
	if len(r.o.Files) == 0 {
		return []string{"-"}
	}
	return r.o.Files
}

func (r *runner) open(name string) (io.Reader, func(), error) {
	if name == "-" {
		return r.o.IO.In, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %v", name, unwrapPathErr(err))
	}
	return f, func() { f.Close() }, nil
}

// pos names a place in the input: file:line, or line N for stdin.
func (r *runner) pos(file int32, line int64) string {
	src := r.sources()
	name := "-"
	if int(file) < len(src) {
		name = src[file]
	}
	if r.o.Input == "raw" {
		if name == "-" {
			return "stdin"
		}
		return name
	}
	if name == "-" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("%s:%d", name, line)
}

// maxLine is the longest input line worth reading: anything longer cannot make a record under
// the limit (JSON may escape or base64-encode the bytes, so it gets more room).
func (r *runner) maxLine() int {
	if r.o.Input == "json" {
		return 2*r.limit + 1024
	}
	return r.limit + len(r.o.KeySeparator)
}

// read produces the whole input; it returns an *inputError for a bad record (unless
// --skip-invalid), or an error reading the input.
func (r *runner) read() error {
	var lf *lineFormat
	if r.o.Input == "lines" {
		lf = r.lineFormat()
	}
	var p parsed
	for fi, name := range r.sources() {
		if r.stop.Load() {
			return nil
		}
		in, closeIn, err := r.open(name)
		if err != nil {
			return err
		}
		file := int32(fi)
		if r.o.Input == "raw" {
			b, err := readRaw(in, r.limit)
			closeIn()
			if err != nil {
				var tl *lineTooLongError
				if errors.As(err, &tl) {
					if err := r.invalid(file, 1, r.tooLarge(tl.Size)); err != nil {
						return err
					}
					continue
				}
				return fmt.Errorf("reading %s: %v", name, err)
			}
			r.bytesRead.Add(int64(len(b)))
			p = parsed{value: b, partition: -1, timestamp: -1}
			if err := r.send(file, 1, &p, true); err != nil {
				return err
			}
			continue
		}
		err = r.readLines(file, in, lf, &p)
		closeIn()
		if err != nil {
			return err
		}
	}
	r.eof = !r.stop.Load()
	return nil
}

func (r *runner) lineFormat() *lineFormat {
	lf := &lineFormat{allowMissingKey: r.o.AllowMissingKey}
	if r.o.KeySepSet {
		lf.sep = []byte(r.o.KeySeparator)
	}
	if r.o.NullMarkerSet {
		lf.nullMarker = []byte(r.o.NullMarker)
	}
	return lf
}

func (r *runner) readLines(file int32, in io.Reader, lf *lineFormat, p *parsed) error {
	lr := newLineReader(in, r.maxLine())
	now := r.o.Now()
	var line int64
	for !r.stop.Load() {
		b, n, err := lr.next()
		if err == io.EOF {
			return nil
		}
		line++
		r.bytesRead.Add(int64(n))
		if err != nil {
			var tl *lineTooLongError
			if errors.As(err, &tl) {
				if err := r.invalid(file, line, r.tooLarge(tl.Size)); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("reading %s: %v", r.sources()[file], err)
		}
		if r.o.SkipEmpty && len(b) == 0 {
			continue
		}
		owned := false
		if lf != nil {
			err = lf.parse(b, p)
		} else {
			err = parseJSONLine(b, now, p)
			owned = true // decoded into fresh slices
		}
		if err != nil {
			if err := r.invalid(file, line, err); err != nil {
				return err
			}
			continue
		}
		if err := r.send(file, line, p, owned); err != nil {
			return err
		}
	}
	return nil
}

// invalid handles a bad input record: an *inputError that stops the input, or with
// --skip-invalid a warning (the first few) and on.
func (r *runner) invalid(file int32, line int64, err error) error {
	ie := &inputError{pos: r.pos(file, line), err: err}
	if !r.o.SkipInvalid {
		return ie
	}
	r.skipMu.Lock()
	r.skipped++
	if len(r.skipFirst) < maxErrorsShown {
		r.skipFirst = append(r.skipFirst, ie.Error())
	}
	r.skipMu.Unlock()
	return nil
}

func (r *runner) tooLarge(size int) error {
	return fmt.Errorf("record of %d bytes is over the %d-byte limit (the topic's max.message.bytes, or --max-record-bytes / --batch-max-bytes)", size, r.limit)
}

// interactive reads stdin at a terminal: a prompt, each line sent at once, its partition and
// offset printed. Bad lines and failures are reported and the session goes on.
func (r *runner) interactive() error {
	out := r.o.IO.ErrOut
	var lf *lineFormat
	if r.o.Input == "lines" {
		lf = r.lineFormat()
	}
	lr := newLineReader(r.o.IO.In, r.maxLine())
	var line int64
	var p parsed
	for !r.stop.Load() {
		fmt.Fprint(out, "> ")
		b, _, err := lr.next()
		if err == io.EOF {
			fmt.Fprintln(out)
			return nil
		}
		line++
		if err != nil {
			var tl *lineTooLongError
			if errors.As(err, &tl) {
				fmt.Fprintf(out, "error: %s\n", r.tooLarge(tl.Size))
				continue
			}
			return err
		}
		if r.o.SkipEmpty && len(b) == 0 {
			continue
		}
		owned := false
		if lf != nil {
			err = lf.parse(b, &p)
		} else {
			err = parseJSONLine(b, r.o.Now(), &p)
			owned = true
		}
		if err == nil {
			err = r.sendSync(line, &p, owned)
		}
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
	}
	return nil
}

// sendSync produces one record and waits for its acknowledgement (interactive use).
func (r *runner) sendSync(line int64, p *parsed, owned bool) error {
	rec, err := r.build(0, line, p, owned)
	if err != nil {
		return err
	}
	r.acc.sent.Add(1)
	err = r.cl.ProduceSync(r.abortCtx, rec).FirstErr()
	r.acc.promise(rec, err)
	if err != nil {
		return describeProduceErr(err, r.errs.last(), r.within)
	}
	fmt.Fprintf(r.o.IO.ErrOut, "partition %d, offset %d\n", rec.Partition, rec.Offset)
	return nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func totalSize(files []string) int64 {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}
