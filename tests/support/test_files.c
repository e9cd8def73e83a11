/*
 * test_files.c - reading fixture and result files in the cmocka tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
