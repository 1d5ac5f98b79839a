/* smp: SMP_HARTS harts (build-time, default 4; run with --harts 4) through SBI HSM and IPI.
 *
 * The boot hart checks that every other hart is STOPPED, starts each one at
 * vs_secondary_start with opaque 0x100 + hartid, waits until it runs (its HART_GET_STATUS is
 * then STARTED and a second HART_START answers ALREADY_AVAILABLE), then sends one IPI to all
 * of them with a single hart mask. Each secondary prints its id through the console (DBCN),
 * waits in WFI for that IPI (sip.SSIP), acknowledges in memory and with an IPI back to the
 * boot hart, and stops itself with HART_STOP. The boot hart waits for every acknowledgement,
 * polls HART_GET_STATUS until each hart is STOPPED, starts the first secondary once more
 * (a stopped hart can start again), waits for it to stop, and shuts down with SRST.
 */
#include "vs.h"

#ifndef SMP_HARTS
#define SMP_HARTS 4
#endif
#if SMP_HARTS > VS_MAX_HARTS || SMP_HARTS < 2
#error "SMP_HARTS must be 2..VS_MAX_HARTS"
#endif

/* Waits are bounded by time (vs.h), so a broken machine ends the test instead of hanging. */
#define WAIT_TICKS VS_WAIT_TICKS

#define OPAQUE(h, round) (UINT64_C(0x100) * (round) + (h))

static volatile uint64_t round_no = 1;
static volatile uint64_t up[VS_MAX_HARTS], opaque_seen[VS_MAX_HARTS], acked[VS_MAX_HARTS];
static volatile uint64_t got_ipi[VS_MAX_HARTS];

static void fence(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

void vs_secondary_main(uint64_t h, uint64_t opaque)
{
	opaque_seen[h] = opaque;
	vs_printf("smp: hart %lu up, opaque 0x%lx\n", (unsigned long)h, (unsigned long)opaque);
	if (round_no != 1) {
		fence();
		up[h] = 1;
		return; /* HART_STOP */
	}
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, SIE_SSIE);
	fence();
	up[h] = 1;
	/* the boot hart's IPI: pending in sip.SSIP; WFI wakes on it with SIE off */
	uint64_t end = vs_rdtime() + WAIT_TICKS;
	while (!(csr_read(sip) & SIP_SSIP) && vs_rdtime() < end)
		vs_wfi();
	got_ipi[h] = (csr_read(sip) & SIP_SSIP) ? 1 : 0;
	csr_clear(sip, SIP_SSIP);
	fence();
	acked[h] = 1; /* first the acknowledgement, then the IPI that announces it */
	fence();
	sbi2(SBI_EXT_IPI, 0, 1, vs_boot_hart);
	vs_printf("smp: hart %lu got its IPI, stopping\n", (unsigned long)h);
}

static bool spin_until(volatile uint64_t *flag)
{
	uint64_t end = vs_rdtime() + WAIT_TICKS;
	while (vs_rdtime() < end)
		if (*flag)
			return true;
	return *flag != 0;
}

static uint64_t wait_stopped(uint64_t h)
{
	struct sbiret r = {0, -1};
	uint64_t end = vs_rdtime() + WAIT_TICKS;
	while (vs_rdtime() < end) {
		r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, h);
		if (r.error || r.value == SBI_HSM_STOPPED)
			break;
	}
	return r.error ? (uint64_t)r.error : (uint64_t)r.value;
}

int main(uint64_t boot)
{
	vs_printf("smp: boot hart %lu, %d harts\n", (unsigned long)boot, SMP_HARTS);
	uint64_t mask = 0;
	for (uint64_t h = 0; h < SMP_HARTS; h++) {
		if (h == boot)
			continue;
		mask |= UINT64_C(1) << h;
		struct sbiret r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, h);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK_EQ(r.value, SBI_HSM_STOPPED);
		r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, h, (uint64_t)vs_secondary_start,
			 OPAQUE(h, 1));
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK(spin_until(&up[h]));
		VS_CHECK_EQ(opaque_seen[h], OPAQUE(h, 1));
		r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, h);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK_EQ(r.value, SBI_HSM_STARTED);
		r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, h, (uint64_t)vs_secondary_start, 0);
		VS_CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE);
	}

	/* one IPI call for every secondary: hart_mask with base 0 */
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, SIE_SSIE);
	struct sbiret r = sbi2(SBI_EXT_IPI, 0, mask, 0);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);

	/* acknowledgements: each is written before its IPI, and sip.SSIP stays pending until
	 * cleared, so checking the flags after each wake-up cannot miss the last one */
	unsigned ipis = 0;
	uint64_t end = vs_rdtime() + WAIT_TICKS;
	while (vs_rdtime() < end) {
		bool all = true;
		for (uint64_t h = 0; h < SMP_HARTS; h++)
			if (h != boot && !acked[h])
				all = false;
		if (all)
			break;
		if (csr_read(sip) & SIP_SSIP) {
			csr_clear(sip, SIP_SSIP);
			ipis++;
		} else {
			vs_wfi();
		}
	}
	if (csr_read(sip) & SIP_SSIP) {
		csr_clear(sip, SIP_SSIP);
		ipis++;
	}
	VS_CHECK(ipis >= 1);
	for (uint64_t h = 0; h < SMP_HARTS; h++) {
		if (h == boot)
			continue;
		VS_CHECK_EQ(acked[h], 1);
		VS_CHECK_EQ(got_ipi[h], 1);
		VS_CHECK_EQ(wait_stopped(h), SBI_HSM_STOPPED);
	}
	vs_printf("smp: every secondary acknowledged (%u IPIs seen) and stopped\n", ipis);

	/* a stopped hart starts again */
	uint64_t again = boot == 1 ? 2 : 1;
	round_no = 2;
	up[again] = 0;
	fence();
	r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, again, (uint64_t)vs_secondary_start,
		 OPAQUE(again, 2));
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK(spin_until(&up[again]));
	VS_CHECK_EQ(opaque_seen[again], OPAQUE(again, 2));
	VS_CHECK_EQ(wait_stopped(again), SBI_HSM_STOPPED);
	csr_clear(sie, SIE_SSIE);
	return vs_result("smp");
}
