# ---- src/trace: exit events and JSON traces (owned by src/trace/) ----------------------------
TRACE_LIBS =
