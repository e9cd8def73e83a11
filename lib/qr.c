/*
 * qr.c - encode text as a QR code (libqrencode) and draw it for a terminal,
 * as a PNG (zlib) or as an SVG.
 */
#include "qr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qrencode.h>
#include <zlib.h>

#include "mfa_mem.h"

#define QUIET MFA_QR_QUIET_ZONE

/* The half-block glyphs, UTF-8 encoded. */
static const char glyph_none[] = " ";
static const char glyph_upper[] = "\xe2\x96\x80"; /* U+2580 UPPER HALF BLOCK */
static const char glyph_lower[] = "\xe2\x96\x84"; /* U+2584 LOWER HALF BLOCK */
static const char glyph_full[] = "\xe2\x96\x88";  /* U+2588 FULL BLOCK */
#define GLYPH_MAX_BYTES 3

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/* 12 bytes of chunk framing: length, type, CRC. */
#define PNG_CHUNK_OVERHEAD 12
#define PNG_IHDR_LEN 13

static bool
qr_valid(const struct mfa_qr *qr)
{
	return qr != NULL && qr->modules != NULL && qr->width > 0 && qr->width <= MFA_QR_WIDTH_MAX;
}

/* Modules per side with the quiet zone. */
static unsigned
qr_size(const struct mfa_qr *qr)
{
	return qr->width + 2 * QUIET;
}

/*
 * true when the module at (x, y) of the drawing (quiet zone included) is
 * dark.  Coordinates outside the symbol, the quiet zone and beyond, are
 * light.
 */
static bool
qr_dark(const struct mfa_qr *qr, unsigned x, unsigned y)
{
	if (x < QUIET || y < QUIET)
		return false;
	x -= QUIET;
	y -= QUIET;
	if (x >= qr->width || y >= qr->width)
		return false;
	return qr->modules[(size_t)y * qr->width + x] != 0;
}

int
mfa_qr_encode(const char *text, struct mfa_qr **qrp)
{
	struct mfa_qr *qr = NULL;
	QRcode *code = NULL;
	size_t len, n, i;
	int r = MFA_ERR_INTERNAL;

	if (qrp != NULL)
		*qrp = NULL;
	if (text == NULL || qrp == NULL)
		return MFA_ERR_INVALID_ARG;
	len = strnlen(text, MFA_QR_TEXT_MAX + 1);
	if (len == 0)
		return MFA_ERR_INVALID_ARG;
	if (len > MFA_QR_TEXT_MAX)
		return MFA_ERR_TOO_LARGE;

	/* Version 0: the smallest that holds the text. */
	errno = 0;
	if ((code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL) {
		if (errno == ERANGE)
			r = MFA_ERR_TOO_LARGE;
		else if (errno == ENOMEM)
			r = MFA_ERR_NOMEM;
		else if (errno == EINVAL)
			r = MFA_ERR_INVALID_ARG;
		goto out;
	}
	if (code->width <= 0 || code->width > MFA_QR_WIDTH_MAX || code->data == NULL)
		goto out; /* MFA_ERR_INTERNAL */
	n = (size_t)code->width * (size_t)code->width;

	if ((qr = calloc(1, sizeof(*qr))) == NULL || (qr->modules = malloc(n)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	qr->width = (unsigned)code->width;
	/* Bit 0 of each of libqrencode's bytes: 1 = dark. */
	for (i = 0; i < n; i++)
		qr->modules[i] = (uint8_t)(code->data[i] & 1u);

	*qrp = qr;
	qr = NULL;
	r = MFA_OK;
out:
	if (code != NULL) {
		if (code->data != NULL && code->width > 0)
			mfa_wipe(code->data, (size_t)code->width * (size_t)code->width);
		QRcode_free(code);
	}
	mfa_qr_free(&qr);
	return r;
}

void
mfa_qr_free(struct mfa_qr **qrp)
{
	struct mfa_qr *qr;

	if (qrp == NULL || (qr = *qrp) == NULL)
		return;
	if (qr->modules != NULL)
		mfa_freezero(qr->modules, (size_t)qr->width * (size_t)qr->width);
	mfa_freezero(qr, sizeof(*qr));
	*qrp = NULL;
}

int
mfa_qr_render_terminal(const struct mfa_qr *qr, bool invert, char **outp, size_t *lenp)
{
	char *out = NULL;
	size_t cap, len = 0;
	unsigned size, lines, line, x;
	int r = MFA_ERR_INTERNAL;

	if (outp != NULL)
		*outp = NULL;
	if (lenp != NULL)
		*lenp = 0;
	if (!qr_valid(qr) || outp == NULL)
		return MFA_ERR_INVALID_ARG;

	size = qr_size(qr);
	lines = (size + 1) / 2;
	/* At most 3 bytes a cell, a newline a line, and the NUL: < 200 KiB. */
	cap = (size_t)lines * ((size_t)size * GLYPH_MAX_BYTES + 1) + 1;
	if ((out = malloc(cap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	for (line = 0; line < lines; line++) {
		for (x = 0; x < size; x++) {
			/* Ink: the light modules, or with invert the dark ones. */
			bool top = qr_dark(qr, x, 2 * line) == invert;
			bool bottom = qr_dark(qr, x, 2 * line + 1) == invert;
			const char *g;
			size_t glen;

			/* qr_dark() makes a missing last row light, like the quiet zone. */
			if (top && bottom)
				g = glyph_full;
			else if (top)
				g = glyph_upper;
			else if (bottom)
				g = glyph_lower;
			else
				g = glyph_none;
			glen = strlen(g);
			if (cap - len < glen + 2)
				goto out; /* MFA_ERR_INTERNAL: cap is wrong */
			memcpy(out + len, g, glen);
			len += glen;
		}
		out[len++] = '\n';
	}
	out[len] = '\0';

	*outp = out;
	out = NULL;
	if (lenp != NULL)
		*lenp = len;
	r = MFA_OK;
out:
	mfa_freezero(out, cap);
	return r;
}

/* Write all len bytes, through short writes and EINTR. */
static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return MFA_ERR_IO;
		}
		if (n == 0) {
			errno = EIO;
			return MFA_ERR_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return MFA_OK;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Frame a chunk at p: length, type, the len data bytes already at
 * p + 8, CRC.  Returns the chunk's total size.  len < 2^31 and fits a uInt.
 */
static size_t
png_chunk(uint8_t *p, const char type[4], size_t len)
{
	uLong crc;

	put_be32(p, (uint32_t)len);
	memcpy(p + 4, type, 4);
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, p + 4, (uInt)(len + 4));
	put_be32(p + 8 + len, (uint32_t)crc);
	return len + PNG_CHUNK_OVERHEAD;
}

/*
 * The image's rows, each a filter byte (0, none) and 1-bit pixels, most
 * significant bit first: 0 black (dark), 1 white (light).
 */
static int
png_raw_image(const struct mfa_qr *qr, unsigned scale, uint8_t **rawp, size_t *rawlenp)
{
	uint8_t *raw = NULL, *row;
	size_t rowlen, rawlen, px, y;
	unsigned size = qr_size(qr), my, mx, s;

	*rawp = NULL;
	*rawlenp = 0;
	px = (size_t)size * scale; /* at most 185 * 32 = 5920 */
	rowlen = 1 + (px + 7) / 8;
	rawlen = rowlen * px;
	if ((raw = malloc(rawlen)) == NULL)
		return MFA_ERR_NOMEM;
	for (my = 0; my < size; my++) {
		row = raw + (size_t)my * scale * rowlen;
		/* White, then clear the bits of dark modules; padding bits stay set. */
		memset(row, 0xff, rowlen);
		row[0] = 0;
		for (mx = 0; mx < size; mx++) {
			if (!qr_dark(qr, mx, my))
				continue;
			for (s = 0; s < scale; s++) {
				size_t x = (size_t)mx * scale + s;

				row[1 + x / 8] &= (uint8_t) ~(0x80u >> (x % 8));
			}
		}
		for (y = 1; y < scale; y++)
			memcpy(row + y * rowlen, row, rowlen);
	}
	*rawp = raw;
	*rawlenp = rawlen;
	return MFA_OK;
}

int
mfa_qr_write_png(const struct mfa_qr *qr, unsigned scale, int fd)
{
	uint8_t *raw = NULL, *file = NULL, *p;
	size_t rawlen = 0, filecap = 0, filelen = 0, px;
	uLongf zlen;
	int r = MFA_ERR_INTERNAL, saved_errno = 0;

	if (!qr_valid(qr) || fd < 0)
		return MFA_ERR_INVALID_ARG;
	if (scale < MFA_QR_SCALE_MIN || scale > MFA_QR_SCALE_MAX)
		return MFA_ERR_RANGE;

	if ((r = png_raw_image(qr, scale, &raw, &rawlen)) != MFA_OK)
		goto out;
	/* At most 5920 * 741 bytes raw: every length below fits a uInt. */
	zlen = compressBound((uLong)rawlen);
	if (zlen > INT32_MAX - 1024) {
		r = MFA_ERR_INTERNAL;
		goto out;
	}
	filecap = sizeof(png_signature) + PNG_CHUNK_OVERHEAD + PNG_IHDR_LEN + PNG_CHUNK_OVERHEAD +
		  (size_t)zlen + PNG_CHUNK_OVERHEAD;
	if ((file = malloc(filecap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	p = file;
	memcpy(p, png_signature, sizeof(png_signature));
	p += sizeof(png_signature);

	px = (size_t)qr_size(qr) * scale;
	put_be32(p + 8, (uint32_t)px);  /* width */
	put_be32(p + 12, (uint32_t)px); /* height */
	p[16] = 1;                      /* bit depth */
	p[17] = 0;                      /* colour type: greyscale */
	p[18] = 0;                      /* compression: deflate */
	p[19] = 0;                      /* filter method 0 */
	p[20] = 0;                      /* no interlace */
	p += png_chunk(p, "IHDR", PNG_IHDR_LEN);

	if (compress2(p + 8, &zlen, raw, (uLong)rawlen, Z_BEST_COMPRESSION) != Z_OK) {
		r = MFA_ERR_NOMEM; /* Z_MEM_ERROR; the buffer is big enough by design */
		goto out;
	}
	p += png_chunk(p, "IDAT", (size_t)zlen);
	p += png_chunk(p, "IEND", 0);
	filelen = (size_t)(p - file);

	if ((r = write_all(fd, file, filelen)) != MFA_OK)
		saved_errno = errno;
out:
	mfa_freezero(raw, rawlen);
	mfa_freezero(file, filecap);
	if (saved_errno != 0)
		errno = saved_errno;
	return r;
}

/* Append with a fixed format; a too-small buffer is a bug in its sizing. */
#define SVG_APPEND(buf, cap, len, ...)                                                             \
	do {                                                                                       \
		int n_ = snprintf((buf) + (len), (cap) - (len), __VA_ARGS__);                      \
		if (n_ < 0 || (size_t)n_ >= (cap) - (len)) {                                       \
			r = MFA_ERR_INTERNAL;                                                      \
			goto out;                                                                  \
		}                                                                                  \
		(len) += (size_t)n_;                                                               \
	} while (0)

/* Bytes of one run, "M185 185h185v1h-185z", with room to spare. */
#define SVG_RUN_MAX 24
#define SVG_FRAME_MAX 1024

int
mfa_qr_write_svg(const struct mfa_qr *qr, int fd)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	unsigned size, x, y, run;
	int r = MFA_ERR_INTERNAL, saved_errno = 0;

	if (!qr_valid(qr) || fd < 0)
		return MFA_ERR_INVALID_ARG;

	size = qr_size(qr);
	/* A row of W modules has at most (W + 1) / 2 runs of dark ones. */
	cap = SVG_FRAME_MAX + (size_t)qr->width * ((qr->width + 1) / 2) * SVG_RUN_MAX;
	if ((buf = malloc(cap)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	SVG_APPEND(buf, cap, len,
		   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		   "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		   "shape-rendering=\"crispEdges\">\n"
		   "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n"
		   "<path fill=\"#000000\" d=\"",
		   size * 4, size * 4, size, size, size, size);
	for (y = 0; y < size; y++) {
		for (x = 0; x < size; x += run) {
			run = 1;
			if (!qr_dark(qr, x, y))
				continue;
			while (x + run < size && qr_dark(qr, x + run, y))
				run++;
			SVG_APPEND(buf, cap, len, "M%u %uh%uv1h-%uz", x, y, run, run);
		}
	}
	SVG_APPEND(buf, cap, len, "\"/>\n</svg>\n");

	if ((r = write_all(fd, (const uint8_t *)buf, len)) != MFA_OK)
		saved_errno = errno;
out:
	mfa_freezero(buf, cap);
	if (saved_errno != 0)
		errno = saved_errno;
	return r;
}
