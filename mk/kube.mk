# The manifests against a real Kubernetes API server. Included by the main Makefile.
#
#   make kube-build  build kube-apiserver, kubectl and etcd (versions in deploy/kube/go.mod) from the
#                    Go module proxy into .cache/kube/bin; skipped when they are there already
#   make kube-test   start etcd and kube-apiserver on 127.0.0.1 and apply every manifest under
#                    deploy/ to them (scripts/kube-test.sh); no Kafka cluster is needed
#
# Needs Go and openssl (Debian: apt-get install -y openssl). The cold build takes several minutes.

.PHONY: kube-build kube-test

kube-build:
	GO=$(GO) bash scripts/kube-build.sh

kube-test: kube-build
	bash scripts/kube-test.sh
