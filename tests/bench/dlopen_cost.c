/*
 * dlopen_cost.c - what loading a PAM module costs each login.
 *
 *   dlopen_cost N MODULE.so...
 *
 * libpam loads every module of a stack with dlopen(RTLD_NOW) at pam_start
 * and unloads it at pam_end, and sshd, sudo and su run one PAM transaction
 * per process: each login pays for loading the module and every library it
 * needs that the process has not loaded already.  This program has libcrypto
 * and libpam loaded, as sshd has, and for each MODULE times N rounds of
 * dlopen(RTLD_NOW | RTLD_LOCAL) + dlclose, three times over (the first pass
 * warms the page cache), printing microseconds per round.  It asserts
 * nothing; docs/benchmarks.md records what it printed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/crypto.h>
#include <security/pam_appl.h>

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	long n;
	int pass, a;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: dlopen_cost N MODULE.so...\n");
		return 64;
	}
	/* What sshd has loaded before PAM loads a module. */
	(void)OpenSSL_version(OPENSSL_VERSION);
	(void)pam_strerror(NULL, PAM_SUCCESS);
	for (pass = 1; pass <= 3; pass++) {
		for (a = 2; a < argc; a++) {
			double t0 = seconds();
			long i;

			for (i = 0; i < n; i++) {
				void *h = dlopen(argv[a], RTLD_NOW | RTLD_LOCAL);

				if (h == NULL) {
					fprintf(stderr, "dlopen_cost: %s\n", dlerror());
					return 1;
				}
				dlclose(h);
			}
			printf("pass %d  %8.1f us  %s\n", pass, (seconds() - t0) / (double)n * 1e6,
			       argv[a]);
		}
	}
	return 0;
}
