/* sbi: every SBI extension and function the virt machine offers, with the error returns of the
 * SBI specification v2.0, checked by the guest itself. Run with --harts 2 (SBI_HARTS): HSM
 * starts the second hart, which checks its a0/a1 and stops itself.
 *
 * Ends with SRST shutdown when every check passed, else through the test finisher with the
 * line number of the first failed check as the code. Variants that only exercise an ending
 * (they skip the checks, which the plain build covers):
 *   -DSBI_END_LEGACY   the legacy shutdown call (EID 0x08);
 *   -DSBI_END_FAILURE  SRST shutdown with reason 1 (system failure): the run must fail;
 *   -DSBI_REBOOT=N     reboot (N = 1 SRST cold reboot, 2 SRST warm reboot, 3 finisher
 *                      0x7777); if the machine boots the guest again, a marker word in RAM
 *                      outside the image tells the second boot, which shuts down;
 *   -DTS_ORACLE_QEMU   S-mode under QEMU 7.2's OpenSBI 1.1 (SBI 1.0: no DBCN, no hypercall
 *                      extension): those checks expect NOT_SUPPORTED instead, and say so.
 */
#include "vs.h"

#ifndef SBI_HARTS
#define SBI_HARTS 2
#endif

#define OPAQUE	 UINT64_C(0x5eed0001)
#define BAD_HART 99

static volatile uint64_t sec_hart, sec_opaque, sec_ran;

void vs_secondary_main(uint64_t hartid, uint64_t opaque)
{
	sec_hart = hartid;
	sec_opaque = opaque;
	__asm__ volatile("fence rw, rw" ::: "memory");
	sec_ran = 1;
	/* returning stops the hart with HSM HART_STOP (crt.S) */
}

/* SBI v0.2+ calls preserve every register but a0 and a1. */
static bool call_preserves_registers(void)
{
	register unsigned long a0 __asm__("a0") = 0;
	register unsigned long a1 __asm__("a1") = 0;
	register unsigned long a2 __asm__("a2") = 0xa2a2a2a2;
	register unsigned long a3 __asm__("a3") = 0xa3a3a3a3;
	register unsigned long a4 __asm__("a4") = 0xa4a4a4a4;
	register unsigned long a5 __asm__("a5") = 0xa5a5a5a5;
	register unsigned long a6 __asm__("a6") = SBI_BASE_GET_SPEC_VERSION;
	register unsigned long a7 __asm__("a7") = SBI_EXT_BASE;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6),
			   "+r"(a7)
			 :
			 : "memory");
	return a0 == 0 && a2 == 0xa2a2a2a2 && a3 == 0xa3a3a3a3 && a4 == 0xa4a4a4a4 &&
	       a5 == 0xa5a5a5a5 && a6 == SBI_BASE_GET_SPEC_VERSION && a7 == SBI_EXT_BASE;
}

static void test_base(void)
{
	struct sbiret r = sbi0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	if (VS_QEMU)
		VS_CHECK(r.value >= 0x01000000); /* OpenSBI 1.1 implements SBI 1.0 */
	else
		VS_CHECK_EQ(r.value, 0x02000000); /* major 2 in bits 30:24, minor 0 */
	vs_printf("sbi: spec version 0x%lx\n", r.value);

	for (unsigned long fid = SBI_BASE_GET_IMPL_ID; fid <= SBI_BASE_GET_MIMPID; fid++) {
		if (fid == SBI_BASE_PROBE_EXTENSION)
			continue;
		r = sbi0(SBI_EXT_BASE, fid);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
	}

	static const unsigned long present[] = {SBI_EXT_BASE,	   SBI_EXT_TIME, SBI_EXT_IPI,
						SBI_EXT_RFENCE,	   SBI_EXT_HSM,	 SBI_EXT_SRST,
						SBI_LEGACY_PUTCHAR};
	for (unsigned i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		r = sbi1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, present[i]);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK(r.value != 0);
	}
	r = sbi1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_DBCN);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	if (VS_QEMU)
		VS_CHECK_EQ(r.value, 0); /* OpenSBI 1.1 predates DBCN */
	else
		VS_CHECK(r.value != 0);
	r = sbi1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, 0x12345678);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK_EQ(r.value, 0);

	r = sbi0(SBI_EXT_BASE, 99);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	VS_CHECK(call_preserves_registers());
}

static void test_time(void)
{
	csr_clear(sie, SIE_STIE | SIE_SSIE | SIE_SEIE);
	struct sbiret r = sbi1(SBI_EXT_TIME, 0, UINT64_MAX);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK_EQ(csr_read(sip) & SIP_STIP, 0);
	/* Pending without being enabled: sip.STIP shows it, nothing is taken. */
	r = sbi1(SBI_EXT_TIME, 0, vs_rdtime() + 300);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK(vs_wait_sip(SIP_STIP));
	/* "This function also clears the pending timer interrupt bit." */
	r = sbi1(SBI_EXT_TIME, 0, UINT64_MAX);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK_EQ(csr_read(sip) & SIP_STIP, 0);
	r = sbi0(SBI_EXT_TIME, 1);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	VS_CHECK_EQ(vs_me()->irqs, 0);
}

static void test_ipi(uint64_t me)
{
	struct sbiret r = sbi2(SBI_EXT_IPI, 0, 1, me); /* hart_mask 1, base = me */
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK(vs_wait_sip(SIP_SSIP));
	csr_clear(sip, SIP_SSIP);
	VS_CHECK_EQ(csr_read(sip) & SIP_SSIP, 0);
	r = sbi2(SBI_EXT_IPI, 0, UINT64_C(1) << me, 0); /* the same hart, base 0 */
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK(vs_wait_sip(SIP_SSIP));
	csr_clear(sip, SIP_SSIP);
	r = sbi2(SBI_EXT_IPI, 0, 1, BAD_HART);
	if (VS_QEMU && r.error == SBI_SUCCESS)
		vs_printf("sbi: qemu: send_ipi to hart %d answered 0, not INVALID_PARAM\n",
			  BAD_HART);
	else
		VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi0(SBI_EXT_IPI, 1);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	csr_clear(sip, SIP_SSIP);
	VS_CHECK_EQ(vs_me()->irqs, 0);
}

static void test_rfence(uint64_t me)
{
	struct sbiret r = sbi2(SBI_EXT_RFENCE, 0, 1, me);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	r = sbi4(SBI_EXT_RFENCE, 1, 1, me, 0, UINT64_MAX); /* whole address space */
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	r = sbi_call(SBI_EXT_RFENCE, 2, 1, me, 0x80200000, 0x1000, 0, 0); /* ASID 0 */
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	r = sbi4(SBI_EXT_RFENCE, 1, 1, BAD_HART, 0, UINT64_MAX);
	if (VS_QEMU && r.error == SBI_SUCCESS)
		vs_printf("sbi: qemu: remote_sfence_vma on hart %d answered 0\n", BAD_HART);
	else
		VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	/* The HFENCE functions are for harts with the H extension; the guest's harts have none
	 * (spec: NOT_SUPPORTED when a target hart lacks the hypervisor extension). */
	r = sbi4(SBI_EXT_RFENCE, 3, 1, me, 0, UINT64_MAX);
	if (VS_QEMU) /* there the S-mode hart has H: OpenSBI performs it */
		vs_printf("sbi: qemu: remote_hfence_gvma_vmid answered %ld\n", r.error);
	else
		VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi0(SBI_EXT_RFENCE, 7);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

static void test_hsm(uint64_t me)
{
	uint64_t other = SBI_HARTS > 1 ? (me == 0 ? 1 : 0) : BAD_HART;
	struct sbiret r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, me);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK_EQ(r.value, SBI_HSM_STARTED);
	r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, BAD_HART);
	VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, me, (uint64_t)vs_secondary_start, OPAQUE);
	VS_CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE);
	r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, BAD_HART, (uint64_t)vs_secondary_start, OPAQUE);
	VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);

	if (SBI_HARTS > 1) {
		r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, other);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK_EQ(r.value, SBI_HSM_STOPPED);
		r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_START, other, (uint64_t)vs_secondary_start,
			 OPAQUE);
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		uint64_t end = vs_rdtime() + VS_WAIT_TICKS;
		while (!sec_ran && vs_rdtime() < end)
			;
		VS_CHECK_EQ(sec_ran, 1);
		VS_CHECK_EQ(sec_hart, other);	 /* a0 = hartid */
		VS_CHECK_EQ(sec_opaque, OPAQUE); /* a1 = opaque */
		uint64_t st = ~UINT64_C(0);
		end = vs_rdtime() + VS_WAIT_TICKS;
		while (vs_rdtime() < end) {
			r = sbi1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, other);
			st = (uint64_t)r.value;
			if (r.error || st == SBI_HSM_STOPPED)
				break;
		}
		VS_CHECK_EQ(r.error, SBI_SUCCESS);
		VS_CHECK_EQ(st, SBI_HSM_STOPPED);
	}

	/* Default retentive suspend: returns once an interrupt is pending (enabled in sie). */
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, SIE_STIE);
	sbi1(SBI_EXT_TIME, 0, vs_rdtime() + 500);
	r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x00000000, 0, 0);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK(csr_read(sip) & SIP_STIP);
	sbi1(SBI_EXT_TIME, 0, UINT64_MAX);
	csr_clear(sie, SIE_STIE);
	/* suspend types 0x00000001..0x0fffffff are reserved */
	r = sbi3(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x00000001, 0, 0);
	VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi0(SBI_EXT_HSM, 9);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

static void test_srst(void)
{
	struct sbiret r = sbi2(SBI_EXT_SRST, 0, 3, SBI_SRST_REASON_NONE); /* reserved type */
	VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi2(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, 2); /* reserved reason */
	VS_CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
	r = sbi0(SBI_EXT_SRST, 1);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

static const char dbcn_msg[] = "sbi: dbcn write ok\n";
static char rdbuf[16];

static void test_dbcn(void)
{
	long expect_nosup = VS_QEMU ? SBI_ERR_NOT_SUPPORTED : SBI_SUCCESS;
	struct sbiret r =
	    sbi3(SBI_EXT_DBCN, SBI_DBCN_WRITE, sizeof(dbcn_msg) - 1, (uint64_t)dbcn_msg, 0);
	VS_CHECK_EQ(r.error, expect_nosup);
	if (!VS_QEMU)
		VS_CHECK_EQ(r.value, sizeof(dbcn_msg) - 1); /* bytes written */
	r = sbi3(SBI_EXT_DBCN, SBI_DBCN_WRITE, 0, (uint64_t)dbcn_msg, 0);
	VS_CHECK_EQ(r.error, expect_nosup);
	VS_CHECK_EQ(r.value, 0);
	/* base_addr_hi = 1: 0x1_xxxx_xxxx is no guest RAM */
	r = sbi3(SBI_EXT_DBCN, SBI_DBCN_WRITE, 4, (uint64_t)dbcn_msg, 1);
	VS_CHECK_EQ(r.error, VS_QEMU ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
	static const char bytes[] = "sbi: write_byte ok\n";
	for (const char *p = bytes; *p; p++) {
		r = sbi1(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (uint8_t)*p);
		VS_CHECK_EQ(r.error, expect_nosup);
	}
	/* stdin is empty: nothing to read, not an error */
	rdbuf[0] = 'x';
	r = sbi3(SBI_EXT_DBCN, SBI_DBCN_READ, sizeof(rdbuf), (uint64_t)rdbuf, 0);
	VS_CHECK_EQ(r.error, expect_nosup);
	VS_CHECK_EQ(r.value, 0);
	VS_CHECK_EQ(rdbuf[0], 'x');
	r = sbi0(SBI_EXT_DBCN, 3);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

static unsigned long legacy_mask;

static void test_legacy(uint64_t me)
{
	static const char msg[] = "sbi: legacy putchar ok\n";
	for (const char *p = msg; *p; p++)
		VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_PUTCHAR, (uint8_t)*p, 0, 0, 0), 0);
	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_GETCHAR, 0, 0, 0, 0), -1); /* no input */

	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_SET_TIMER, vs_rdtime() + 300, 0, 0, 0), 0);
	VS_CHECK(vs_wait_sip(SIP_STIP));
	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_SET_TIMER, UINT64_MAX, 0, 0, 0), 0);
	VS_CHECK_EQ(csr_read(sip) & SIP_STIP, 0);

	legacy_mask = 1ul << me; /* the legacy calls take a pointer to the hart mask */
	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_SEND_IPI, (uint64_t)&legacy_mask, 0, 0, 0), 0);
	VS_CHECK(vs_wait_sip(SIP_SSIP));
	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_CLEAR_IPI, 0, 0, 0, 0), 0);
	VS_CHECK_EQ(csr_read(sip) & SIP_SSIP, 0);

	VS_CHECK_EQ(sbi_legacy(SBI_LEGACY_REMOTE_FENCE_I, (uint64_t)&legacy_mask, 0, 0, 0), 0);
	VS_CHECK_EQ(
	    sbi_legacy(SBI_LEGACY_REMOTE_SFENCE_VMA, (uint64_t)&legacy_mask, 0, UINT64_MAX, 0), 0);
	VS_CHECK_EQ(
	    sbi_legacy(SBI_LEGACY_REMOTE_SFENCE_ASID, (uint64_t)&legacy_mask, 0, UINT64_MAX, 0), 0);
	VS_CHECK_EQ(sbi_legacy(0x09, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED); /* no legacy 0x09 */
}

static void test_other(void)
{
	/* trapscope's hypercall extension: nr in a6, a0..a5 arguments; answers a0 = 0 */
	struct sbiret r = sbi_call(SBI_EXT_HVC, 7, 1, 2, 3, 4, 5, 6);
	VS_CHECK_EQ(r.error, VS_QEMU ? SBI_ERR_NOT_SUPPORTED : 0);
	/* unknown extensions: a vendor-range EID, an experimental one, an arbitrary one */
	r = sbi0(0x09000000, 0);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi0(0x08000000, 0);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
	r = sbi0(0x12345678, 0);
	VS_CHECK_EQ(r.error, SBI_ERR_NOT_SUPPORTED);
}

#ifdef SBI_REBOOT
/* A word of RAM outside the image and its stacks: survives a reboot that keeps RAM. */
#define REBOOT_MARK  ((volatile uint64_t *)0x87f00000)
#define REBOOT_MAGIC UINT64_C(0x7e5e7b007ed)
#endif

#if defined(SBI_END_LEGACY) || defined(SBI_END_FAILURE) || defined(SBI_REBOOT)
#define SBI_ENDING_ONLY 1
#else
#define SBI_ENDING_ONLY 0
#endif

int main(uint64_t hartid)
{
#ifdef SBI_REBOOT
	if (*REBOOT_MARK == REBOOT_MAGIC) {
		*REBOOT_MARK = 0;
		vs_printf("sbi: second boot after reboot %d\n", SBI_REBOOT);
		return 0;
	}
#endif
	vs_printf("sbi: hart %lu\n", (unsigned long)hartid);
	if (!SBI_ENDING_ONLY) {
		test_base();
		test_time();
		test_ipi(hartid);
		test_rfence(hartid);
		test_hsm(hartid);
		test_srst();
		test_dbcn();
		test_legacy(hartid);
		test_other();
	}
	int rc = vs_result("sbi");
	if (rc)
		return rc;
#ifdef SBI_REBOOT
	*REBOOT_MARK = REBOOT_MAGIC;
	__asm__ volatile("fence rw, rw" ::: "memory");
	vs_printf("sbi: rebooting (%d)\n", SBI_REBOOT);
	if (SBI_REBOOT == 3)
		mmio_w32(VS_FINISHER, VS_FINISHER_RESET);
	else
		sbi2(SBI_EXT_SRST, 0, SBI_REBOOT, SBI_SRST_REASON_NONE);
	vs_printf("sbi: reboot returned\n");
	return 0xfc;
#endif
#ifdef SBI_END_LEGACY
	vs_printf("sbi: legacy shutdown\n");
	sbi_legacy(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	vs_printf("sbi: legacy shutdown returned\n");
	return 0xfb;
#endif
#ifdef SBI_END_FAILURE
	vs_printf("sbi: SRST shutdown, reason system failure\n");
	sbi2(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE);
	vs_printf("sbi: SRST returned\n");
	return 0xfa;
#endif
	return 0;
}
