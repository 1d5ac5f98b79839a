# ---- AArch64 translation: stage-1 and stage-2 walks (owned by the A64 MMU work) -------------
libemu_a_SOURCES += src/emu/a64_mmu.h src/emu/a64_mmu.c

# stage-1 and stage-2 walks over descriptors built by hand in RAM, faults and syndromes
check_PROGRAMS += tests/unit/test_a64_mmu
tests_unit_test_a64_mmu_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_a64_mmu_SOURCES = tests/unit/test_a64_mmu.c
tests_unit_test_a64_mmu_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test_a64_mmu
