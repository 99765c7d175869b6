// SPDX-License-Identifier: GPL-2.0
/*
 * wakeoff CLI: resolve a function symbol of an ELF64 file to the file
 * offset a uprobe takes.
 *
 * The symbol tables are .dynsym (what a shared library exports) and
 * .symtab (present unless stripped: static binaries).  A versioned name
 * may appear several times (clock_gettime@GLIBC_2.2.5 and the default
 * clock_gettime@@GLIBC_2.17): .gnu.version gives each .dynsym entry its
 * version index, bit 15 set on the non-default ("hidden") ones, and
 * .gnu.version_d names the versions.  The virtual address becomes a
 * file offset through the PT_LOAD program header that holds it, which
 * must be executable.  Every table is bounds-checked against the file.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsym.h"

struct wo_elf {
	const unsigned char *p;
	size_t size;
	const Elf64_Ehdr *eh;
};

static void wo_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* A table of @n entries of @esz bytes at @off, inside the file? */
static bool wo_in(const struct wo_elf *e, uint64_t off, uint64_t n,
		  uint64_t esz)
{
	if (esz && n > (uint64_t)-1 / esz)
		return false;
	return off <= e->size && n * esz <= e->size - off;
}

static const Elf64_Shdr *wo_shdr(const struct wo_elf *e, unsigned int i)
{
	return (const Elf64_Shdr *)(e->p + e->eh->e_shoff) + i;
}

/* The NUL-terminated string at @idx of string section @strndx, or NULL. */
static const char *wo_str(const struct wo_elf *e, unsigned int strndx,
			  uint64_t idx)
{
	const Elf64_Shdr *s;
	const char *str;

	if (strndx >= e->eh->e_shnum)
		return NULL;
	s = wo_shdr(e, strndx);
	if (!wo_in(e, s->sh_offset, s->sh_size, 1) || idx >= s->sh_size)
		return NULL;
	str = (const char *)e->p + s->sh_offset;
	if (!memchr(str + idx, '\0', s->sh_size - idx))
		return NULL;
	return str + idx;
}

/* The name of version index @ndx from .gnu.version_d, or NULL. */
static const char *wo_verdef_name(const struct wo_elf *e,
				  const Elf64_Shdr *vd, unsigned int ndx)
{
	uint64_t off = vd->sh_offset, end = vd->sh_offset + vd->sh_size;
	unsigned int i;

	for (i = 0; i < vd->sh_info && off < end; i++) {
		const Elf64_Verdef *d;
		const Elf64_Verdaux *a;

		if (!wo_in(e, off, 1, sizeof(*d)))
			return NULL;
		d = (const Elf64_Verdef *)(e->p + off);
		if (d->vd_ndx == ndx && d->vd_cnt) {
			if (!wo_in(e, off + d->vd_aux, 1, sizeof(*a)))
				return NULL;
			a = (const Elf64_Verdaux *)(e->p + off + d->vd_aux);
			return wo_str(e, vd->sh_link, a->vda_name);
		}
		if (!d->vd_next)
			break;
		off += d->vd_next;
	}
	return NULL;
}

/* Match score of symbol @s (version @vname, @hidden) for the request. */
static int wo_match(const char *name, const char *want, size_t wlen,
		    const char *wver, const char *vname, bool hidden)
{
	if (strlen(name) != wlen || strncmp(name, want, wlen))
		return 0;
	if (wver)	/* name@VER or name@@VER: that version only */
		return vname && !strcmp(vname, wver) ? 2 : 0;
	return hidden ? 1 : 2;	/* prefer the default version */
}

static int wo_addr_to_off(const struct wo_elf *e, uint64_t va, uint64_t *off,
			  char *err, size_t errlen, const char *sym)
{
	const Elf64_Phdr *ph;
	unsigned int i;

	if (!wo_in(e, e->eh->e_phoff, e->eh->e_phnum, sizeof(*ph)) ||
	    e->eh->e_phentsize != sizeof(*ph)) {
		wo_err(err, errlen, "bad program header table");
		return -1;
	}
	ph = (const Elf64_Phdr *)(e->p + e->eh->e_phoff);
	for (i = 0; i < e->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || va < ph[i].p_vaddr ||
		    va - ph[i].p_vaddr >= ph[i].p_filesz)
			continue;
		if (!(ph[i].p_flags & PF_X)) {
			wo_err(err, errlen, "%s is not in an executable segment",
			       sym);
			return -1;
		}
		*off = va - ph[i].p_vaddr + ph[i].p_offset;
		return 0;
	}
	wo_err(err, errlen, "%s (0x%llx) is in no PT_LOAD segment", sym,
	       (unsigned long long)va);
	return -1;
}

/* A symbol lookup: the request and the best match so far. */
struct wo_req {
	const char *sym, *wver;	/* wver: the version after '@', or NULL */
	size_t wlen;		/* length of the name without the version */
	const Elf64_Shdr *vs, *vd;	/* .gnu.version, .gnu.version_d */
	const Elf64_Sym *best;
	int best_score;
};

/* Version name and hidden bit of .dynsym entry @j of @n (none without .gnu.version). */
static void wo_sym_version(const struct wo_elf *e, const struct wo_req *q,
			   uint64_t j, uint64_t n, const char **vname, bool *hidden)
{
	const Elf64_Shdr *vs = q->vs;
	uint16_t v;

	if (!vs || vs->sh_size / 2 != n || !wo_in(e, vs->sh_offset, n, 2))
		return;
	v = ((const uint16_t *)(e->p + vs->sh_offset))[j];
	*hidden = v & 0x8000;
	if (q->vd)
		*vname = wo_verdef_name(e, q->vd, v & 0x7fff);
}

/* Score every defined symbol of table @sh; versions only in .dynsym (@dyn). */
static void wo_scan_symtab(const struct wo_elf *e, const Elf64_Shdr *sh,
			   bool dyn, struct wo_req *q)
{
	const Elf64_Sym *st;
	uint64_t n, j;

	if (sh->sh_entsize != sizeof(*st))
		return;
	n = sh->sh_size / sizeof(*st);
	if (!wo_in(e, sh->sh_offset, n, sizeof(*st)))
		return;
	st = (const Elf64_Sym *)(e->p + sh->sh_offset);
	for (j = 0; j < n; j++) {
		const char *name, *vname = NULL;
		bool hidden = false;
		int score;

		if (st[j].st_shndx == SHN_UNDEF || !st[j].st_value)
			continue;
		name = wo_str(e, sh->sh_link, st[j].st_name);
		if (!name)
			continue;
		if (dyn)
			wo_sym_version(e, q, j, n, &vname, &hidden);
		score = wo_match(name, q->sym, q->wlen, q->wver, vname, hidden);
		if (score > q->best_score) {
			q->best = &st[j];
			q->best_score = score;
		}
	}
}

static int wo_resolve(const struct wo_elf *e, const char *sym, uint64_t *off,
		      char *err, size_t errlen)
{
	const char *at = strchr(sym, '@');
	struct wo_req q = { .sym = sym, .wlen = at ? (size_t)(at - sym) : strlen(sym) };
	const Elf64_Sym *best;
	unsigned int i, pass;

	if (at)
		q.wver = at[1] == '@' ? at + 2 : at + 1;
	if (!wo_in(e, e->eh->e_shoff, e->eh->e_shnum, sizeof(Elf64_Shdr)) ||
	    e->eh->e_shentsize != sizeof(Elf64_Shdr)) {
		wo_err(err, errlen, "bad section header table");
		return -1;
	}
	for (i = 0; i < e->eh->e_shnum; i++) {
		if (wo_shdr(e, i)->sh_type == SHT_GNU_versym)
			q.vs = wo_shdr(e, i);
		else if (wo_shdr(e, i)->sh_type == SHT_GNU_verdef)
			q.vd = wo_shdr(e, i);
	}
	/* .dynsym first, then .symtab. */
	for (pass = 0; pass < 2 && q.best_score < 2; pass++)
		for (i = 0; i < e->eh->e_shnum; i++)
			if (wo_shdr(e, i)->sh_type == (pass ? SHT_SYMTAB : SHT_DYNSYM))
				wo_scan_symtab(e, wo_shdr(e, i), !pass, &q);
	best = q.best;
	if (!best) {
		wo_err(err, errlen, "symbol %s not found", sym);
		return -1;
	}
	if (ELF64_ST_TYPE(best->st_info) == STT_GNU_IFUNC) {
		wo_err(err, errlen,
		       "%s is an IFUNC: its address is a resolver (glibc points it at the vDSO), no function to probe",
		       sym);
		return -1;
	}
	if (ELF64_ST_TYPE(best->st_info) != STT_FUNC) {
		wo_err(err, errlen, "%s is not a function", sym);
		return -1;
	}
	return wo_addr_to_off(e, best->st_value, off, err, errlen, sym);
}

int wo_elf_sym_offset(const char *path, const char *sym, uint64_t *off,
		      char *err, size_t errlen)
{
	struct wo_elf e = { 0 };
	struct stat st;
	void *map;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		wo_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		wo_err(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		wo_err(err, errlen, "%s: not an ELF file (too small)", path);
		close(fd);
		return -1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		wo_err(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return -1;
	}
	e.p = map;
	e.size = st.st_size;
	e.eh = map;
	if (memcmp(e.eh->e_ident, ELFMAG, SELFMAG)) {
		wo_err(err, errlen, "%s: not an ELF file", path);
		ret = -1;
	} else if (e.eh->e_ident[EI_CLASS] != ELFCLASS64 ||
		   e.eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		wo_err(err, errlen, "%s: not a little-endian ELF64 file", path);
		ret = -1;
	} else {
		char why[256];

		ret = wo_resolve(&e, sym, off, why, sizeof(why));
		if (ret)
			wo_err(err, errlen, "%s: %s", path, why);
	}
	munmap(map, st.st_size);
	return ret;
}
