# Part 2 (topic): the seed created and inspected topics with kafka-topics.sh; kafkit does it in
# milliseconds, and provisions many topics from one YAML file.
step kafkit topic create orders -p 6 -r 3 -c retention.ms=604800000
step kafkit topic create orders -p 3 --if-not-exists
step kafkit topic create "'bad name'" "||" echo "exit code \$? -- names are checked before anything is sent"
step kafkit topic list -o wide
step kafkit topic describe orders
step kafkit topic alter orders --partitions 8 --set cleanup.policy=compact
step kafkit topic alter orders --partitions 4 "||" echo "exit code \$? -- Kafka cannot remove partitions"

topics_file=$(mktemp /tmp/kafkit-demo-topics.XXXXXX.yaml)
cat > "$topics_file" <<'YAML'
topics:
  - name: orders
    partitions: 8
    configs:
      retention.ms: 604800000
      cleanup.policy: compact
  - name: payments
    partitions: 3
    replication_factor: 3
    configs:
      min.insync.replicas: 2
  - name: payments.dlq
    partitions: 1
YAML
step cat "$topics_file"
step kafkit topic apply -f "$topics_file" --dry-run "||" echo "exit code \$? -- 3: the plan has changes"
step kafkit topic apply -f "$topics_file"
step kafkit topic apply -f "$topics_file" "# again: nothing to do"
step "kafkit topic export 'orders|payments.*'"
step kafkit topic offsets orders payments
step kafkit topic delete --regex "'payments.*'" "||" echo "exit code \$? -- a regex delete needs --yes"
step kafkit topic delete --regex "'payments.*'" --yes
step kafkit topic describe payments "||" echo "exit code \$?"
rm -f "$topics_file"
