/*
 * qr.h - an otpauth:// URI as a QR code, drawn for a terminal, a PNG or an
 * SVG file.
 *
 * The symbol is encoded by libqrencode at error-correction level M, in
 * 8-bit (case-sensitive) mode with the smallest version that holds the text.
 * Every drawing adds the 4-module light quiet zone ISO/IEC 18004 asks for
 * on each side, so a drawing of a width-W symbol is W + 8 modules square.
 *
 * The text of an otpauth URI carries the seed, and so does every drawing of
 * it: the module grid and every buffer that holds a rendering are wiped
 * before they are freed.  (libqrencode's own intermediate buffers are freed
 * without wiping; that cannot be changed from outside the library.)
 */
#ifndef MFA_QR_H
#define MFA_QR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mfa_err.h"

/* Light modules drawn around the symbol on every side. */
#define MFA_QR_QUIET_ZONE 4

/* Bytes a version-40 symbol holds at level M in 8-bit mode. */
#define MFA_QR_TEXT_MAX 2331

/* Modules per side of the largest symbol (version 40). */
#define MFA_QR_WIDTH_MAX 177

/* Pixels per module accepted by mfa_qr_write_png. */
#define MFA_QR_SCALE_MIN 1
#define MFA_QR_SCALE_MAX 32

struct mfa_qr {
	unsigned width;   /* modules per side, quiet zone not included */
	uint8_t *modules; /* width * width, row by row; 1 = dark, 0 = light */
};

/*
 * Encode the NUL-terminated text.  On success *qrp is a new symbol that the
 * caller releases with mfa_qr_free().  NULL text or qrp, or an empty text:
 * MFA_ERR_INVALID_ARG.  A text longer than MFA_QR_TEXT_MAX bytes, or one
 * that no version holds at level M: MFA_ERR_TOO_LARGE.
 */
int mfa_qr_encode(const char *text, struct mfa_qr **qrp);

/* Wipe and free *qrp and set it to NULL.  Accepts NULL and *qrp == NULL. */
void mfa_qr_free(struct mfa_qr **qrp);

/*
 * Draw the symbol with UTF-8 half blocks, two module rows per line of text:
 * each character cell is split into a top and a bottom half, and the glyph
 * inks the halves whose module is drawn in ink:
 *
 *   ' ' neither     U+2580 '▀' top     U+2584 '▄' bottom     U+2588 '█' both
 *
 * invert == false: ink is the LIGHT modules and a space is dark.  This is
 * for the usual terminal, light text on a dark background: the symbol then
 * shows dark on light, as scanners expect, and the quiet zone is drawn as a
 * frame of full blocks.  (qrencode -t UTF8 makes the same choice.)
 * invert == true: ink is the DARK modules and a space is light, for dark
 * text on a light background (or text pasted into a document); the quiet
 * zone is then spaces and relies on that background.
 *
 * A drawing of a width-W symbol has (W + 8 + 1) / 2 lines of W + 8
 * characters, each line ending in "\n"; when W + 8 is odd the bottom half
 * of the last line is light.  *outp is NUL-terminated, *lenp (may be NULL)
 * its length in bytes.  It draws the seed: release it with
 * mfa_free_string().
 */
int mfa_qr_render_terminal(const struct mfa_qr *qr, bool invert, char **outp, size_t *lenp);

/*
 * Write the symbol to fd as a PNG image: 1-bit greyscale (black dark
 * modules on white), quiet zone included, scale x scale pixels per module
 * (MFA_QR_SCALE_MIN..MFA_QR_SCALE_MAX, else MFA_ERR_RANGE), so
 * (width + 8) * scale pixels square.  The caller opens fd (safely) and
 * closes it; all bytes are written, through short writes and EINTR.  A
 * failed write returns MFA_ERR_IO with errno set, and leaves a partial file.
 */
int mfa_qr_write_png(const struct mfa_qr *qr, unsigned scale, int fd);

/*
 * Write the symbol to fd as a self-contained SVG 1.1 document: a white
 * background rectangle and one black path made of one rectangle per
 * horizontal run of dark modules, in a viewBox of "0 0 N N" with
 * N = width + 8 (one user unit per module, quiet zone included),
 * shape-rendering="crispEdges", and a default size of 4 px per module
 * that viewers may scale.  Writes as mfa_qr_write_png does.
 */
int mfa_qr_write_svg(const struct mfa_qr *qr, int fd);

#endif /* MFA_QR_H */
