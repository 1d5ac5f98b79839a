# ---- AArch64 decoder and interpreter (owned by the A64 interpreter work) -------------------
# the A64 instruction decoder
libdecode_a_SOURCES += src/decode/a64_insn.h src/decode/a64_insn.c
# the AArch64 hart: system registers, memory, exceptions, the interpreter
libemu_a_SOURCES += src/emu/a64_hart.h src/emu/a64_sysreg.c src/emu/a64_mem.c \
	src/emu/a64_trap.c src/emu/a64_exec.c src/emu/a64_exec_loop.h

# decoder: hand-written cases from the Arm ARM, completeness and operands against Capstone
check_PROGRAMS += tests/unit/test_a64_insn
tests_unit_test_a64_insn_CFLAGS = $(TEST_CFLAGS) $(CAPSTONE_CFLAGS)
tests_unit_test_a64_insn_SOURCES = tests/unit/test_a64_insn.c
tests_unit_test_a64_insn_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test_a64_insn

# the hart: hand-written programs, exceptions to EL1, exits to EL2, interrupts, timers
check_PROGRAMS += tests/unit/test_a64_exec
tests_unit_test_a64_exec_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_a64_exec_SOURCES = tests/unit/test_a64_exec.c
tests_unit_test_a64_exec_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test_a64_exec

# differential test against Unicorn's ARM64 (QEMU 5.0's translator)
if HAVE_UNICORN
check_PROGRAMS += tests/diff/a64_unicorn
tests_diff_a64_unicorn_CFLAGS = $(TEST_CFLAGS) $(UNICORN_CFLAGS) $(CAPSTONE_CFLAGS)
tests_diff_a64_unicorn_SOURCES = tests/diff/a64_unicorn.c tests/diff/diff_options.h \
	tests/diff/diff_options.c
tests_diff_a64_unicorn_LDADD = $(TEST_LIBS) $(UNICORN_LIBS)
TESTS += tests/diff/a64_unicorn
endif
