// A tiny Kafka Streams application for e2e/groups_test.go, run with `java -cp 'lib/*'
// GroupsStreamsApp.java` (source-launch, no build): it counts the values of INPUT by value
// into OUTPUT, which makes two sub-topologies, a repartition topic and a changelog topic. The
// store is in memory, so RocksDB is not needed. It runs until SIGTERM, then leaves the group.
//
// args: bootstrap application-id input output group-protocol(classic|streams)
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.Stores;

public class GroupsStreamsApp {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put("group.protocol", args[4]);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        StreamsBuilder b = new StreamsBuilder();
        b.<String, String>stream(args[2])
            .groupBy((k, v) -> v)
            .count(Materialized.as(Stores.inMemoryKeyValueStore("counts")))
            .toStream()
            .mapValues(Object::toString)
            .to(args[3]);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch done = new CountDownLatch(1);
        // Leave the group on close (Streams stays a member until the session times out otherwise).
        KafkaStreams.CloseOptions leave = new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(20));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { streams.close(leave); done.countDown(); }));
        streams.start();
        done.await();
    }
}
