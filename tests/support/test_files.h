/*
 * test_files.h - reading and writing fixture and result files in the cmocka
 * tests.
 *
 * Each helper fails the running test (through cmocka) instead of returning
 * an error: a missing fixture is a broken test, not a case to handle.
 */
#ifndef MFACOVER_TEST_FILES_H
#define MFACOVER_TEST_FILES_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads the whole of PATH into a malloc'd buffer with a NUL after the last
 * byte (so text fixtures can be used as strings); *LENP gets the length
 * without that NUL. The caller frees the buffer.
 */
char *test_read_file(const char *path, size_t *lenp);

/*
 * Reads tests/data/SUBDIR/NAME: the data directory is $MFACOVER_TEST_DATA,
 * as ctest sets it, or tests/data when a test is run by hand from the top.
 */
char *test_read_data(const char *subdir, const char *name, size_t *lenp);

/* Writes printf-style text to PATH (created or truncated), then sets MODE. */
void test_write_file(const char *path, mode_t mode, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
