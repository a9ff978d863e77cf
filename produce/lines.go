package produce

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// lineReader splits an input into lines (LF or CRLF) without a fixed line-length limit: lines
// that fit in the bufio buffer are returned without copying, longer ones are gathered in a
// growing scratch buffer up to max bytes. A longer line is consumed to its end and reported
// as a *lineTooLongError with its size, so the caller can name it and go on or stop.
type lineReader struct {
	br      *bufio.Reader
	scratch []byte
	max     int
}

// lineTooLongError is a line over the reader's limit; Size is its length without the newline.
type lineTooLongError struct{ Size int }

func (e *lineTooLongError) Error() string {
	return fmt.Sprintf("line of %d bytes is too long", e.Size)
}

// readBufSize is the bufio buffer: large reads mean few syscalls on the hot path.
const readBufSize = 1 << 20

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBufSize), max: max}
}

// next returns the next line without its line ending (the slice is valid until the next call)
// and the number of input bytes it took. At the end of the input it returns io.EOF; a last
// line without a newline is a line.
func (r *lineReader) next() (line []byte, n int, err error) {
	b, err := r.br.ReadSlice('\n')
	if err == nil {
		return trimEOL(b), len(b), nil
	}
	if err == io.EOF {
		if len(b) == 0 {
			return nil, 0, io.EOF
		}
		return trimCR(b), len(b), nil
	}
	if err != bufio.ErrBufferFull {
		return nil, len(b), err
	}
	// A long line: gather it, or count and skip it once over the limit.
	r.scratch = append(r.scratch[:0], b...)
	size := len(b)
	tooLong := size > r.max
	if tooLong {
		r.scratch = r.scratch[:0]
	}
	for {
		b, err = r.br.ReadSlice('\n')
		size += len(b)
		if !tooLong {
			r.scratch = append(r.scratch, b...)
			if len(r.scratch) > r.max+2 { // +2: the line ending is not part of the record
				tooLong = true
				r.scratch = r.scratch[:0]
			}
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil, io.EOF:
			if tooLong {
				return nil, size, &lineTooLongError{Size: size - (len(b) - len(trimEOL(b)))}
			}
			if len(r.scratch) > 8<<20 && cap(r.scratch) > 4*len(r.scratch) {
				r.scratch = nil // do not keep a huge buffer for the rest of the input
			}
			if err == nil {
				return trimEOL(r.scratch), size, nil
			}
			return trimCR(r.scratch), size, nil
		default:
			return nil, size, err
		}
	}
}

// trimEOL drops a trailing "\n" or "\r\n".
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return trimCR(b)
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// parsed is one input record before it becomes a kgo.Record. Slices may alias the input line.
// A nil key or value is a Kafka null; an empty non-nil one is an empty byte string.
type parsed struct {
	key, value []byte
	headers    []header
	partition  int32 // -1: not given
	timestamp  int64 // unix ms; -1: not given
}

// header is a record header from the input; a nil value is a null header value.
type header struct {
	key   string
	value []byte
}

// lineFormat parses the `lines` input: key<SEP>value with -K, the whole line as the value
// otherwise.
type lineFormat struct {
	sep             []byte // nil: no key in the line
	allowMissingKey bool
	nullMarker      []byte // nil: none
}

// parse splits one line (without its line ending). The result aliases line.
func (f *lineFormat) parse(line []byte, p *parsed) error {
	p.partition, p.timestamp, p.headers = -1, -1, nil
	if f.sep == nil {
		p.key, p.value = nil, f.null(line)
		return nil
	}
	var i int
	if len(f.sep) == 1 {
		i = bytes.IndexByte(line, f.sep[0])
	} else {
		i = bytes.Index(line, f.sep)
	}
	if i < 0 {
		if !f.allowMissingKey {
			return fmt.Errorf("no key separator %s in the line (pass --allow-missing-key to send such lines with a null key)", strconv.Quote(string(f.sep)))
		}
		p.key, p.value = nil, f.null(line)
		return nil
	}
	p.key, p.value = f.null(line[:i]), f.null(line[i+len(f.sep):])
	return nil
}

// null maps a field equal to the null marker to nil and keeps an empty field non-nil.
func (f *lineFormat) null(b []byte) []byte {
	if f.nullMarker != nil && bytes.Equal(b, f.nullMarker) {
		return nil
	}
	if b == nil {
		return []byte{}
	}
	return b
}
