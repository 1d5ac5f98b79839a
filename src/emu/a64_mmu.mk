# ---- AArch64 translation: stage-1 and stage-2 walks (owned by the A64 MMU work) -------------
