# ---- src/trace: exit events and JSON traces (owned by src/trace/) ----------------------------
noinst_LIBRARIES += libtrace.a
libtrace_a_SOURCES = src/trace/trace.h src/trace/trace.c src/trace/trace_write.c \
	src/trace/trace_read.c src/trace/trace_diff.c
libtrace_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)

# `trapscope trace`: statistics and differences of traces read back. An archive of its own
# because Makefile.am sets trapscope_SOURCES only after including this file (automake refuses
# '+=' before '='); main.o pulls cli_trace from it through TRACE_LIBS.
noinst_LIBRARIES += libtracecmd.a
libtracecmd_a_SOURCES = src/cli/trace_cmd.c
libtracecmd_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
TRACE_LIBS = libtracecmd.a libtrace.a

# the format: man page, JSON Schema, sample traces
dist_man_MANS += man/trapscope-trace.5
EXTRA_DIST += traces

check_PROGRAMS += tests/unit/test_trace
tests_unit_test_trace_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_trace_SOURCES = tests/unit/test_trace.c
tests_unit_test_trace_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test_trace tests/integration/trace.sh
EXTRA_DIST += tests/integration/trace.sh
