# Part 1 (foundation): what the cluster is. The seed checked pods and broker logs; kafkit asks
# the cluster itself.
step kafkit cluster info
step kafkit version --broker
step "kafkit cluster api-versions | head -8"
step kafkit -b 127.0.0.1:1 cluster info "||" echo "exit code \$? -- a wrong address fails at once, with a hint"
