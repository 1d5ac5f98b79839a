/* Exit-reason names and the byte helpers every file of src/hv/ shares. */
#include "hv/hv.h"

static const char *const exit_names[HV_EXIT_KIND_COUNT] = {
    [HV_EXIT_NOTHING] = "nothing",
    [HV_EXIT_HYPERCALL] = "hypercall",
    [HV_EXIT_MMIO_READ] = "mmio_read",
    [HV_EXIT_MMIO_WRITE] = "mmio_write",
    [HV_EXIT_SYSREG_READ] = "sysreg_read",
    [HV_EXIT_SYSREG_WRITE] = "sysreg_write",
    [HV_EXIT_EXTERNAL_INTERRUPT] = "external_interrupt",
    [HV_EXIT_NESTED_PAGE_FAULT] = "nested_page_fault",
    [HV_EXIT_HALT] = "halt",
    [HV_EXIT_CPU_UP] = "cpu_up",
    [HV_EXIT_CPU_DOWN] = "cpu_down",
    [HV_EXIT_SYSTEM_DOWN] = "system_down",
    [HV_EXIT_SYSTEM_RESET] = "system_reset",
    [HV_EXIT_SEND_IPI] = "send_ipi",
};

const char *hv_exit_name(hv_exit_kind kind)
{
	if ((unsigned)kind >= HV_EXIT_KIND_COUNT)
		return "unknown";
	return exit_names[kind];
}

const char *hv_access_name(uint32_t access)
{
	if (access & HV_MAP_EXECUTE)
		return "fetch";
	if (access & HV_MAP_WRITE)
		return "write";
	return access & HV_MAP_READ ? "read" : "access";
}

/* volatile keeps gcc from recognising the loops as memset / memcpy and calling them; words
 * (may_alias, so any object may be written through them) where alignment allows, since exit
 * records are zeroed on every exit and lazy pages on every first touch. */
typedef uint64_t __attribute__((may_alias)) hv_word;

static bool words_fit(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (sizeof(hv_word) - 1)) == 0;
}

void hv_zero(void *p, size_t len)
{
	uint8_t *b = p;
	size_t i = 0;

	if (words_fit(p, p))
		for (; i + sizeof(hv_word) <= len; i += sizeof(hv_word))
			*(volatile hv_word *)(b + i) = 0;
	for (; i < len; i++)
		((volatile uint8_t *)b)[i] = 0;
}

void hv_copy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i = 0;

	if (words_fit(dst, src))
		for (; i + sizeof(hv_word) <= len; i += sizeof(hv_word))
			*(volatile hv_word *)(d + i) = *(const hv_word *)(s + i);
	for (; i < len; i++)
		((volatile uint8_t *)d)[i] = s[i];
}
