# The manifests against a real Kubernetes API server, and the image as a real Pod. Included by the
# main Makefile.
#
#   make kube-build     build kube-apiserver, kubectl and etcd (versions in deploy/kube/go.mod)
#                       from the Go module proxy into .cache/kube/bin ($KAFKIT_CACHE/kube/bin if
#                       set); skipped when they are there already (kube-pod-test adds the kubelet)
#   make kube-test      start etcd and kube-apiserver on 127.0.0.1 and apply every manifest under
#                       deploy/ to them (scripts/kube-test.sh); no Kafka cluster is needed
#   make kube-pod-test  also containerd and a kubelet, in namespaces of their own: the image runs as
#                       deploy/kafka-client.yaml's Pod and the seed's workflow runs in it with
#                       kubectl exec (scripts/kube-pod-test.sh); root only
#
# Needs Go and openssl; kube-pod-test also what `make image` needs and, on Debian:
# apt-get install -y containerd runc containernetworking-plugins iproute2

.PHONY: kube-build kube-test kube-pod-test

KUBE_POD_IMAGE ?= localhost/kafkit:kube-pod-test
export KUBE_POD_IMAGE

kube-build:
	GO=$(GO) bash scripts/kube-build.sh etcd kube-apiserver kubectl

kube-test: kube-build
	bash scripts/kube-test.sh

kube-pod-test: kube-build build
	GO=$(GO) bash scripts/kube-build.sh kubelet
	$(MAKE) image IMAGE=$(KUBE_POD_IMAGE)
	bash scripts/kube-pod-test.sh
