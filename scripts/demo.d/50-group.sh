# Part 5 (group): the seed checked consumer lag with kafka-consumer-groups.sh --describe. kafkit
# shows the same table, adds lag in time, checks thresholds with an exit code, watches live,
# and moves offsets with a plan first.
step kafkit topic create demo-events -p 3
step "seq 1 300 | awk '{print \"user\" \$1 \":\" \$1}' | kafkit produce demo-events -K :"
step "kafkit consume demo-events -g billing -o start -n 200 > /dev/null"
step kafkit group list
step kafkit group describe billing --members
step kafkit group lag
step kafkit group lag billing --fail-above 10 "||" echo "exit code \$? -- 3: billing is more than 10 records behind"
step "kafkit group lag billing --watch 1s & sleep 2.5; kill -INT \$!; wait \$!; echo \"exit code \$? -- Ctrl-C ends a watch\""
step kafkit group seek billing --to -20 --all-topics "# a plan; nothing changes without --execute"
step kafkit group seek billing --to end --topic demo-events --execute
step kafkit group lag billing --fail-above 10 "&&" echo "billing is within 10 records"
csv_file=$(mktemp /tmp/kafkit-demo-offsets.XXXXXX.csv)
step "kafkit group seek billing --to start --all-topics -o csv > $csv_file; cat $csv_file"
step kafkit group seek billing --to-file "$csv_file" --execute
step kafkit group delete billing
rm -f "$csv_file"
