// The footprint metrics a replay keeps high-water marks of, and what each
// measures: the replay tracks them, the reports print them, so the vocabulary
// sits below both.

export const HIGH_WATER_METRICS = [
  'live_requested_bytes',
  'block_bytes',
  'pools_in_use',
  'arenas',
  'system_bytes',
  'footprint_bytes',
] as const;
export type HighWaterMetric = (typeof HIGH_WATER_METRICS)[number];

export const HIGH_WATER_DESCRIPTIONS: Record<HighWaterMetric, string> = {
  live_requested_bytes: 'live requested bytes (all domains)',
  block_bytes: 'bytes in allocated pymalloc blocks',
  pools_in_use: 'pymalloc pools in use',
  arenas: 'pymalloc arenas',
  system_bytes: 'bytes from the C library (sizes 0 and > 512, raw domain)',
  // (With native records the footprint also counts anonymous mappings: see NATIVE_HIGH_WATER_METRICS.)
  footprint_bytes: 'footprint: arenas x arena size + C library bytes',
};

/**
 * High-water marks of the native half (the native trace contract): kept
 * apart from HIGH_WATER_METRICS, so that outputs of traces without native
 * records stay as they were; reported when a trace has native records.
 * (pymalloc's own is `arenas` above; the footprint counts all three.)
 */
export const NATIVE_HIGH_WATER_METRICS = ['native_heap_bytes', 'mmap_bytes'] as const;
export type NativeHighWaterMetric = (typeof NATIVE_HIGH_WATER_METRICS)[number];

export const NATIVE_HIGH_WATER_DESCRIPTIONS: Record<NativeHighWaterMetric, string> = {
  native_heap_bytes: 'bytes of native blocks (C code calling the C library directly)',
  mmap_bytes: 'bytes of anonymous mappings C code made directly',
};
