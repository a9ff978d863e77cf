# Part 3 (produce): the seed typed records into kafka-console-producer.sh. kafkit produce reads
# stdin or files, keys records the way the Java producer does, and exits 0 only when the
# cluster acknowledged every record.
step kafkit produce demo-signups --create-topic --summary "</dev/null" "# an empty input creates the topic"
step "printf 'user1,login\nuser2,login\nuser1,logout\n' | kafkit produce demo-signups -K , --summary"
step "printf 'plain line one\nplain line two\n' | kafkit produce demo-signups -H source=demo --summary"
step "echo '{\"key\":\"user3\",\"value\":{\"action\":\"buy\",\"amount\":42},\"headers\":{\"trace\":\"t-1\"}}' | kafkit produce demo-signups --input json --summary"
demo_file=$(mktemp /tmp/kafkit-demo-produce.XXXXXX.txt)
seq 1 10000 | sed 's/^/order-/' > "$demo_file"
step kafkit produce demo-signups -f "$demo_file" --summary
rm -f "$demo_file"
step "printf 'user4,ok\nno separator here\nuser5,never sent\n' | kafkit produce demo-signups -K ," "||" echo "exit code \$? -- the bad line is named, nothing after it is sent"
step "echo hello | kafkit produce no-such-topic" "||" echo "exit code \$? -- a missing topic is a clear error up front"
