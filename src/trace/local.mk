# ---- src/trace: exit events and JSON traces (owned by src/trace/) ----------------------------
noinst_LIBRARIES += libtrace.a
libtrace_a_SOURCES = src/trace/trace.h src/trace/trace.c src/trace/trace_write.c \
	src/trace/trace_read.c src/trace/trace_diff.c
libtrace_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)

TRACE_LIBS = libtrace.a

# the format: man page, JSON Schema, sample traces
dist_man_MANS += man/trapscope-trace.5
EXTRA_DIST += traces

check_PROGRAMS += tests/unit/test_trace
tests_unit_test_trace_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_trace_SOURCES = tests/unit/test_trace.c
tests_unit_test_trace_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test_trace tests/integration/trace.sh
EXTRA_DIST += tests/integration/trace.sh
