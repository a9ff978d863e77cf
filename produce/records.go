package produce

import (
	"context"
	"fmt"
	"math/bits"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// slot is a record with its place in the input, allocated in slabs so that producing a record
// costs no allocation beyond its bytes. meta doubles as the record's Context, which is how the
// promise learns the line of a failed record.
type slot struct {
	rec  kgo.Record
	meta recMeta
}

// recMeta is the record's context: its delivery deadline, and its place in the input.
type recMeta struct {
	context.Context
	file   int32
	line   int64
	pooled bool // the value came from getBuf: the promise gives it back
}

const (
	slabSize   = 256
	arenaChunk = 256 << 10
)

// emptyBytes is a non-nil empty slice: an empty value, not a null one.
var emptyBytes = []byte{}

// send produces a parsed record asynchronously; owned says the parsed slices are the
// record's own (not aliasing the read buffer).
func (r *runner) send(file int32, line int64, p *parsed, owned bool) error {
	rec, err := r.build(file, line, p, owned)
	if err != nil {
		return r.invalid(file, line, err)
	}
	if r.stop.Load() {
		return nil
	}
	r.acc.sent.Add(1)
	r.lastFile, r.lastLine = file, line
	r.cl.Produce(r.abortCtx, rec, r.acc.promise)
	return nil
}

// build turns a parsed record into a kgo.Record, refusing one over the size limit or for a
// partition that does not exist.
func (r *runner) build(file int32, line int64, p *parsed, owned bool) (*kgo.Record, error) {
	key, value := p.key, p.value
	if r.fixedKey != nil {
		key = r.fixedKey
	}
	hs := r.fixed
	if len(p.headers) > 0 {
		hs = make([]kgo.RecordHeader, 0, len(r.fixed)+len(p.headers))
		hs = append(hs, r.fixed...)
		for _, h := range p.headers {
			hs = append(hs, kgo.RecordHeader{Key: h.key, Value: h.value})
		}
	}
	if size := recordBatchSize(key, value, hs); size > r.limit {
		return nil, r.tooLarge(size)
	}
	partition := p.partition
	if partition < 0 {
		partition = r.o.Partition
	}
	if partition >= 0 && r.partitions > 0 && int(partition) >= r.partitions {
		return nil, fmt.Errorf("partition %d does not exist: topic %s has %d partitions", partition, r.o.Topic, r.partitions)
	}
	s := r.newSlot()
	s.meta = recMeta{Context: r.deadlines.current(), file: file, line: line}
	s.rec.Partition = partition
	s.rec.Headers = hs
	s.rec.Context = &s.meta
	if !owned {
		if r.fixedKey == nil {
			key = r.copy(key)
		}
		value = r.copy(value)
		s.meta.pooled = len(value) > arenaChunk/16
	}
	s.rec.Key, s.rec.Value = key, value
	switch {
	case p.timestamp >= 0:
		s.rec.Timestamp = time.UnixMilli(p.timestamp)
	case r.o.Timestamp >= 0:
		s.rec.Timestamp = time.UnixMilli(r.o.Timestamp)
	}
	return &s.rec, nil
}

func (r *runner) newSlot() *slot {
	if len(r.slab) == 0 {
		r.slab = make([]slot, slabSize)
	}
	s := &r.slab[0]
	r.slab = r.slab[1:]
	return s
}

// copy gives b its own memory, carved from a shared chunk for small records (one allocation
// per many records); a chunk is freed once every record in it is done.
func (r *runner) copy(b []byte) []byte {
	switch {
	case b == nil:
		return nil
	case len(b) == 0:
		return emptyBytes
	case len(b) > arenaChunk/16:
		return append(getBuf(len(b)), b...)
	}
	if len(r.arena)+len(b) > cap(r.arena) {
		r.arena = make([]byte, 0, arenaChunk)
	}
	start := len(r.arena)
	r.arena = append(r.arena, b...)
	return r.arena[start:len(r.arena):len(r.arena)]
}

// kgoHeaders converts the -H headers once; every record shares the slice.
func kgoHeaders(hs []header) []kgo.RecordHeader {
	if len(hs) == 0 {
		return nil
	}
	out := make([]kgo.RecordHeader, len(hs))
	for i, h := range hs {
		out[i] = kgo.RecordHeader{Key: h.key, Value: h.value}
	}
	return out
}

// recordBatchSize is what a record alone in a batch weighs on the wire, the way kgo measures
// a batch against the batch limit (its overhead is a few bytes over the broker's, so a record
// that passes here passes the broker's max.message.bytes).
func recordBatchSize(key, value []byte, hs []kgo.RecordHeader) int {
	body := 3 + // attributes, timestamp delta, offset delta
		bytesLen(key) + bytesLen(value) + varintLen(int64(len(hs)))
	for _, h := range hs {
		body += varintLen(int64(len(h.Key))) + len(h.Key) + bytesLen(h.Value)
	}
	const batchOverhead = 65 // kgo's recordBatchOverhead
	return batchOverhead + varintLen(int64(body)) + body
}

func bytesLen(b []byte) int {
	if b == nil {
		return 1 // varint -1
	}
	return varintLen(int64(len(b))) + len(b)
}

// varintLen is the size of a zigzag varint.
func varintLen(v int64) int {
	u := uint64(v<<1) ^ uint64(v>>63)
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}

// Large values (over arenaChunk/16) are recycled through size-classed pools once their
// promise has run: producing a 1 GB file of 100 KB records then allocates a few hundred
// buffers, not ten thousand, so the garbage collector has little to do and memory stays flat.
var bufPools [32]sync.Pool

func sizeClass(n int) int { return bits.Len(uint(n - 1)) }

func getBuf(n int) []byte {
	c := sizeClass(n)
	if p, ok := bufPools[c].Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, 1<<c)
}

func putBuf(b []byte) {
	c := sizeClass(cap(b))
	if cap(b) != 1<<c {
		return // not from getBuf
	}
	b = b[:0]
	bufPools[c].Put(&b)
}
