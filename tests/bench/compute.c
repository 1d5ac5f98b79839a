/* The compute-bound benchmark guest: a sieve, a quicksort and a hash loop, with a checksum so
 * every emulator must really do the work. Prints the checksum; exits through the finisher. */
#include "bare.h"

#define SIEVE_N	    2000000
#define SORT_N	    200000
#define HASH_ROUNDS 3000000

static uint8_t composite[SIEVE_N + 1];
static uint32_t values[SORT_N];

static uint32_t sieve(void)
{
	uint32_t primes = 0;
	for (uint32_t i = 2; i <= SIEVE_N; i++) {
		if (composite[i])
			continue;
		primes++;
		for (uint64_t j = (uint64_t)i * i; j <= SIEVE_N; j += i)
			composite[j] = 1;
	}
	return primes;
}

static void quicksort(uint32_t *a, long lo, long hi)
{
	while (lo < hi) {
		uint32_t pivot = a[(lo + hi) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

static uint64_t sort_check(void)
{
	uint32_t x = 2463534242u;
	for (long i = 0; i < SORT_N; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		values[i] = x;
	}
	quicksort(values, 0, SORT_N - 1);
	uint64_t sum = 0;
	for (long i = 1; i < SORT_N; i++) {
		if (values[i - 1] > values[i])
			return 0;
		sum = sum * 31 + values[i];
	}
	return sum;
}

static uint64_t hash_loop(void)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (uint32_t i = 0; i < HASH_ROUNDS; i++) {
		h ^= i & 0xff;
		h *= 0x100000001b3u;
		h ^= h >> 29;
	}
	return h;
}

int main(void)
{
	uint64_t start = read_instret();
	uint64_t sum = sieve();
	uint64_t sorted = sort_check();
	if (!sorted)
		return 1;
	sum = sum * 1000003 + sorted;
	sum = sum * 1000003 + hash_loop();
	uint64_t insns = read_instret() - start;
	put_str("checksum ");
	put_hex(sum);
	put_str(" instret ");
	put_hex(insns);
	put_str("\n");
	return 0;
}
