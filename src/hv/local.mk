# ---- src/hv: the freestanding hypervisor (owned by src/hv/) --------------------------------
noinst_LIBRARIES += libhv.a
# -ffreestanding here too: the host build sees what the riscv64/aarch64 builds see
libhv_a_CFLAGS = $(AM_CFLAGS) -ffreestanding
libhv_a_SOURCES = src/hv/hv.h src/hv/hv_aspace.h src/hv/hv_rv.h \
	src/hv/hv_exit.c src/hv/hv_aspace.c src/hv/hv_rv_npt.c \
	src/hv/hv_rv_vcpu.c src/hv/hv_rv_exit.c src/hv/hv_rv_sbi.c src/hv/hv_rv_insn.c
# AArch64 at EL2: stage-2 tables, the exit handler, SMCCC/PSCI, the load/store decoder
libhv_a_SOURCES += src/hv/hv_a64.h src/hv/hv_a64_s2.c src/hv/hv_a64_vcpu.c \
	src/hv/hv_a64_exit.c src/hv/hv_a64_smccc.c src/hv/hv_a64_insn.c
HV_LIBS = libhv.a

# address space, G-stage tables, the RISC-V exit handler and SBI, over a mock HAL
check_PROGRAMS += tests/unit/test_hv
tests_unit_test_hv_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hv_SOURCES = tests/unit/test_hv.c
tests_unit_test_hv_LDADD = $(TEST_LIBS)
# the AArch64 side: stage-2 tables, exits, SMCCC/PSCI, the ISV = 0 decoder, same mock HAL
check_PROGRAMS += tests/unit/test_hv_a64
tests_unit_test_hv_a64_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_hv_a64_SOURCES = tests/unit/test_hv_a64.c
tests_unit_test_hv_a64_LDADD = $(TEST_LIBS)
# every src/hv file compiles freestanding for riscv64 (and aarch64) with no undefined symbol
TESTS += tests/unit/test_hv tests/unit/test_hv_a64 tests/hv-freestanding.sh
EXTRA_DIST += tests/hv-freestanding.sh
