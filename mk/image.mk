# The in-cluster client image (Containerfile) and its tests. Included by the main Makefile.
#
#   make image          stage .cache/image-root/ and build $(IMAGE) with podman
#   make image-test     build, then run the image against the real test cluster (scripts/image-test.sh)
#   make manifest-test  parse every manifest under deploy/ and check it (a separate Go module)
#
# Nothing is installed here. On Debian: apt-get install -y podman runc busybox-static ca-certificates
# (uidmap too if podman runs rootless). No Docker engine and no registry are needed: FROM scratch.

.PHONY: image image-root image-test manifest-test

IMAGE      ?= localhost/kafkit:dev
PODMAN     ?= podman
# Global podman flags. runc from Debian, because crun fails on the hybrid cgroup v1/v2 hosts we
# build on; cgroupfs because there is no systemd session. Add `--storage-driver vfs` where overlay
# is not available (e.g. podman inside a container).
PODMAN_FLAGS ?= --runtime /usr/sbin/runc --cgroup-manager=cgroupfs
# Flags for every `podman run` of the image-test. podman's default rlimits (nofile and nproc far
# above the host's) need CAP_SYS_RESOURCE, which sandboxed build hosts lack: runc then fails with
# "error setting rlimit type 6: operation not permitted". kafkit needs few of either.
PODMAN_RUN_FLAGS ?= --ulimit nofile=4096:4096 --ulimit nproc=4096:4096
BUSYBOX    ?= /bin/busybox
CA_BUNDLE  ?= /etc/ssl/certs/ca-certificates.crt
IMAGE_ROOT := .cache/image-root
# The image-test fails when the image is larger than this (the issue's size goal).
IMAGE_MAX_MB ?= 20

export IMAGE PODMAN PODMAN_FLAGS PODMAN_RUN_FLAGS IMAGE_MAX_MB

# The staged root is rebuilt from scratch every time: it is small and stale applet links or files
# must never leak into the image.
image-root: build
	@command -v $(PODMAN) >/dev/null || { echo "image: $(PODMAN) not found: apt-get install -y podman runc"; exit 1; }
	@test -x $(BUSYBOX) || { echo "image: $(BUSYBOX) not found: apt-get install -y busybox-static"; exit 1; }
	@! ldd $(BUSYBOX) >/dev/null 2>&1 || { echo "image: $(BUSYBOX) is dynamically linked and cannot run FROM scratch: apt-get install -y busybox-static"; exit 1; }
	@! ldd bin/kafkit >/dev/null 2>&1 || { echo "image: bin/kafkit is dynamically linked: build it with CGO_ENABLED=0 (make build)"; exit 1; }
	@test -s $(CA_BUNDLE) || { echo "image: $(CA_BUNDLE) not found: apt-get install -y ca-certificates"; exit 1; }
	rm -rf $(IMAGE_ROOT)
	mkdir -p $(IMAGE_ROOT)/rootfs/bin $(IMAGE_ROOT)/rootfs/sbin $(IMAGE_ROOT)/rootfs/usr/bin \
	  $(IMAGE_ROOT)/rootfs/usr/sbin $(IMAGE_ROOT)/rootfs/usr/local/bin $(IMAGE_ROOT)/rootfs/etc/ssl/certs \
	  $(IMAGE_ROOT)/rootfs/tmp $(IMAGE_ROOT)/rootfs/home $(IMAGE_ROOT)/home/kafkit
	install -m 0755 bin/kafkit $(IMAGE_ROOT)/rootfs/usr/local/bin/kafkit
	install -m 0755 $(BUSYBOX) $(IMAGE_ROOT)/rootfs/bin/busybox
	@# One symlink per applet, where busybox itself would install it (bin/sh, usr/bin/env ...).
	cd $(IMAGE_ROOT)/rootfs && for a in $$($(BUSYBOX) --list-full); do \
	  case "$$a" in bin/busybox|linuxrc) continue;; esac; ln -sfn /bin/busybox "$$a" || exit 1; done
	@# kafka-*.sh links (kafkit compat) on PATH and where Bitnami and Apache images keep the scripts.
	for d in usr/local/bin opt/bitnami/kafka/bin opt/kafka/bin; do mkdir -p $(IMAGE_ROOT)/rootfs/$$d && \
	  bin/kafkit compat install $(IMAGE_ROOT)/rootfs/$$d --target /usr/local/bin/kafkit >/dev/null || exit 1; done
	install -m 0644 $(CA_BUNDLE) $(IMAGE_ROOT)/rootfs/etc/ssl/certs/ca-certificates.crt
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'kafkit:x:1001:1001:kafkit:/home/kafkit:/bin/sh' \
	  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > $(IMAGE_ROOT)/rootfs/etc/passwd
	printf '%s\n' 'root:x:0:' 'kafkit:x:1001:' 'nogroup:x:65534:' > $(IMAGE_ROOT)/rootfs/etc/group
	@# Go's resolver and busybox read this; without it lookups would not try /etc/hosts first.
	printf '%s\n' 'hosts: files dns' > $(IMAGE_ROOT)/rootfs/etc/nsswitch.conf
	chmod 0644 $(IMAGE_ROOT)/rootfs/etc/passwd $(IMAGE_ROOT)/rootfs/etc/group $(IMAGE_ROOT)/rootfs/etc/nsswitch.conf
	chmod 1777 $(IMAGE_ROOT)/rootfs/tmp
	chmod 0755 $(IMAGE_ROOT)/home/kafkit

# --layers=false and the removal of the image this build replaces: rebuilds (every `make test`)
# would otherwise pile up untagged images, ~15 MB each. A replaced image still in use stays.
image: image-root
	@old=$$($(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.Id}}' $(IMAGE) 2>/dev/null || true); \
	set -x; $(PODMAN) $(PODMAN_FLAGS) build --pull=never --layers=false -f Containerfile -t $(IMAGE) \
	  --label org.opencontainers.image.version=$(VERSION) \
	  --label org.opencontainers.image.revision=$(COMMIT) $(IMAGE_ROOT) || exit 1; { set +x; } 2>/dev/null; \
	new=$$($(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.Id}}' $(IMAGE)); \
	if [ -n "$$old" ] && [ "$$old" != "$$new" ]; then $(PODMAN) $(PODMAN_FLAGS) rmi "$$old" >/dev/null 2>&1 || true; fi
	@$(PODMAN) $(PODMAN_FLAGS) image inspect --format '{{.Size}}' $(IMAGE) | \
	  awk -v img=$(IMAGE) '{ printf "image: %s is %.1f MB (%d bytes)\n", img, $$1/1e6, $$1 }'

# Runs against the real test cluster ($(KAFKIT_E2E_BROKERS), started by `make cluster-up`).
image-test: image
	bash scripts/image-test.sh

# The manifests' test lives in its own module (deploy/go.mod) so the main module stays free of it.
manifest-test:
	cd deploy && $(GO) test -count=1 ./...
