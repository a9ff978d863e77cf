package produce

import (
	"bytes"
	"io"
)

// readRaw reads a whole input as one record for the `raw` format (binary payloads: nothing is
// split or trimmed). Over max bytes it reads on to learn the size and returns a
// *lineTooLongError, so the error names the real size without holding it in memory.
func readRaw(r io.Reader, max int) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(max) {
		rest, err := io.Copy(io.Discard, r)
		if err != nil {
			return nil, err
		}
		return nil, &lineTooLongError{Size: int(n + rest)}
	}
	b := buf.Bytes()
	if b == nil {
		b = []byte{}
	}
	return b, nil
}
