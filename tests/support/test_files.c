/*
 * test_files.c - see test_files.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "test_files.h"

char *
test_read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	assert_int_equal(fclose(f), 0);
	*lenp = (size_t)n;
	return buf;
}

char *
test_read_data(const char *subdir, const char *name, size_t *lenp)
{
	const char *dir = getenv("MFACOVER_TEST_DATA");
	char path[1024];
	int n;

	if (dir == NULL)
		dir = "tests/data";
	n = snprintf(path, sizeof(path), "%s/%s/%s", dir, subdir, name);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	return test_read_file(path, lenp);
}

void
test_write_file(const char *path, mode_t mode, const char *fmt, ...)
{
	va_list ap;
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		fail_msg("cannot create %s", path);
	va_start(ap, fmt);
	assert_true(vfprintf(fp, fmt, ap) >= 0);
	va_end(ap);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}
