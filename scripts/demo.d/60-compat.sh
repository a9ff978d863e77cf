# Part 6 (compat): the seed's own kafka-*.sh lines, unchanged but for the broker address (the
# seed's <브로커주소> is this demo's cluster). kafkit answers them through links named after the
# scripts, as in the image (kafkit compat install DIR writes them).
compat_bin=$(mktemp -d /tmp/kafkit-demo-bin.XXXXXX)
kafkit compat install "$compat_bin" >/dev/null
PATH="$compat_bin:$PATH"
B="$KAFKIT_BROKERS"
step kafka-topics.sh --version
step kafka-topics.sh --bootstrap-server "$B" --create --topic test --partitions 3 --replication-factor 3
step kafka-topics.sh --list --bootstrap-server "$B"
step kafka-topics.sh --bootstrap-server "$B" --alter --topic test --partitions 6
step kafka-topics.sh --describe --topic test --bootstrap-server "$B"
step "printf 'k1-hello\nk2-world\n' | kafka-console-producer.sh --bootstrap-server $B --topic test --property parse.key=true --property key.separator=-"
step kafka-console-consumer.sh --bootstrap-server "$B" --topic test --from-beginning --max-messages 2
step kafka-console-consumer.sh --bootstrap-server "$B" --topic test --property print.key=true --property key.separator="-" --from-beginning --max-messages 2
step kafka-console-consumer.sh --bootstrap-server "$B" --topic test --group test-group --from-beginning --max-messages 2 ">" /dev/null
step kafka-consumer-groups.sh --bootstrap-server "$B" --list
step kafka-consumer-groups.sh --bootstrap-server "$B" --group test-group --describe
step kafka-topics.sh --bootstrap-server "$B" --delete --topic test
rm -rf "$compat_bin"
