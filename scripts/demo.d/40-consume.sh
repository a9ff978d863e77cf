# Part 4 (consume): the seed read topics with kafka-console-consumer.sh (values only, exit 0 even
# on errors). kafkit reads from any point (start, end, an offset, the last N, a time), stops at
# the end it saw at start (-e), prints kcat templates, JSON lines or the console consumer's
# layout, and in a group commits only what it printed.
step kafkit topic create demo-orders -p 3
step "seq 1 12 | awk '{print \"customer\" \$1 % 4 \":order-\" \$1}' | kafkit produce demo-orders -K :"
step kafkit consume demo-orders --from-beginning -e
step kafkit consume demo-orders -o -1 -e --print key,partition,offset
step "kafkit consume demo-orders -o start -e -f '%t/%p@%o %k=%s\n'"
step "kafkit consume demo-orders -o start -e -J | head -n 2"
step kafkit consume demo-orders -o @-1h -n 3 "# records of the last hour, the first 3"
step "kafkit consume demo-orders -o start | head -n 2; echo \"exit code \${PIPESTATUS[0]} -- a closed pipe is a normal end\""
step kafkit consume demo-orders -g demo-readers -o start -n 5 "# commits the 5 records it printed"
step kafkit consume demo-orders -g demo-readers -o start -e "# resumes after them (-o only where the group has no commit)"
step kafkit consume no-such-topic -e "||" echo "exit code \$? -- unlike the console consumer, errors exit 1"
