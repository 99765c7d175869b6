// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of the ELF symbol resolver (elfsym.c): the host's
 * libc, compared with readelf when it is installed; errors.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

#include "tap_check.h"

/* readelf's address of "@sym" (as printed, e.g. clock_gettime@@GLIBC_2.17). */
static int readelf_addr(const char *sym, uint64_t *va)
{
	char cmd[256], line[512];
	FILE *f;
	int found = 0;

	snprintf(cmd, sizeof(cmd), "readelf -Ws --dyn-syms %s 2>/dev/null", LIBC);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char num[32], name[256];
		unsigned long long v;

		if (sscanf(line, "%31s %llx %*s %*s %*s %*s %*s %255s",
			   num, &v, name) == 3 && !strcmp(name, sym)) {
			*va = v;
			found = 1;
			break;
		}
	}
	pclose(f);
	return found;
}

/* The file offset of virtual address @va, from libc's program headers. */
static int va_to_off(FILE *f, uint64_t va, uint64_t *off, int *exec)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i;

	if (fseek(f, 0, SEEK_SET) || fread(&eh, sizeof(eh), 1, f) != 1)
		return 0;
	for (i = 0; i < eh.e_phnum; i++) {
		if (fseek(f, eh.e_phoff + i * sizeof(ph), SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, f) != 1)
			return 0;
		if (ph.p_type == PT_LOAD && va >= ph.p_vaddr &&
		    va < ph.p_vaddr + ph.p_filesz) {
			*off = va - ph.p_vaddr + ph.p_offset;
			*exec = !!(ph.p_flags & PF_X);
			return 1;
		}
	}
	return 0;
}

static void check_func(const char *sym, const char *readelf_name)
{
	char err[512], name[128];
	uint64_t off = 0, va, want;
	unsigned char code[4];
	int exec = 0, rc;
	FILE *f;

	rc = wo_elf_sym_offset(LIBC, sym, &off, err, sizeof(err));
	snprintf(name, sizeof(name), "libc %s resolves", sym);
	CHECK(rc == 0, name);
	if (rc)
		printf("# %s\n", err);
	f = fopen(LIBC, "rb");
	if (!f)
		return;
	if (readelf_addr(readelf_name, &va) && va_to_off(f, va, &want, &exec)) {
		snprintf(name, sizeof(name), "libc %s: offset 0x%llx = readelf's",
			 sym, (unsigned long long)off);
		CHECK(off == want && exec, name);
	} else {
		printf("# readelf not available: offset 0x%llx not cross-checked\n",
		       (unsigned long long)off);
	}
	/* A function's first bytes: endbr64, push, mov, sub, or a jump. */
	if (!fseek(f, off, SEEK_SET) && fread(code, 4, 1, f) == 1) {
		int ok = !memcmp(code, "\xf3\x0f\x1e\xfa", 4) ||
			 code[0] == 0x55 || code[0] == 0x41 || code[0] == 0x48 ||
			 code[0] == 0x53 || code[0] == 0xe9 || code[0] == 0x89 ||
			 code[0] == 0x8b;

		snprintf(name, sizeof(name), "libc %s: code starts %02x %02x %02x %02x",
			 sym, code[0], code[1], code[2], code[3]);
		CHECK(ok, name);
	}
	fclose(f);
}

int main(void)
{
	char err[512], tmp[] = "/tmp/wo-elfsym-XXXXXX";
	uint64_t off, off2;
	int fd;

	if (access(LIBC, R_OK)) {
		printf("1..0 # SKIP no %s\n", LIBC);
		return 0;
	}
	check_func("clock_gettime", "clock_gettime@@GLIBC_2.17");
	check_func("__clock_gettime", "__clock_gettime@@GLIBC_PRIVATE");

	CHECK(!wo_elf_sym_offset(LIBC, "clock_gettime@GLIBC_2.2.5", &off, err,
				 sizeof(err)) &&
	      !wo_elf_sym_offset(LIBC, "clock_gettime", &off2, err, sizeof(err)) &&
	      off == off2, "clock_gettime@GLIBC_2.2.5: the same function");
	CHECK(wo_elf_sym_offset(LIBC, "clock_gettime@GLIBC_9.9", &off, err,
				sizeof(err)) && strstr(err, "not found"),
	      "an unknown version is not found");

	/* glibc's gettimeofday and time are IFUNCs that return the vDSO's. */
	CHECK(wo_elf_sym_offset(LIBC, "gettimeofday", &off, err, sizeof(err)) &&
	      strstr(err, "IFUNC"), "gettimeofday: refused as an IFUNC");
	printf("# %s\n", err);
	CHECK(wo_elf_sym_offset(LIBC, "wo_no_such_symbol", &off, err,
				sizeof(err)) && strstr(err, "not found"),
	      "a missing symbol: not found");
	printf("# %s\n", err);
	CHECK(wo_elf_sym_offset("/nonexistent/libc.so", "clock_gettime", &off,
				err, sizeof(err)) &&
	      strstr(err, "No such file"), "a missing file: its errno");
	printf("# %s\n", err);

	fd = mkstemp(tmp);
	if (fd >= 0) {
		char junk[256];

		memset(junk, 'x', sizeof(junk));
		if (write(fd, junk, sizeof(junk)) != (ssize_t)sizeof(junk))
			printf("# short write\n");
		close(fd);
		CHECK(wo_elf_sym_offset(tmp, "clock_gettime", &off, err,
					sizeof(err)) &&
		      strstr(err, "not an ELF file"), "a non-ELF file: refused");
		printf("# %s\n", err);
		unlink(tmp);
	}
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
