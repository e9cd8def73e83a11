/*
 * test_module_exports.c - pam_mfacover.so exports the PAM entry points and
 * nothing else: dlopen/dlsym for the entry points, and a walk of the ELF
 * dynamic symbol table for everything the module defines.
 */
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const char *module_path;

static const char *const entry_points[] = {
	"pam_sm_authenticate", "pam_sm_setcred",       "pam_sm_acct_mgmt",
	"pam_sm_open_session", "pam_sm_close_session", "pam_sm_chauthtok",
};

/* Library functions linked in statically that must stay hidden. */
static const char *const hidden[] = {
	"mfa_strerror",      "mfa_otp_verify",    "mfa_otp_generate",
	"mfa_base32_decode", "mfa_otpauth_parse", "mfa_consttime_eq",
};

static void
test_entry_points_resolve(void **state)
{
	void *handle;
	size_t i;

	(void)state;
	handle = dlopen(module_path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		fail_msg("dlopen %s: %s", module_path, dlerror());
	for (i = 0; i < sizeof(entry_points) / sizeof(entry_points[0]); i++) {
		if (dlsym(handle, entry_points[i]) == NULL)
			fail_msg("%s is not exported", entry_points[i]);
	}
	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		if (dlsym(handle, hidden[i]) != NULL)
			fail_msg("%s leaks out of the module", hidden[i]);
	}
	assert_int_equal(dlclose(handle), 0);
}

/* Every defined global or weak symbol in .dynsym must be a pam_sm_ entry. */
static void
test_dynsym_holds_only_pam_sm(void **state)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const unsigned char *map;
	struct stat st;
	size_t i, j, defined = 0;
	int fd;

	(void)state;
	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true((size_t)st.st_size > sizeof(Elf64_Ehdr));
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	eh = (const Elf64_Ehdr *)map;
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	assert_true(eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) <= (size_t)st.st_size);
	sh = (const Elf64_Shdr *)(map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *syms;
		const char *strtab;

		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		assert_true(sh[i].sh_link < eh->e_shnum);
		syms = (const Elf64_Sym *)(map + sh[i].sh_offset);
		strtab = (const char *)(map + sh[sh[i].sh_link].sh_offset);
		for (j = 0; j < sh[i].sh_size / sizeof(Elf64_Sym); j++) {
			unsigned bind = ELF64_ST_BIND(syms[j].st_info);
			const char *name = strtab + syms[j].st_name;

			if (syms[j].st_shndx == SHN_UNDEF ||
			    (bind != STB_GLOBAL && bind != STB_WEAK))
				continue;
			if (strncmp(name, "pam_sm_", 7) != 0)
				fail_msg("the module exports %s", name);
			defined++;
		}
	}
	assert_int_equal(defined, sizeof(entry_points) / sizeof(entry_points[0]));
	munmap((void *)(uintptr_t)map, (size_t)st.st_size);
	close(fd);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_points_resolve),
		cmocka_unit_test(test_dynsym_holds_only_pam_sm),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-pam_mfacover.so\n", argv[0]);
		return 2;
	}
	module_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
