# SPDX-License-Identifier: GPL-2.0
#
# wakeoff: scheduler wakeup latency tracer (kernel module + reader).
#
#   make                  module (for KVER), CLI and selftests
#   make module KVER=6.12.117+deb12-amd64   or  KDIR=/path/to/kernel/build
#   make check            every test: host unit tests, and per Debian kernel
#                         build checks, DKMS and the kselftests under QEMU
#                         (whole suite on generic x86_64 6.1/6.12, a subset
#                         on 6.1/6.12 PREEMPT_RT and arm64: README)
#   make check-all        the whole suite on all six kernels
#   make check-debug      the kselftests on a KASAN/kmemleak/lockdep/UBSAN
#                         kernel built once from linux-source-6.1 (~35 min)
#   make demo             boot a Debian kernel under QEMU, load wakeoff, run
#                         an idle then a loaded phase, print the report, then
#                         run the idle-vs-load recipe (wakeoff stress) and its table
#   make lint             sparse (C=2) and checkpatch on the module
#   make bench            overhead of wakeoff vs ftrace and perf, per Debian
#                         kernel under QEMU (tables + JSON in build/bench/)
#
# KVER defaults to the running kernel when its headers are installed,
# else to the newest /lib/modules/*/build (this may be a build machine
# that runs a kernel it has no headers for).

KVER ?= $(KERNELRELEASE)
ifeq ($(KVER),)
KVER := $(shell uname -r)
ifeq ($(wildcard /lib/modules/$(KVER)/build),)
KVER := $(patsubst /lib/modules/%/build,%,$(lastword $(sort $(wildcard /lib/modules/*/build))))
endif
endif
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
# The one place the version is defined (module, CLI, man page, packages).
VERSION := $(shell cat $(CURDIR)/VERSION)
HARNESS_DIR ?= $(BUILD)/kselftest

all: module userspace selftests

module:
	@test -d "$(KDIR)" || { echo "no kernel build dir $(KDIR): install linux-headers-$(KVER) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

check:
	bash selftests/run-all.sh

check-all:
	bash selftests/run-all.sh --all

check-debug:
	bash selftests/vm/check-debug.sh

demo:
	bash selftests/vm/demo.sh

bench:
	bash bench/bench.sh

lint: lint-sparse lint-checkpatch

lint-sparse:
	bash selftests/vm/sparse-check.sh $(KDIR) $(BUILD)/sparse

# An out-of-tree module must test LINUX_VERSION_CODE; it does so only in
# module/compat/wo_compat.h (the lttng-modules wrapper pattern).
CHECKPATCH_FILES := $(filter-out %.mod.c,$(wildcard module/*.[ch] module/*/*.[ch]))
lint-checkpatch: $(HARNESS_DIR)/scripts/checkpatch.pl
	perl $(HARNESS_DIR)/scripts/checkpatch.pl --no-tree --strict --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE -f $(CHECKPATCH_FILES)

$(HARNESS_DIR)/scripts/checkpatch.pl:
	bash selftests/get-harness.sh $(HARNESS_DIR)

# Installation.  "make install" puts the CLI, its man page and bash
# completion under $(DESTDIR)$(PREFIX); "make uninstall" removes exactly
# those files.  The module goes through DKMS (rebuilt on kernel upgrades):
# "make dkms-install" copies the module source to /usr/src/wakeoff-VERSION
# and builds and installs it for every kernel with headers; "make
# dkms-remove" undoes it.  "make modules_install" installs the module for
# KVER only, without DKMS.  "make deb" builds the Debian packages instead.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd reads /usr/local/lib/systemd/system too; Debian: /lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALLED := $(DESTDIR)$(BINDIR)/wakeoff $(DESTDIR)$(MANDIR)/man1/wakeoff.1 \
	$(DESTDIR)$(BASHCOMPDIR)/wakeoff $(DESTDIR)$(SYSTEMDUNITDIR)/wakeoff-exporter.service
DKMS_SRC := /usr/src/wakeoff-$(VERSION)
# The files DKMS builds the module from (dkms.conf runs "make module").
DKMS_FILES := Kbuild VERSION Makefile module

install:
	$(MAKE) -C userspace prog
	install -D -m 0755 $(BUILD)/userspace/wakeoff $(DESTDIR)$(BINDIR)/wakeoff
	install -D -m 0644 $(BUILD)/userspace/wakeoff.1 $(DESTDIR)$(MANDIR)/man1/wakeoff.1
	install -D -m 0644 userspace/completion.bash $(DESTDIR)$(BASHCOMPDIR)/wakeoff
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|' userspace/wakeoff-exporter.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/wakeoff-exporter.service

uninstall:
	rm -f $(INSTALLED)

# build/deb/wakeoff_VERSION_ARCH.deb and wakeoff-dkms_VERSION_all.deb.
deb:
	bash debian/make-deb.sh $(BUILD)/deb

# build/wakeoff-VERSION.tar.gz: the tracked files of HEAD.
dist:
	@mkdir -p $(BUILD)
	git archive --format=tar.gz --prefix=wakeoff-$(VERSION)/ \
		-o $(BUILD)/wakeoff-$(VERSION).tar.gz HEAD
	@echo $(BUILD)/wakeoff-$(VERSION).tar.gz

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

dkms-install:
	@test ! -e $(DKMS_SRC) || { echo "$(DKMS_SRC) exists: make dkms-remove first" >&2; exit 1; }
	mkdir -p $(DKMS_SRC)
	cp -a $(DKMS_FILES) $(DKMS_SRC)/
	$(MAKE) -s -C $(DKMS_SRC) clean
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	dkms add -m wakeoff -v $(VERSION)
	for k in $(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build)); do \
		dkms install -m wakeoff -v $(VERSION) -k $$k || exit 1; done

dkms-remove:
	dkms remove -m wakeoff -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	rm -rf $(BUILD)
	rm -f module/*.o module/*/*.o module/*/.*.cmd module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/modules.order module/Module.symvers .*.cmd modules.order \
		Module.symvers
	rm -rf .tmp_versions module/.tmp_versions

.PHONY: all module userspace selftests check check-all check-debug demo bench lint lint-sparse \
	lint-checkpatch deb dist install uninstall modules_install dkms-install dkms-remove \
	clean
