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

/* volatile keeps gcc from recognising the loops as memset / memcpy and calling them. */
void hv_zero(void *p, size_t len)
{
	volatile uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = 0;
}

void hv_copy(void *dst, const void *src, size_t len)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;

	for (size_t i = 0; i < len; i++)
		d[i] = s[i];
}
