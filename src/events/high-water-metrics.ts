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
  footprint_bytes: 'footprint: arenas x arena size + C library bytes',
};
