/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wakeoff CLI: ELF64 symbol -> file offset, for uprobes.
 */
#ifndef WO_ELFSYM_H
#define WO_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Find function @sym in the ELF64 file @path (.dynsym, then .symtab) and
 * return its file offset in *@off.  @sym is "name" (the default version
 * when the name is versioned, e.g. clock_gettime@@GLIBC_2.17), or
 * "name@VERSION" for one version.  IFUNCs are refused: their address is
 * the resolver, not the function called.  Returns 0, or -1 with a
 * message in @err.
 */
int wo_elf_sym_offset(const char *path, const char *sym, uint64_t *off,
		      char *err, size_t errlen);

#endif
