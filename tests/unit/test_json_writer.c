/*
 * test_json_writer.c - structure, commas, escaping and UTF-8 handling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

/* ---- string escaping: input bytes -> exact JSON text ------------------- */

struct escape_case {
	const char *in;
	size_t len; /* 0: strlen */
	const char *out;
};

static const struct escape_case escape_cases[] = {
	{"plain", 0, "\"plain\""},
	{"", 0, "\"\""},
	{"say \"hi\"", 0, "\"say \\\"hi\\\"\""},
	{"back\\slash", 0, "\"back\\\\slash\""},
	{"a/b", 0, "\"a/b\""},
	{"\b\f\n\r\t", 0, "\"\\b\\f\\n\\r\\t\""},
	{"\x01\x1f", 0, "\"\\u0001\\u001f\""},
	{"nul\0byte", 8, "\"nul\\u0000byte\""},
	{"\x7f", 0, "\"\x7f\""},
	/* valid UTF-8 passes through: 2, 3 and 4 byte forms */
	{"caf\xc3\xa9", 0, "\"caf\xc3\xa9\""},
	{"\xe2\x82\xac 5", 0, "\"\xe2\x82\xac 5\""},
	{"\xf0\x9f\x94\x91", 0, "\"\xf0\x9f\x94\x91\""},
	{"\xef\xbf\xbf", 0, "\"\xef\xbf\xbf\""},
	/* invalid UTF-8: each bad byte becomes U+FFFD */
	{"a\xff"
	 "b",
	 0, "\"a\\ufffdb\""},
	{"\x80", 0, "\"\\ufffd\""},
	{"\xc3", 0, "\"\\ufffd\""},                                  /* truncated */
	{"\xc3(", 0, "\"\\ufffd(\""},                                /* bad continuation */
	{"\xc0\xaf", 0, "\"\\ufffd\\ufffd\""},                       /* overlong '/' */
	{"\xe0\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\""},            /* overlong 3 bytes */
	{"\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\""},            /* surrogate D800 */
	{"\xf4\x90\x80\x80", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* > U+10FFFF */
	{"\xf0\x9f\x94", 0, "\"\\ufffd\\ufffd\\ufffd\""},            /* truncated 4 bytes */
	{"ok\xe2\x82\xac\xe2\x82", 0, "\"ok\xe2\x82\xac\\ufffd\\ufffd\""},
};

static void
test_string_escaping(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		const struct escape_case *c = &escape_cases[i];
		struct json_writer *w = NULL;
		size_t len = c->len != 0 ? c->len : strlen(c->in), outlen = 0;
		const char *out;

		print_message("escape case %zu\n", i);
		assert_int_equal(json_writer_new_buffer(0, &w), 0);
		assert_int_equal(json_string_len(w, c->in, len), 0);
		out = json_writer_buffer(w, &outlen);
		assert_string_equal(out, c->out);
		assert_int_equal(outlen, strlen(c->out));
		json_writer_free(&w);
		assert_null(w);
	}
}

/* ---- structure ---------------------------------------------------------- */

static void
test_compact_document(void **state)
{
	struct json_writer *w = NULL;

	(void)state;
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "name"), 0);
	assert_int_equal(json_string(w, "sshd"), 0);
	assert_int_equal(json_key(w, "line"), 0);
	assert_int_equal(json_uint(w, 17), 0);
	assert_int_equal(json_key(w, "delta"), 0);
	assert_int_equal(json_int(w, INT64_MIN), 0);
	assert_int_equal(json_key(w, "max"), 0);
	assert_int_equal(json_uint(w, UINT64_MAX), 0);
	assert_int_equal(json_key(w, "list"), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_bool(w, true), 0);
	assert_int_equal(json_bool(w, false), 0);
	assert_int_equal(json_null(w), 0);
	assert_int_equal(json_string(w, NULL), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_end_object(w), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_end_array(w), 0);
	assert_int_equal(json_end_array(w), 0);
	assert_int_equal(json_key(w, "k\"ey"), 0);
	assert_int_equal(json_string(w, ""), 0);
	assert_int_equal(json_end_object(w), 0);
	assert_int_equal(json_writer_finish(w), 0);
	assert_string_equal(json_writer_buffer(w, NULL),
			    "{\"name\":\"sshd\",\"line\":17,\"delta\":-9223372036854775808,"
			    "\"max\":18446744073709551615,\"list\":[true,false,null,null,{},[]],"
			    "\"k\\\"ey\":\"\"}\n");
	json_writer_free(&w);
}

static void
test_pretty_document(void **state)
{
	struct json_writer *w = NULL;

	(void)state;
	assert_int_equal(json_writer_new_buffer(JSON_WRITER_PRETTY, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "a"), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_uint(w, 1), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "b"), 0);
	assert_int_equal(json_null(w), 0);
	assert_int_equal(json_end_object(w), 0);
	assert_int_equal(json_end_array(w), 0);
	assert_int_equal(json_key(w, "e"), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_end_array(w), 0);
	assert_int_equal(json_end_object(w), 0);
	assert_int_equal(json_writer_finish(w), 0);
	assert_string_equal(json_writer_buffer(w, NULL), "{\n"
							 "  \"a\": [\n"
							 "    1,\n"
							 "    {\n"
							 "      \"b\": null\n"
							 "    }\n"
							 "  ],\n"
							 "  \"e\": []\n"
							 "}\n");
	json_writer_free(&w);
}

/* ---- misuse is refused, and the error sticks --------------------------- */

static void
test_structure_errors(void **state)
{
	struct json_writer *w = NULL;
	size_t len = 99;

	(void)state;
	/* a value in an object without a key */
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_string(w, "x"), MFA_ERR_INVALID_ARG);
	/* sticky: a valid call now fails too and writes nothing */
	assert_int_equal(json_key(w, "k"), MFA_ERR_INVALID_ARG);
	assert_string_equal(json_writer_buffer(w, &len), "{");
	assert_int_equal(len, 1);
	assert_int_equal(json_writer_finish(w), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);

	/* a key in an array, a key after a key, mismatched ends */
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_key(w, "k"), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "k"), 0);
	assert_int_equal(json_key(w, "k2"), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_end_array(w), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "k"), 0);
	assert_int_equal(json_end_object(w), MFA_ERR_INVALID_ARG); /* value missing */
	json_writer_free(&w);

	/* a second top-level value, an unfinished document */
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_uint(w, 1), 0);
	assert_int_equal(json_uint(w, 2), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_writer_finish(w), MFA_ERR_INVALID_ARG);
	json_writer_free(&w);
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_writer_finish(w), MFA_ERR_INVALID_ARG); /* nothing written */
	json_writer_free(&w);

	/* NULL handling */
	assert_int_equal(json_begin_object(NULL), MFA_ERR_INVALID_ARG);
	assert_int_equal(json_writer_new_file(NULL, 0, &w), MFA_ERR_INVALID_ARG);
	assert_int_equal(json_writer_new_buffer(0x80, &w), MFA_ERR_INVALID_ARG);
	assert_null(json_writer_buffer(NULL, NULL));
	json_writer_free(NULL);
	json_writer_free(&w);
}

static void
test_depth_limit(void **state)
{
	struct json_writer *w = NULL;
	size_t i;

	(void)state;
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	for (i = 0; i < JSON_WRITER_MAX_DEPTH; i++)
		assert_int_equal(json_begin_array(w), 0);
	assert_int_equal(json_begin_array(w), MFA_ERR_TOO_DEEP);
	assert_int_equal(json_end_array(w), MFA_ERR_TOO_DEEP); /* sticky */
	json_writer_free(&w);
}

/* a large document forces the buffer to grow several times */
static void
test_buffer_growth(void **state)
{
	struct json_writer *w = NULL;
	size_t i, len = 0;
	const char *out;

	(void)state;
	assert_int_equal(json_writer_new_buffer(0, &w), 0);
	assert_int_equal(json_begin_array(w), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(json_string(w, "0123456789"), 0);
	assert_int_equal(json_end_array(w), 0);
	assert_int_equal(json_writer_finish(w), 0);
	out = json_writer_buffer(w, &len);
	assert_int_equal(len, 5000 * 13 + 2); /* [ 5000 strings, 4999 commas ] \n */
	assert_memory_equal(out, "[\"0123456789\",\"0123456789\",", 27);
	assert_memory_equal(out + len - 3, "\"]\n", 3);
	json_writer_free(&w);
}

static void
test_file_writer(void **state)
{
	struct json_writer *w = NULL;
	char text[64];
	FILE *fp;
	size_t n;

	(void)state;
	fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(json_writer_new_file(fp, 0, &w), 0);
	assert_null(json_writer_buffer(w, NULL));
	assert_int_equal(json_begin_object(w), 0);
	assert_int_equal(json_key(w, "t\tab"), 0);
	assert_int_equal(json_string(w, "\xe2\x82\xac\xff"), 0);
	assert_int_equal(json_end_object(w), 0);
	assert_int_equal(json_writer_finish(w), 0);
	json_writer_free(&w);
	rewind(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	assert_string_equal(text, "{\"t\\tab\":\"\xe2\x82\xac\\ufffd\"}\n");
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_escaping), cmocka_unit_test(test_compact_document),
		cmocka_unit_test(test_pretty_document), cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_depth_limit),     cmocka_unit_test(test_buffer_growth),
		cmocka_unit_test(test_file_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
