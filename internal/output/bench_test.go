package output

import (
	"io"
	"strconv"
	"testing"
)

func BenchmarkWriteTable48k(b *testing.B) {
	headers := []string{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"}
	var rows [][]string
	for i := 0; i < 48000; i++ {
		rows = append(rows, []string{"group-" + strconv.Itoa(i/60), "topic-" + strconv.Itoa(i%10), strconv.Itoa(i % 6), strconv.Itoa(i * 7), strconv.Itoa(i * 9), strconv.Itoa(i * 2), "-", "-", "-"})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteTable(io.Discard, headers, rows, false); err != nil {
			b.Fatal(err)
		}
	}
}
