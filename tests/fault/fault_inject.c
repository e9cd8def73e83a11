/*
 * fault_inject.c - deterministic failure of one library or system call,
 * linked into a test build of pam_mfacover.so with -Wl,--wrap=NAME for
 * every NAME below (tests/CMakeLists.txt).  Only the calls made by the
 * module's and libmfacover's own objects pass through here; what libpam,
 * OpenSSL or liboath do inside is not counted.
 *
 * MFACOVER_FAULT_AT=N makes the N-th wrapped call (counting from 1, in the
 * order the process makes them) fail the way the real call can fail: NULL
 * and ENOMEM for allocations, -1 and EIO (EMFILE for open) for system
 * calls, the library's error value for OpenSSL, liboath and libpam's
 * privilege switch.  Every other
 * call goes through.  When MFACOVER_FAULT_REPORT_FD names an open
 * descriptor, the failed call writes "N NAME\n" to it (a descriptor, not a
 * path: the module may have become the user by then).  A run that writes
 * nothing made fewer than N calls, so the caller knows it has tried every
 * call once.
 */
#include <errno.h>
#include <fcntl.h>
#include <liboath/oath.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <security/pam_modutil.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The real calls and their stand-ins, as -Wl,--wrap names them. */
int __real_pam_modutil_drop_priv(pam_handle_t *pamh, struct pam_modutil_privs *p,
				 const struct passwd *pw);
int __wrap_pam_modutil_drop_priv(pam_handle_t *pamh, struct pam_modutil_privs *p,
				 const struct passwd *pw);
int __real_pam_modutil_regain_priv(pam_handle_t *pamh, struct pam_modutil_privs *p);
int __wrap_pam_modutil_regain_priv(pam_handle_t *pamh, struct pam_modutil_privs *p);
void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void *__real_reallocarray(void *ptr, size_t n, size_t size);
void *__wrap_reallocarray(void *ptr, size_t n, size_t size);
char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
char *__wrap_strndup(const char *s, size_t n);
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);
ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_close(int fd);
int __wrap_close(int fd);
int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);
int __real_fstatat(int dirfd, const char *path, struct stat *st, int flags);
int __wrap_fstatat(int dirfd, const char *path, struct stat *st, int flags);
int __real_flock(int fd, int op);
int __wrap_flock(int fd, int op);
int __real_renameat(int olddir, const char *oldpath, int newdir, const char *newpath);
int __wrap_renameat(int olddir, const char *oldpath, int newdir, const char *newpath);
int __real_renameat2(int olddir, const char *oldpath, int newdir, const char *newpath,
		     unsigned flags);
int __wrap_renameat2(int olddir, const char *oldpath, int newdir, const char *newpath,
		     unsigned flags);
int __real_unlinkat(int dirfd, const char *path, int flags);
int __wrap_unlinkat(int dirfd, const char *path, int flags);
int __real_RAND_bytes(unsigned char *buf, int n);
int __wrap_RAND_bytes(unsigned char *buf, int n);
int __real_PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
			     int iter, const EVP_MD *md, int keylen, unsigned char *out);
int __wrap_PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
			     int iter, const EVP_MD *md, int keylen, unsigned char *out);
int __real_oath_hotp_generate(const char *secret, size_t secret_length, uint64_t moving_factor,
			      unsigned digits, bool add_checksum, size_t truncation_offset,
			      char *output_otp);
int __wrap_oath_hotp_generate(const char *secret, size_t secret_length, uint64_t moving_factor,
			      unsigned digits, bool add_checksum, size_t truncation_offset,
			      char *output_otp);
int __real_oath_totp_generate2(const char *secret, size_t secret_length, time_t now,
			       unsigned time_step_size, time_t start_offset, unsigned digits,
			       int flags, char *output_otp);
int __wrap_oath_totp_generate2(const char *secret, size_t secret_length, time_t now,
			       unsigned time_step_size, time_t start_offset, unsigned digits,
			       int flags, char *output_otp);

static long fault_at = -1; /* 0 or less: inject nothing */
static long fault_calls;
static bool fault_configured;

static void
fault_report(const char *name)
{
	const char *fdtext = getenv("MFACOVER_FAULT_REPORT_FD");
	char line[96], *end;
	long fd;
	int len;

	if (fdtext == NULL)
		return;
	errno = 0;
	fd = strtol(fdtext, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 0 || fd > 1024)
		abort();
	len = snprintf(line, sizeof(line), "%ld %s\n", fault_calls, name);
	if (len <= 0 || (size_t)len >= sizeof(line) ||
	    __real_write((int)fd, line, (size_t)len) != len)
		abort();
}

/* Count this call; true when it is the one to fail. */
static bool
fault_now(const char *name)
{
	if (!fault_configured) {
		const char *at = getenv("MFACOVER_FAULT_AT");
		char *end;

		fault_configured = true;
		if (at != NULL && *at != '\0') {
			errno = 0;
			fault_at = strtol(at, &end, 10);
			if (errno != 0 || *end != '\0')
				abort();
		}
	}
	if (++fault_calls != fault_at)
		return false;
	fault_report(name);
	return true;
}

#define FAIL_WITH(err, value)                                                                      \
	do {                                                                                       \
		errno = (err);                                                                     \
		return (value);                                                                    \
	} while (0)

void *
__wrap_malloc(size_t size)
{
	if (fault_now("malloc"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	if (fault_now("calloc"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_calloc(n, size);
}

void *
__wrap_realloc(void *ptr, size_t size)
{
	if (fault_now("realloc"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_realloc(ptr, size);
}

void *
__wrap_reallocarray(void *ptr, size_t n, size_t size)
{
	if (fault_now("reallocarray"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_reallocarray(ptr, n, size);
}

char *
__wrap_strdup(const char *s)
{
	if (fault_now("strdup"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	if (fault_now("strndup"))
		FAIL_WITH(ENOMEM, NULL);
	return __real_strndup(s, n);
}

/* open and openat take a mode only with O_CREAT or O_TMPFILE. */
static mode_t
fault_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

int
__wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = fault_mode(flags, ap);
	va_end(ap);
	if (fault_now("open"))
		FAIL_WITH(EMFILE, -1);
	return __real_open(path, flags, mode);
}

int
__wrap_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = fault_mode(flags, ap);
	va_end(ap);
	if (fault_now("openat"))
		FAIL_WITH(EMFILE, -1);
	return __real_openat(dirfd, path, flags, mode);
}

ssize_t
__wrap_read(int fd, void *buf, size_t n)
{
	if (fault_now("read"))
		FAIL_WITH(EIO, -1);
	return __real_read(fd, buf, n);
}

ssize_t
__wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	if (fault_now("pread"))
		FAIL_WITH(EIO, -1);
	return __real_pread(fd, buf, n, off);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	if (fault_now("write"))
		FAIL_WITH(ENOSPC, -1);
	return __real_write(fd, buf, n);
}

int
__wrap_fsync(int fd)
{
	if (fault_now("fsync"))
		FAIL_WITH(EIO, -1);
	return __real_fsync(fd);
}

int
__wrap_fdatasync(int fd)
{
	if (fault_now("fdatasync"))
		FAIL_WITH(EIO, -1);
	return __real_fdatasync(fd);
}

ssize_t
__wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (fault_now("pwrite"))
		FAIL_WITH(ENOSPC, -1);
	return __real_pwrite(fd, buf, n, off);
}

/* The descriptor is released even when close reports an error (Linux). */
int
__wrap_close(int fd)
{
	if (fault_now("close")) {
		(void)__real_close(fd);
		FAIL_WITH(EIO, -1);
	}
	return __real_close(fd);
}

int
__wrap_fstat(int fd, struct stat *st)
{
	if (fault_now("fstat"))
		FAIL_WITH(EIO, -1);
	return __real_fstat(fd, st);
}

int
__wrap_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	if (fault_now("fstatat"))
		FAIL_WITH(EIO, -1);
	return __real_fstatat(dirfd, path, st, flags);
}

int
__wrap_flock(int fd, int op)
{
	if (fault_now("flock"))
		FAIL_WITH(ENOLCK, -1);
	return __real_flock(fd, op);
}

int
__wrap_renameat(int olddir, const char *oldpath, int newdir, const char *newpath)
{
	if (fault_now("renameat"))
		FAIL_WITH(EIO, -1);
	return __real_renameat(olddir, oldpath, newdir, newpath);
}

int
__wrap_renameat2(int olddir, const char *oldpath, int newdir, const char *newpath, unsigned flags)
{
	if (fault_now("renameat2"))
		FAIL_WITH(EIO, -1);
	return __real_renameat2(olddir, oldpath, newdir, newpath, flags);
}

int
__wrap_unlinkat(int dirfd, const char *path, int flags)
{
	if (fault_now("unlinkat"))
		FAIL_WITH(EIO, -1);
	return __real_unlinkat(dirfd, path, flags);
}

int
__wrap_RAND_bytes(unsigned char *buf, int n)
{
	if (fault_now("RAND_bytes"))
		return 0;
	return __real_RAND_bytes(buf, n);
}

int
__wrap_PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
			 int iter, const EVP_MD *md, int keylen, unsigned char *out)
{
	if (fault_now("PKCS5_PBKDF2_HMAC"))
		return 0;
	return __real_PKCS5_PBKDF2_HMAC(pass, passlen, salt, saltlen, iter, md, keylen, out);
}

int
__wrap_oath_hotp_generate(const char *secret, size_t secret_length, uint64_t moving_factor,
			  unsigned digits, bool add_checksum, size_t truncation_offset,
			  char *output_otp)
{
	if (fault_now("oath_hotp_generate"))
		return OATH_CRYPTO_ERROR;
	return __real_oath_hotp_generate(secret, secret_length, moving_factor, digits, add_checksum,
					 truncation_offset, output_otp);
}

int
__wrap_oath_totp_generate2(const char *secret, size_t secret_length, time_t now,
			   unsigned time_step_size, time_t start_offset, unsigned digits, int flags,
			   char *output_otp)
{
	if (fault_now("oath_totp_generate2"))
		return OATH_CRYPTO_ERROR;
	return __real_oath_totp_generate2(secret, secret_length, now, time_step_size, start_offset,
					  digits, flags, output_otp);
}

/* libpam's own answer when setegid, setgroups or seteuid fails. */
int
__wrap_pam_modutil_drop_priv(pam_handle_t *pamh, struct pam_modutil_privs *p,
			     const struct passwd *pw)
{
	if (fault_now("pam_modutil_drop_priv"))
		return PAM_SESSION_ERR;
	return __real_pam_modutil_drop_priv(pamh, p, pw);
}

/* A failed regain leaves the process as the user, as a real failure would. */
int
__wrap_pam_modutil_regain_priv(pam_handle_t *pamh, struct pam_modutil_privs *p)
{
	if (fault_now("pam_modutil_regain_priv"))
		return PAM_SESSION_ERR;
	return __real_pam_modutil_regain_priv(pamh, p);
}
