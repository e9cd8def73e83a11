/*
 * test_qr.c - QR codes for otpauth URIs, proved by decoding: every drawing
 * (PNG, the terminal's half blocks, SVG) is read back by an independent
 * decoder, zbarimg (zbar-tools), and must give the URI byte for byte.  The
 * terminal and SVG drawings are also parsed back into module grids and
 * compared with the encoder's, and the PNG's chunks, CRCs and pixels are
 * checked with zlib.  A missing zbarimg or rsvg-convert fails the tests: a
 * QR code nobody has scanned is not tested.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "mfa_mem.h"
#include "otpauth.h"
#include "qr.h"

/* A realistic Key URI: issuer prefix and parameter, percent-escapes, SHA256, 8 digits. */
#define REAL_URI                                                                                   \
	"otpauth://totp/ACME%20Co%2E:alice%40example.com?secret="                                  \
	"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co%2E"                     \
	"&algorithm=SHA256&digits=8&period=30"

#define QZ MFA_QR_QUIET_ZONE

struct fixture {
	char dir[64];
};

static int
group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/mfacover-test-qr-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "/bin/rm -rf -- '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
path_in(const struct fixture *f, const char *name, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s/%s", f->dir, name);

	assert_true(n > 0 && (size_t)n < bufsz);
}

/* Fail, naming the package, when prog is not on PATH. */
static void
require_program(const char *prog, const char *package)
{
	const char *path = getenv("PATH");
	char buf[4096];
	const char *p, *end;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = *end ? end + 1 : end) {
		int n;

		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, prog);
		if (n > 0 && (size_t)n < sizeof(buf) && access(buf, X_OK) == 0)
			return;
	}
	fail_msg("%s is not installed (Debian package %s): it is needed to prove that the QR "
		 "code decodes; install it, the test does not skip",
		 prog, package);
}

/*
 * Run argv (no shell) and collect its standard output, NUL-terminated, into
 * a new buffer; its standard error goes to the file errpath.  Returns the exit status, or -1 when it did not exit.
 */
static int
run_capture(char *const argv[], const char *errpath, char **outp, size_t *lenp)
{
	int pfd[2], status;
	char *out = NULL;
	size_t len = 0, cap = 0;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		int errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		if (errfd >= 0)
			dup2(errfd, STDERR_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap * 2 + 8192;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		n = read(pfd[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	*outp = out;
	*lenp = len;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first bytes of a small text file, for failure messages ("" if none). */
static void
file_head(const char *path, char *buf, size_t bufsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, bufsz - 1) : -1;

	buf[n > 0 ? (size_t)n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Run a tool on the side; on failure say what it wrote to standard error. */
static char *
run_tool(char *const argv[], const char *errpath)
{
	char *out = NULL, err[512];
	size_t len = 0;
	int status;

	status = run_capture(argv, errpath, &out, &len);
	if (status != 0) {
		file_head(errpath, err, sizeof(err));
		fail_msg("%s %s failed (exit status %d): %s", argv[0], argv[1], status, err);
	}
	return out;
}

/* zbarimg must find exactly one code in path, and its text must be `want`. */
static void
assert_zbar_decodes(const char *path, const char *want)
{
	char *argv[] = {"zbarimg", "--raw", "-q", (char *)path, NULL};
	char errpath[256];
	char *out;
	size_t len;

	require_program("zbarimg", "zbar-tools");
	snprintf(errpath, sizeof(errpath), "%s.stderr", path);
	/* Exit status 4: no code found in the image. */
	out = run_tool(argv, errpath);
	len = strlen(out);
	if (len == 0) {
		char err[512];

		file_head(errpath, err, sizeof(err));
		fail_msg("zbarimg found no QR code in %s: %s", path, err);
	}
	/* --raw prints the text and a newline per symbol. */
	if (out[len - 1] != '\n')
		fail_msg("zbarimg output does not end in a newline: \"%s\"", out);
	out[--len] = '\0';
	if (len != strlen(want) || memcmp(out, want, len) != 0)
		fail_msg("%s decodes to\n  \"%s\" (%zu bytes), not\n  \"%s\" (%zu bytes)", path,
			 out, len, want, strlen(want));
	free(out);
}

static void
read_whole_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	*bufp = buf;
	*lenp = (size_t)st.st_size;
}

static int
create_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	assert_true(fd >= 0);
	return fd;
}

static void
write_png_file(const struct mfa_qr *qr, unsigned scale, const char *path)
{
	int fd = create_file(path);

	assert_int_equal(mfa_qr_write_png(qr, scale, fd), MFA_OK);
	assert_int_equal(close(fd), 0);
}

static struct mfa_qr *
encode_ok(const char *text)
{
	struct mfa_qr *qr = NULL;

	assert_int_equal(mfa_qr_encode(text, &qr), MFA_OK);
	assert_non_null(qr);
	assert_non_null(qr->modules);
	/* Versions 1..40: 21..177 modules in steps of 4. */
	assert_true(qr->width >= 21 && qr->width <= MFA_QR_WIDTH_MAX);
	assert_int_equal((qr->width - 17) % 4, 0);
	return qr;
}

/*
 * A Key URI-shaped text of exactly len bytes: the realistic parameters
 * first (a prefix of them for short lens), then a base32 secret as long as
 * needed.  With lower, the filler is lower case instead, which only 8-bit
 * mode holds (upper case and digits pack tighter, in alphanumeric mode).
 */
static char *
make_uri(size_t len, bool lower)
{
	static const char head[] = "otpauth://totp/ACME%20Co:alice%40example.com?issuer=ACME%20Co"
				   "&algorithm=SHA256&digits=8&period=30&secret=";
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	static const char lc[] = "abcdefghijklmnopqrstuvwxyz";
	char *s = malloc(len + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < len; i++) {
		if (i < sizeof(head) - 1)
			s[i] = head[i];
		else if (lower)
			s[i] = lc[(i * 7) % 26];
		else
			s[i] = b32[(i * 7) % 32];
	}
	s[len] = '\0';
	return s;
}

static char *
uri_of_length(size_t len)
{
	return make_uri(len, false);
}

/* ---- The symbol itself ---- */

static bool
module(const struct mfa_qr *qr, unsigned row, unsigned col)
{
	return qr->modules[(size_t)row * qr->width + col] != 0;
}

/* The 7x7 finder pattern with its top-left corner at (row, col). */
static void
assert_finder(const struct mfa_qr *qr, unsigned row, unsigned col)
{
	unsigned r, c;

	for (r = 0; r < 7; r++) {
		for (c = 0; c < 7; c++) {
			/* Dark ring, light ring, dark 3x3 centre. */
			bool ring1 = r == 1 || r == 5 || c == 1 || c == 5;
			bool inner = r >= 1 && r <= 5 && c >= 1 && c <= 5;

			assert_int_equal(module(qr, row + r, col + c), !(inner && ring1));
		}
	}
}

/*
 * The format information next to the top-left finder (ISO/IEC 18004
 * 7.9): 15 bits, masked with 0x5412, holding the error-correction level (2
 * bits), the mask (3) and a BCH(15,5) code; a valid BCH code shows the bits
 * were read from the right modules.  Returns the level bits (M = 00).
 */
static unsigned
format_ec_level(const struct mfa_qr *qr)
{
	unsigned bits = 0, i, v, rem;

	/* Bits 14..8 along row 8 from the left, 7..0 up column 8 (6 is timing). */
	for (i = 0; i <= 7; i++)
		if (i != 6)
			bits = bits << 1 | module(qr, 8, i);
	for (i = 9; i-- > 0;)
		if (i != 6)
			bits = bits << 1 | module(qr, i, 8);
	v = bits ^ 0x5412u;
	/* The remainder of the data bits * x^10 modulo the generator 0x537. */
	rem = (v >> 10) << 10;
	for (i = 15; i-- > 10;)
		if (rem & (1u << i))
			rem ^= 0x537u << (i - 10);
	assert_int_equal(rem, v & 0x3ffu);
	return v >> 13;
}

static void
test_symbol_finders_and_level_m(void **state)
{
	static const size_t lengths[] = {1, 100, 1000};
	struct mfa_qr *qr;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]) + 1; i++) {
		char *uri = i < sizeof(lengths) / sizeof(lengths[0]) ? uri_of_length(lengths[i])
								     : strdup(REAL_URI);

		assert_non_null(uri);
		qr = encode_ok(uri);
		assert_finder(qr, 0, 0);
		assert_finder(qr, 0, qr->width - 7);
		assert_finder(qr, qr->width - 7, 0);
		assert_int_equal(format_ec_level(qr), 0); /* M */
		mfa_qr_free(&qr);
		free(uri);
	}
}

/* ---- PNG ---- */

static void
test_png_realistic_uri_decodes(void **state)
{
	struct fixture *f = *state;
	struct mfa_qr *qr;
	char path[128];
	unsigned scale;

	qr = encode_ok(REAL_URI);
	for (scale = 2; scale <= 8; scale += 3) {
		path_in(f, "real.png", path, sizeof(path));
		write_png_file(qr, scale, path);
		assert_zbar_decodes(path, REAL_URI);
	}
	mfa_qr_free(&qr);
	assert_null(qr);
}

static void
test_png_several_lengths_decode(void **state)
{
	static const size_t lengths[] = {1, 17, 64, 150, 300, 600, 1200, MFA_QR_TEXT_MAX};
	struct fixture *f = *state;
	unsigned last_width = 0;
	char path[128];
	size_t i;
	int lower;

	for (lower = 0; lower <= 1; lower++) {
		last_width = 0;
		for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
			char *uri = make_uri(lengths[i], lower != 0);
			struct mfa_qr *qr = encode_ok(uri);

			/* More text never needs a smaller symbol. */
			assert_true(qr->width >= last_width);
			last_width = qr->width;
			path_in(f, "len.png", path, sizeof(path));
			write_png_file(qr, 3, path);
			assert_zbar_decodes(path, uri);
			mfa_qr_free(&qr);
			free(uri);
		}
		/* The longest 8-bit text fills version 40. */
		if (lower)
			assert_int_equal(last_width, MFA_QR_WIDTH_MAX);
	}
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pixel (x, y) of the 1-bit image: true when black. */
static bool
png_black(const uint8_t *raw, size_t rowlen, size_t x, size_t y)
{
	const uint8_t *row = raw + y * rowlen;

	assert_int_equal(row[0], 0); /* filter: none */
	return (row[1 + x / 8] & (0x80u >> (x % 8))) == 0;
}

/* Walk the chunks, check each CRC, and compare every pixel with the modules. */
static void
check_png_file(const char *path, const struct mfa_qr *qr, unsigned scale)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	const size_t px = (size_t)(qr->width + 2 * QZ) * scale, rowlen = 1 + (px + 7) / 8;
	uint8_t *file = NULL, *raw = NULL;
	size_t len = 0, off, x, y, nchunks = 0;
	bool seen_ihdr = false, seen_idat = false, seen_iend = false;
	uLongf rawlen;

	read_whole_file(path, &file, &len);
	assert_true(len > sizeof(sig));
	assert_memory_equal(file, sig, sizeof(sig));
	raw = malloc(rowlen * px);
	assert_non_null(raw);
	for (off = sizeof(sig); off < len; nchunks++) {
		uint32_t clen, crc;
		const uint8_t *type, *data;

		assert_true(len - off >= 12);
		clen = get_be32(file + off);
		assert_true(clen <= len - off - 12);
		type = file + off + 4;
		data = type + 4;
		crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), type, clen + 4);
		assert_int_equal(get_be32(data + clen), crc);
		assert_false(seen_iend); /* nothing after IEND */
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_int_equal(nchunks, 0);
			assert_int_equal(clen, 13);
			assert_int_equal(get_be32(data), px);
			assert_int_equal(get_be32(data + 4), px);
			assert_int_equal(data[8], 1);  /* bit depth */
			assert_int_equal(data[9], 0);  /* greyscale */
			assert_int_equal(data[10], 0); /* deflate */
			assert_int_equal(data[11], 0); /* filter method */
			assert_int_equal(data[12], 0); /* not interlaced */
			seen_ihdr = true;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			assert_true(seen_ihdr);
			assert_false(seen_idat);
			rawlen = (uLongf)(rowlen * px);
			assert_int_equal(uncompress(raw, &rawlen, data, clen), Z_OK);
			assert_int_equal(rawlen, rowlen * px);
			seen_idat = true;
		} else {
			assert_memory_equal(type, "IEND", 4);
			assert_int_equal(clen, 0);
			seen_iend = true;
		}
		off += 12 + clen;
	}
	assert_true(seen_idat && seen_iend);
	for (y = 0; y < px; y++) {
		for (x = 0; x < px; x++) {
			size_t mx = x / scale, my = y / scale;
			bool dark = mx >= QZ && my >= QZ && mx < QZ + qr->width &&
				    my < QZ + qr->width &&
				    qr->modules[(my - QZ) * qr->width + (mx - QZ)] != 0;

			if (png_black(raw, rowlen, x, y) != dark)
				fail_msg("scale %u: pixel (%zu,%zu) is %s", scale, x, y,
					 dark ? "white" : "black");
		}
	}
	free(raw);
	free(file);
}

static void
test_png_structure_crcs_and_pixels(void **state)
{
	static const unsigned scales[] = {MFA_QR_SCALE_MIN, 3, 7, 8, MFA_QR_SCALE_MAX};
	struct fixture *f = *state;
	struct mfa_qr *qr = encode_ok(REAL_URI);
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		path_in(f, "struct.png", path, sizeof(path));
		write_png_file(qr, scales[i], path);
		check_png_file(path, qr, scales[i]);
	}
	mfa_qr_free(&qr);
}

/* ---- PNG through a slow pipe, with a timer interrupting the writes ---- */

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void
test_png_short_writes_and_eintr(void **state)
{
	struct fixture *f = *state;
	struct sigaction sa, old_sa;
	struct itimerval tick = {{0, 200}, {0, 200}}, stop = {{0, 0}, {0, 0}};
	struct mfa_qr *qr;
	char *uri = uri_of_length(1500);
	char piped[128], direct[128];
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int pfd[2], status, r;
	pid_t pid;

	qr = encode_ok(uri);
	path_in(f, "piped.png", piped, sizeof(piped));
	path_in(f, "direct.png", direct, sizeof(direct));
	write_png_file(qr, MFA_QR_SCALE_MAX, direct);

	assert_int_equal(pipe(pfd), 0);
	/* The smallest pipe: every write of the PNG blocks part way. */
	(void)fcntl(pfd[1], F_SETPIPE_SZ, 4096);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A slow reader: 512 bytes at a time, into the file. */
		char buf[512];
		int out = open(piped, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ssize_t n;

		/* The parent's; released here so a leak checker sees this process clean. */
		mfa_qr_free(&qr);
		free(uri);
		close(pfd[1]);
		if (out < 0)
			_exit(1);
		while ((n = read(pfd[0], buf, sizeof(buf))) > 0) {
			if (write(out, buf, (size_t)n) != n)
				_exit(1);
			usleep(100);
		}
		_exit(n == 0 && close(out) == 0 ? 0 : 1);
	}
	close(pfd[0]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: write() returns short or fails with EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, &old_sa), 0);
	alarms = 0;
	assert_int_equal(setitimer(ITIMER_REAL, &tick, NULL), 0);
	r = mfa_qr_write_png(qr, MFA_QR_SCALE_MAX, pfd[1]);
	assert_int_equal(setitimer(ITIMER_REAL, &stop, NULL), 0);
	/* A tick still pending would kill the test under the old action: drop it first. */
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	assert_int_equal(sigaction(SIGALRM, &old_sa, NULL), 0);
	assert_int_equal(r, MFA_OK);
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The write was interrupted, and still every byte arrived. */
	assert_true(alarms > 0);
	read_whole_file(piped, &a, &alen);
	read_whole_file(direct, &b, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_zbar_decodes(piped, uri);
	free(a);
	free(b);
	free(uri);
	mfa_qr_free(&qr);
}

/* ---- Terminal ---- */

/*
 * Parse a terminal drawing back into a size x size grid (1 = dark): each
 * glyph inks its halves, ink is light (or with invert dark).  Checks the
 * line count and length on the way.
 */
static uint8_t *
parse_terminal(const char *text, size_t len, bool invert, unsigned size)
{
	static const struct {
		const char *utf8;
		bool top, bottom;
	} glyphs[] = {
		{" ", false, false},
		{"\xe2\x96\x80", true, false},
		{"\xe2\x96\x84", false, true},
		{"\xe2\x96\x88", true, true},
	};
	const unsigned lines = (size + 1) / 2;
	uint8_t *grid = calloc((size_t)size * size, 1);
	unsigned line = 0, x = 0;
	size_t off = 0, g;

	assert_non_null(grid);
	assert_int_equal(strlen(text), len);
	while (off < len) {
		if (text[off] == '\n') {
			if (x != size)
				fail_msg("line %u has %u cells, not %u", line + 1, x, size);
			line++;
			x = 0;
			off++;
			continue;
		}
		for (g = 0; g < sizeof(glyphs) / sizeof(glyphs[0]); g++)
			if (strncmp(text + off, glyphs[g].utf8, strlen(glyphs[g].utf8)) == 0)
				break;
		if (g == sizeof(glyphs) / sizeof(glyphs[0]))
			fail_msg("line %u, cell %u: not a half block (byte 0x%02x)", line + 1,
				 x + 1, (unsigned char)text[off]);
		if (line >= lines || x >= size)
			fail_msg("cell beyond the drawing at line %u, cell %u", line + 1, x + 1);
		/* An inked half is light, or with invert dark. */
		grid[(size_t)(2 * line) * size + x] = glyphs[g].top == invert;
		if (2 * line + 1 < size)
			grid[(size_t)(2 * line + 1) * size + x] = glyphs[g].bottom == invert;
		else if (glyphs[g].bottom == invert)
			fail_msg("the missing last row is not light at cell %u", x + 1);
		off += strlen(glyphs[g].utf8);
		x++;
	}
	assert_int_equal(x, 0); /* the last line ends in "\n" */
	assert_int_equal(line, lines);
	return grid;
}

/* Write the grid as a binary PGM, 4 pixels per module. */
static void
write_pgm(const char *path, const uint8_t *grid, unsigned size)
{
	const unsigned s = 4, px = size * s;
	FILE *fp = fopen(path, "wb");
	unsigned x, y;

	assert_non_null(fp);
	fprintf(fp, "P5\n%u %u\n255\n", px, px);
	for (y = 0; y < px; y++)
		for (x = 0; x < px; x++)
			fputc(grid[(size_t)(y / s) * size + x / s] ? 0 : 255, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
check_terminal(const struct fixture *f, const char *uri, bool invert)
{
	struct mfa_qr *qr = encode_ok(uri);
	const unsigned size = qr->width + 2 * QZ;
	char *text = NULL, path[128];
	size_t len = 0, i;
	uint8_t *grid;
	unsigned x, y;

	assert_int_equal(mfa_qr_render_terminal(qr, invert, &text, &len), MFA_OK);
	assert_non_null(text);
	/* The first line is quiet zone only: full blocks, or spaces when inverted. */
	for (i = 0; i < size; i++)
		assert_memory_equal(text + (invert ? i : 3 * i), invert ? " " : "\xe2\x96\x88",
				    invert ? 1 : 3);
	grid = parse_terminal(text, len, invert, size);
	for (y = 0; y < size; y++) {
		for (x = 0; x < size; x++) {
			bool quiet = x < QZ || y < QZ || x >= size - QZ || y >= size - QZ;
			uint8_t want =
				quiet ? 0 : qr->modules[(size_t)(y - QZ) * qr->width + (x - QZ)];

			if (grid[(size_t)y * size + x] != want)
				fail_msg("invert=%d: module (%u,%u) drawn %s", invert, x, y,
					 want ? "light" : "dark");
		}
	}
	path_in(f, invert ? "term-inv.pgm" : "term.pgm", path, sizeof(path));
	write_pgm(path, grid, size);
	assert_zbar_decodes(path, uri);
	free(grid);
	mfa_free_string(text);
	mfa_qr_free(&qr);
}

static void
test_terminal_parses_back_and_decodes(void **state)
{
	static const size_t lengths[] = {20, 300};
	struct fixture *f = *state;
	size_t i;
	int invert;

	for (invert = 0; invert <= 1; invert++) {
		check_terminal(f, REAL_URI, invert != 0);
		for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
			char *uri = uri_of_length(lengths[i]);

			check_terminal(f, uri, invert != 0);
			free(uri);
		}
	}
}

/* The halves a glyph inks: bit 1 top, bit 0 bottom; -1 for anything else. */
static int
glyph_mask(const char **pp)
{
	const char *p = *pp;

	if (*p == ' ') {
		*pp = p + 1;
		return 0;
	}
	if (strncmp(p, "\xe2\x96", 2) != 0)
		return -1;
	*pp = p + 3;
	switch ((unsigned char)p[2]) {
	case 0x80:
		return 2;
	case 0x84:
		return 1;
	case 0x88:
		return 3;
	default:
		return -1;
	}
}

static void
test_terminal_line_count_and_invert(void **state)
{
	struct mfa_qr *qr = encode_ok(REAL_URI);
	const unsigned size = qr->width + 2 * QZ;
	char *a = NULL, *b = NULL;
	const char *pa, *pb;
	size_t alen = 0, lines = 0, cells = 0;

	(void)state;
	assert_int_equal(mfa_qr_render_terminal(qr, false, &a, &alen), MFA_OK);
	assert_int_equal(mfa_qr_render_terminal(qr, true, &b, NULL), MFA_OK);
	assert_int_equal(strlen(a), alen);
	assert_int_equal(a[alen - 1], '\n');
	/* invert inks exactly the other halves of every cell, the missing row too. */
	for (pa = a, pb = b; *pa != '\0' || *pb != '\0';) {
		int ma, mb;

		if (*pa == '\n' || *pb == '\n') {
			assert_int_equal(*pa, *pb);
			assert_int_equal(cells, size);
			cells = 0;
			lines++;
			pa++;
			pb++;
			continue;
		}
		ma = glyph_mask(&pa);
		mb = glyph_mask(&pb);
		assert_true(ma >= 0 && mb >= 0);
		assert_int_equal(ma ^ 3, mb);
		cells++;
	}
	assert_int_equal(lines, (qr->width + 2 * QZ + 1) / 2);
	mfa_freezero(a, alen);
	mfa_free_string(b);
	mfa_qr_free(&qr);
}

/* ---- SVG ---- */

/* The unsigned number after `key` in text, e.g. key "viewBox=\"0 0 ". */
static unsigned
svg_number_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	char *end;
	unsigned long v;

	if (p == NULL)
		fail_msg("SVG lacks %s", key);
	v = strtoul(p + strlen(key), &end, 10);
	assert_true(end != p + strlen(key));
	return (unsigned)v;
}

static size_t
count_substr(const char *text, const char *needle)
{
	size_t n = 0;

	for (; (text = strstr(text, needle)) != NULL; text += strlen(needle))
		n++;
	return n;
}

/* Parse the path's "Mx yhNv1h-Nz" runs into a grid and compare with the symbol. */
static void
check_svg_path(const char *svg, const struct mfa_qr *qr, unsigned size)
{
	const char *d = strstr(svg, " d=\"");
	uint8_t *grid = calloc((size_t)size * size, 1);
	unsigned x, y, run, run2, i, runs = 0;
	int used;

	assert_non_null(d);
	assert_non_null(grid);
	d += 4;
	while (*d != '"') {
		if (sscanf(d, "M%u %uh%uv1h-%uz%n", &x, &y, &run, &run2, &used) != 4)
			fail_msg("unexpected path data at \"%.20s\"", d);
		assert_int_equal(run, run2);
		assert_true(run > 0 && x + run <= size && y < size);
		for (i = 0; i < run; i++) {
			assert_int_equal(grid[(size_t)y * size + x + i], 0); /* no overlap */
			grid[(size_t)y * size + x + i] = 1;
		}
		d += used;
		runs++;
	}
	assert_true(runs > 0);
	for (y = 0; y < size; y++) {
		for (x = 0; x < size; x++) {
			bool quiet = x < QZ || y < QZ || x >= size - QZ || y >= size - QZ;
			uint8_t want =
				quiet ? 0 : qr->modules[(size_t)(y - QZ) * qr->width + (x - QZ)];

			if (grid[(size_t)y * size + x] != want)
				fail_msg("SVG module (%u,%u) is %s", x, y, want ? "light" : "dark");
		}
	}
	free(grid);
}

static void
check_svg(const struct fixture *f, const char *uri)
{
	struct mfa_qr *qr = encode_ok(uri);
	const unsigned size = qr->width + 2 * QZ;
	char path[128], png[128], width[32], key[64];
	char *argv[] = {"rsvg-convert", "-w", width, "-o", png, path, NULL};
	char errpath[160];
	uint8_t *svg = NULL;
	size_t len = 0;
	int fd;

	path_in(f, "code.svg", path, sizeof(path));
	path_in(f, "svg.png", png, sizeof(png));
	fd = create_file(path);
	assert_int_equal(mfa_qr_write_svg(qr, fd), MFA_OK);
	assert_int_equal(close(fd), 0);
	read_whole_file(path, &svg, &len);

	assert_memory_equal(svg, "<?xml ", 6);
	assert_int_equal(count_substr((char *)svg, "<svg "), 1);
	assert_int_equal(count_substr((char *)svg, "</svg>"), 1);
	assert_non_null(strstr((char *)svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr((char *)svg, "shape-rendering=\"crispEdges\""));
	/* viewBox "0 0 N N", N = width + 8. */
	snprintf(key, sizeof(key), "viewBox=\"0 0 %u ", size);
	assert_int_equal(svg_number_after((char *)svg, key), size);
	/* One white background over the whole viewBox, one black path. */
	assert_int_equal(count_substr((char *)svg, "<rect"), 1);
	assert_non_null(strstr((char *)svg, "fill=\"#ffffff\""));
	assert_int_equal(svg_number_after((char *)svg, "<rect x=\"0\" y=\"0\" width=\""), size);
	assert_int_equal(count_substr((char *)svg, "<path"), 1);
	assert_non_null(strstr((char *)svg, "<path fill=\"#000000\""));
	check_svg_path((char *)svg, qr, size);

	require_program("rsvg-convert", "librsvg2-bin");
	snprintf(width, sizeof(width), "%u", size * 4);
	path_in(f, "rsvg.stderr", errpath, sizeof(errpath));
	free(run_tool(argv, errpath));
	assert_zbar_decodes(png, uri);
	free(svg);
	mfa_qr_free(&qr);
}

static void
test_svg_parses_back_and_decodes(void **state)
{
	struct fixture *f = *state;
	char *uri = uri_of_length(700);

	check_svg(f, REAL_URI);
	check_svg(f, uri);
	free(uri);
}

/* ---- Bad input ---- */

static void
test_encode_bad_input(void **state)
{
	struct mfa_qr *qr = (struct mfa_qr *)&qr; /* not NULL: must be reset */
	char *big;

	(void)state;
	assert_int_equal(mfa_qr_encode(NULL, &qr), MFA_ERR_INVALID_ARG);
	assert_null(qr);
	assert_int_equal(mfa_qr_encode("", &qr), MFA_ERR_INVALID_ARG);
	assert_null(qr);
	assert_int_equal(mfa_qr_encode("otpauth://totp/x", NULL), MFA_ERR_INVALID_ARG);

	/* One byte over what version 40-M holds, and far over. */
	big = uri_of_length(MFA_QR_TEXT_MAX + 1);
	assert_int_equal(mfa_qr_encode(big, &qr), MFA_ERR_TOO_LARGE);
	assert_null(qr);
	free(big);
	big = uri_of_length(MFA_OTPAUTH_URI_MAX);
	assert_int_equal(mfa_qr_encode(big, &qr), MFA_ERR_TOO_LARGE);
	assert_null(qr);
	free(big);
	big = make_uri(MFA_QR_TEXT_MAX + 1, true);
	assert_int_equal(mfa_qr_encode(big, &qr), MFA_ERR_TOO_LARGE);
	assert_null(qr);
	free(big);
	/* Exactly the limit fits, in version 40 (the lengths test scans it). */
	big = make_uri(MFA_QR_TEXT_MAX, true);
	assert_int_equal(mfa_qr_encode(big, &qr), MFA_OK);
	assert_int_equal(qr->width, MFA_QR_WIDTH_MAX);
	mfa_qr_free(&qr);
	free(big);

	/* Freeing accepts NULL and a NULL pointer. */
	mfa_qr_free(NULL);
	mfa_qr_free(&qr);
	assert_null(qr);
}

static void
test_render_bad_input(void **state)
{
	struct fixture *f = *state;
	struct mfa_qr *qr = encode_ok(REAL_URI);
	struct mfa_qr bogus = {0, qr->modules};
	struct mfa_qr huge = {MFA_QR_WIDTH_MAX + 1, qr->modules};
	struct mfa_qr nomod = {21, NULL};
	const struct mfa_qr *bad[] = {NULL, &bogus, &huge, &nomod};
	char *text = (char *)"sentinel", path[128];
	size_t len = 99, i;
	int fd, fds[2];

	path_in(f, "bad.out", path, sizeof(path));
	fd = create_file(path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(mfa_qr_render_terminal(bad[i], false, &text, &len),
				 MFA_ERR_INVALID_ARG);
		assert_null(text);
		assert_int_equal(len, 0);
		assert_int_equal(mfa_qr_write_png(bad[i], 4, fd), MFA_ERR_INVALID_ARG);
		assert_int_equal(mfa_qr_write_svg(bad[i], fd), MFA_ERR_INVALID_ARG);
	}
	assert_int_equal(mfa_qr_render_terminal(qr, false, NULL, &len), MFA_ERR_INVALID_ARG);

	/* Scale 1..32. */
	assert_int_equal(mfa_qr_write_png(qr, 0, fd), MFA_ERR_RANGE);
	assert_int_equal(mfa_qr_write_png(qr, MFA_QR_SCALE_MAX + 1, fd), MFA_ERR_RANGE);
	assert_int_equal(mfa_qr_write_png(qr, 1000000, fd), MFA_ERR_RANGE);
	/* Nothing was written by the refused calls. */
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);

	/* A bad descriptor. */
	assert_int_equal(mfa_qr_write_png(qr, 4, -1), MFA_ERR_INVALID_ARG);
	assert_int_equal(mfa_qr_write_svg(qr, -1), MFA_ERR_INVALID_ARG);
	assert_int_equal(close(fd), 0);
	/* A closed descriptor, and a read-only one: MFA_ERR_IO with errno. */
	errno = 0;
	assert_int_equal(mfa_qr_write_png(qr, 4, fd), MFA_ERR_IO);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(mfa_qr_write_svg(qr, fd), MFA_ERR_IO);
	assert_int_equal(errno, EBADF);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(mfa_qr_write_png(qr, 4, fd), MFA_ERR_IO);
	assert_int_equal(mfa_qr_write_svg(qr, fd), MFA_ERR_IO);
	close(fd);
	/* A pipe whose reader is gone: EPIPE (SIGPIPE ignored for the test). */
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	assert_int_equal(mfa_qr_write_png(qr, 4, fds[1]), MFA_ERR_IO);
	assert_int_equal(errno, EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
	mfa_qr_free(&qr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbol_finders_and_level_m),
		cmocka_unit_test(test_png_realistic_uri_decodes),
		cmocka_unit_test(test_png_several_lengths_decode),
		cmocka_unit_test(test_png_structure_crcs_and_pixels),
		cmocka_unit_test(test_png_short_writes_and_eintr),
		cmocka_unit_test(test_terminal_parses_back_and_decodes),
		cmocka_unit_test(test_terminal_line_count_and_invert),
		cmocka_unit_test(test_svg_parses_back_and_decodes),
		cmocka_unit_test(test_encode_bad_input),
		cmocka_unit_test(test_render_bad_input),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
