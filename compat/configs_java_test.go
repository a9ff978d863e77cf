package compat

import "testing"

func TestJavaDouble(t *testing.T) {
	for in, want := range map[float64]string{0: "0.0", 1048576: "1048576.0", 2e7: "2.0E7", 1.5: "1.5", 50: "50.0", 20971520: "2.097152E7", 0.0001: "1.0E-4", 9999999: "9999999.0"} {
		if got := javaDouble(in); got != want {
			t.Errorf("javaDouble(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestJavaSizedHashOrder(t *testing.T) {
	// What kafka-configs.sh 4.1.1 printed: consumer_byte_rate=2.0E7, producer_byte_rate=1048576.0
	// for values the broker sent as producer_byte_rate then consumer_byte_rate (and the reverse).
	for _, keys := range [][]string{{"producer_byte_rate", "consumer_byte_rate"}, {"consumer_byte_rate", "producer_byte_rate"}} {
		hs := []int32{javaStringHash(keys[0]), javaStringHash(keys[1])}
		order := javaSizedHashOrder(hs)
		if keys[order[0]] != "consumer_byte_rate" {
			t.Errorf("%v: order %v", keys, order)
		}
	}
	if got := javaStringHash("hello"); got != 99162322 {
		t.Errorf("hash(hello) = %d", got)
	}
	for n, want := range map[int]int{1: 2, 2: 4, 3: 4, 4: 8, 6: 8, 7: 16, 12: 16, 13: 32} {
		if got := javaHashMapCapacity(n); got != want {
			t.Errorf("capacity(%d) = %d, want %d", n, got, want)
		}
	}
}
