// What the suite's fuzz tests print when a case fails: enough to run it again.

import type { CampaignSummary } from '../../fuzz/campaign.js';

export function failureReport(seed: number, summary: CampaignSummary): string {
  return summary.failures
    .slice(0, 5)
    .map(
      (f) =>
        `case ${f.case.index} (${f.case.kind}, ${f.case.origin}${f.case.gzip ? ', gzip' : ''}, ${JSON.stringify(f.case.options)}): ${f.problem}\n${f.detail}\n` +
        `again: npm run fuzz -- --seed ${seed} --start ${f.case.index} --count 1 --kinds ${f.case.kind}`,
    )
    .join('\n\n');
}
